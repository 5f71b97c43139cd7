package com.lockupguard.topology;

import static com.lockupguard.topology.TopologyFixture.WALL_CLOCK_START;
import static com.lockupguard.topology.TopologyFixture.at;
import static com.lockupguard.topology.TopologyFixture.letter;
import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Phase;
import com.lockupguard.avro.Position;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release-schedule key no guard wrote must not stop the releases behind it. */
class UnreadableScheduleKeyTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldPublishTheReleasesBehindAScheduleKeyItCannotReadAndDropIt() {
        try (TopologyFixture guard = new TopologyFixture(stateDir)) {
            // given a holding on the schedule, and a damaged key sorted before every real boundary
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            guard.positions.readValuesToList();
            KeyValueStore<String, String> schedule = guard.driver.getKeyValueStore(StoreNames.RELEASE_SCHEDULE);
            schedule.put("000000000000000000a/x", "x/y");

            // when the wall clock passes the First Release
            guard.driver.advanceWallClockTime(Duration.between(WALL_CLOCK_START, at("2003-07-27T00:00:05-04:00")));

            // then the holding's first window is published (seen: every punctuation stopped at the damaged key), and
            // the key is gone
            List<Position> published = guard.positions.readValuesToList();
            assertThat(published).extracting(Position::getPhase).containsExactly(Phase.FIRST);
            assertThat(schedule.get("000000000000000000a/x")).isNull();
        }
    }
}
