package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningPartitionsTest {

    @Test
    void shouldCountAPartitionRunningFromItsTasksStartToItsClose(@TempDir Path stateDir) {
        // given the guard's topology, not started
        TopologyOptions options = TopologyOptions.service();
        assertThat(options.running().isRunning(0)).isFalse();

        // when its one task (partition 0) starts: Kafka Streams starts a task's processors once its stores are restored
        try (TopologyFixture guard = new TopologyFixture(stateDir, options)) {
            // then its partition runs, and no other
            assertThat(options.running().isRunning(0)).isTrue();
            assertThat(options.running().isRunning(1)).isFalse();
        }
        // and once the task closed, it does not
        assertThat(options.running().isRunning(0)).isFalse();
    }

    @Test
    void shouldKeepAPartitionRunningWhileATaskOfItStartedOnAnotherThreadBeforeTheFirstClosed() {
        // given a partition whose task closes on one thread while its successor started on another
        RunningPartitions running = new RunningPartitions();
        running.started(4);
        running.started(4);

        // when the first closes
        running.stopped(4);

        // then the second still runs it, until it closes too
        assertThat(running.isRunning(4)).isTrue();
        running.stopped(4);
        assertThat(running.isRunning(4)).isFalse();
    }
}
