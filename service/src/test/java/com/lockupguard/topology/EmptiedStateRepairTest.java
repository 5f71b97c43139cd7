package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.InMemoryKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task whose holding-state store holds nothing, or whose store opened fresh holds nothing, yet restores from past
 * its changelog's start, is rebuilt before it decides anything; every other restore is left alone.
 */
class EmptiedStateRepairTest {

    private static final TaskId TASK = new TaskId(0, 3);
    private static final String APPLICATION_ID = "guard";

    private final EmptiedStateRepair repair = new EmptiedStateRepair();

    @Test
    void shouldHaveTheTopologyRebuildAnEmptiedTaskBeforeItDecidesAnAgreementAnOrderOrABoundary(@TempDir Path stateDir) {
        // given the guard's topology, whose task's holding state (empty) Kafka Streams restores from offset 88
        TopologyOptions options = TopologyOptions.service();
        try (TopologyFixture guard = new TopologyFixture(stateDir, options)) {
            options.emptiedState().restoreStarting(StoreNames.HOLDING_STATE, 0, 88);

            // when an agreement arrives, then the task is handed back to be rebuilt and nothing is recorded
            assertThatThrownBy(() -> guard.agreements.pipeInput(TopologyFixture.HOLDING,
                    TopologyFixture.letter().build(), TopologyFixture.at("2003-05-01T09:00:00-04:00")))
                    .isInstanceOf(TaskCorruptedException.class);
            assertThat(guard.agreementAudit.isEmpty()).isTrue();

            // and likewise when the rebuilt task met the defect again and an order arrives, or the wall clock moves
            options.emptiedState().restoreStarting(StoreNames.HOLDING_STATE, 0, 89);
            assertThatThrownBy(() -> guard.orders.pipeInput(TopologyFixture.HOLDING, TopologyFixture.order("o1",
                    com.lockupguard.avro.OrderKind.PUBLIC_SALE, 10), TopologyFixture.at("2003-05-01T09:01:00-04:00")))
                    .isInstanceOf(TaskCorruptedException.class);
            assertThat(guard.approved.isEmpty() && guard.blocked.isEmpty()).isTrue();
            options.emptiedState().restoreStarting(StoreNames.HOLDING_STATE, 0, 90);
            assertThatThrownBy(() -> guard.driver.advanceWallClockTime(Duration.ofSeconds(2)))
                    .isInstanceOf(TaskCorruptedException.class);
            assertThat(options.emptiedState().rebuiltTasks()).isEqualTo(3);
        }
    }

    @Test
    void shouldHaveTheTopologyRebuildAnEmptiedTaskBeforeItSweepsItsRememberedIds(@TempDir Path stateDir) {
        // given the guard's topology forgetting ids after an hour, whose task's holding state (empty) Kafka Streams
        // restores from offset 88
        TopologyOptions options = TopologyOptions.service().withIdRetention(Duration.ofHours(1));
        try (TopologyFixture guard = new TopologyFixture(stateDir, options)) {
            options.emptiedState().restoreStarting(StoreNames.HOLDING_STATE, 0, 88);

            // when the wall clock moves on by one slice of the id sweep, sooner than the check every second, then the
            // task is handed back to be rebuilt before the slice is swept (it would take an execution id whose order
            // was not restored for one whose order was forgotten)
            assertThatThrownBy(() -> guard.driver.advanceWallClockTime(IdSweeper.INTERVAL))
                    .isInstanceOf(TaskCorruptedException.class);
        }
    }

    @Test
    void shouldLetNoQueryReadATaskToBeRebuiltNorCountItsCloseAgainstItsSuccessor(@TempDir Path stateDir) {
        // given partition 0's holding state, empty, which Kafka Streams restores from offset 88 as its task starts
        TopologyOptions options = TopologyOptions.service();
        open(options.emptiedState(), StoreNames.HOLDING_STATE, new TaskId(0, 0), null);
        options.emptiedState().restoreStarting(StoreNames.HOLDING_STATE, 0, 88);

        // when its task starts, to be rebuilt before it decides anything
        try (TopologyFixture guard = new TopologyFixture(stateDir, options)) {
            // then its partition is not counted running, so no query reads its stores
            assertThat(options.running().isRunning(0)).isFalse();
            // and, once its rebuilt successor runs (on another thread, say), the close of this one
            options.running().started(0);
        }
        // does not count the successor out
        assertThat(options.running().isRunning(0)).isTrue();
    }

    @Test
    void shouldRebuildATaskWhoseEmptyHoldingStateRestoresFromPastTheStart() {
        // given task 0_3's holding state, empty
        open(StoreNames.HOLDING_STATE, TASK);

        // when Kafka Streams restores it from offset 88
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, 88);

        // then the task's first record or punctuation has Kafka Streams rebuild it, once
        assertThat(repair.awaitsRebuild()).isTrue();
        assertThatThrownBy(() -> repair.throwIfEmptied(TASK)).isInstanceOfSatisfying(TaskCorruptedException.class,
                corrupted -> assertThat(corrupted.corruptedTasks()).containsExactly(TASK));
        assertThat(repair.rebuiltTasks()).isEqualTo(1);
        assertThatCode(() -> repair.throwIfEmptied(TASK)).doesNotThrowAnyException();
        assertThat(repair.awaitsRebuild()).isFalse();
    }

    @Test
    void shouldRebuildATaskWhoseHoldingStateOnDiskHoldsNothingBehindAnOffset() {
        // given task 0_3's holding state as a guard before this repair left it: opened with changelog offset 87, empty
        open(StoreNames.HOLDING_STATE, TASK, 87L);

        // when Kafka Streams restores it from offset 88
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, 88);

        // then the task is rebuilt: a holding is never deleted, so an empty holding state has no offset to be at
        assertThatThrownBy(() -> repair.throwIfEmptied(TASK)).isInstanceOf(TaskCorruptedException.class);
    }

    @Test
    void shouldLeaveAnEmptyHoldingStateRestoringFromTheStart() {
        // given an empty holding state
        open(StoreNames.HOLDING_STATE, TASK);

        // when it restores from offset 0, as a store without a position does
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, 0);

        // then nothing is rebuilt
        assertThatCode(() -> repair.throwIfEmptied(TASK)).doesNotThrowAnyException();
        assertThat(repair.rebuiltTasks()).isZero();
    }

    @Test
    void shouldLeaveAHoldingStateThatHoldsHoldingsWhereverItRestoresFrom() {
        // given a holding state that holds a holding
        KeyValueStore<Bytes, byte[]> store = open(StoreNames.HOLDING_STATE, TASK);
        store.put(Bytes.wrap("dutchess/CBYI".getBytes()), new byte[] {1});

        // when it restores from where it stopped
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, 88);

        // then nothing is rebuilt
        assertThatCode(() -> repair.throwIfEmptied(TASK)).doesNotThrowAnyException();
    }

    @Test
    void shouldRebuildATaskWhoseFreshlyOpenedStoreRestoresFromPastTheStart() {
        // given task 0_3's remembered orders, opened without a changelog offset (created anew) and empty
        open(StoreNames.SEEN_ORDERS, TASK);

        // when Kafka Streams restores them from offset 88
        repair.restoreStarting(StoreNames.SEEN_ORDERS, 3, 88);

        // then the task is rebuilt: they could only start at the changelog's start
        assertThatThrownBy(() -> repair.throwIfEmptied(TASK)).isInstanceOf(TaskCorruptedException.class);
    }

    @Test
    void shouldLeaveAStoreOpenedWithAnOffsetWhoseKeysWereAllForgotten() {
        // given task 0_3's remembered orders, opened with changelog offset 87 and empty: every id forgotten after its
        // retention, which a holding never is
        open(StoreNames.SEEN_ORDERS, TASK, 87L);

        // when Kafka Streams restores them from offset 88
        repair.restoreStarting(StoreNames.SEEN_ORDERS, 3, 88);

        // then nothing is rebuilt
        assertThatCode(() -> repair.throwIfEmptied(TASK)).doesNotThrowAnyException();
    }

    @Test
    void shouldLeaveAPromotedStandbysStoreThatHoldsWhatItApplied() {
        // given a standby's remembered orders, opened fresh and kept up to date since
        open(StoreNames.SEEN_ORDERS, TASK).put(Bytes.wrap("dutchess/CBYI/e1".getBytes()), new byte[] {1});

        // when the standby is promoted and restores the rest from offset 88
        repair.restoreStarting(StoreNames.SEEN_ORDERS, 3, 88);

        // then nothing is rebuilt
        assertThatCode(() -> repair.throwIfEmptied(TASK)).doesNotThrowAnyException();
    }

    @Test
    void shouldAcceptTheRebuiltTasksRestoreFromTheRefusedOffsetOrBelow() {
        // given a task rebuilt after its empty holding state restored from offset 88
        rebuiltAfterARestoreFrom(88);

        // when its new store restores from offset 40, the changelog's start
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, 40);

        // then it is not rebuilt again
        assertThatCode(() -> repair.throwIfEmptied(TASK)).doesNotThrowAnyException();
        assertThat(repair.rebuiltTasks()).isEqualTo(1);
    }

    @Test
    void shouldRebuildOnceOnlyATaskWhoseChangelogStartsPastZero() {
        // given a task rebuilt after its empty holding state restored from offset 88, the changelog's first offset
        // (records deleted before it): no defect at all
        rebuiltAfterARestoreFrom(88);

        // when its new store restores from offset 88 again
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, 88);

        // then it is accepted: a second rebuild would end no differently, and so on forever
        assertThatCode(() -> repair.throwIfEmptied(TASK)).doesNotThrowAnyException();
        assertThat(repair.rebuiltTasks()).isEqualTo(1);
    }

    @Test
    void shouldRebuildAgainATaskThatMetTheDefectAgainWhileRebuilt() {
        // given a task rebuilt after its empty holding state restored from offset 88
        rebuiltAfterARestoreFrom(88);

        // when its new store restores from offset 120: the brokers failed again, the abort of the rebuild's
        // transaction with them
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, 120);

        // then it is rebuilt again
        assertThatThrownBy(() -> repair.throwIfEmptied(TASK)).isInstanceOf(TaskCorruptedException.class);
        assertThat(repair.rebuiltTasks()).isEqualTo(2);
    }

    @Test
    void shouldForgetATaskThatMovedAwayBeforeItDecided() {
        // given an empty holding state that restored from past the start
        KeyValueStore<Bytes, byte[]> store = open(StoreNames.HOLDING_STATE, TASK);
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, 88);

        // when its task is closed (moved to another instance) before its first record
        store.close();

        // then the task, back here later with a sound store, is not rebuilt
        open(StoreNames.HOLDING_STATE, TASK).put(Bytes.wrap("k".getBytes()), new byte[] {1});
        assertThatCode(() -> repair.throwIfEmptied(TASK)).doesNotThrowAnyException();
        assertThat(repair.awaitsRebuild()).isFalse();
    }

    @Test
    void shouldOnlyRebuildTheTaskWhoseStoreWasEmptied() {
        // given two tasks' holding states, one empty and one not
        TaskId other = new TaskId(0, 1);
        open(StoreNames.HOLDING_STATE, TASK);
        open(StoreNames.HOLDING_STATE, other).put(Bytes.wrap("k".getBytes()), new byte[] {1});

        // when both restore from past the start
        repair.restoreStarting(StoreNames.HOLDING_STATE, 1, 50);
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, 88);

        // then only the empty one is rebuilt
        assertThatCode(() -> repair.throwIfEmptied(other)).doesNotThrowAnyException();
        assertThatThrownBy(() -> repair.throwIfEmptied(TASK)).isInstanceOf(TaskCorruptedException.class);
    }

    /** Task 0_3 rebuilt after its empty holding state restored from {@code offset}, and its store opened again. */
    private void rebuiltAfterARestoreFrom(long offset) {
        KeyValueStore<Bytes, byte[]> store = open(StoreNames.HOLDING_STATE, TASK);
        repair.restoreStarting(StoreNames.HOLDING_STATE, 3, offset);
        assertThatThrownBy(() -> repair.throwIfEmptied(TASK)).isInstanceOf(TaskCorruptedException.class);
        store.close();
        open(StoreNames.HOLDING_STATE, TASK);
    }

    private KeyValueStore<Bytes, byte[]> open(String name, TaskId task) {
        return open(name, task, null);
    }

    private KeyValueStore<Bytes, byte[]> open(String name, TaskId task, Long committedOffset) {
        return open(repair, name, task, committedOffset);
    }

    /**
     * Store {@code name} of {@code task}, watched by {@code by}, opened with {@code committedOffset} on its changelog.
     */
    private static KeyValueStore<Bytes, byte[]> open(EmptiedStateRepair by, String name, TaskId task,
            Long committedOffset) {
        KeyValueStore<Bytes, byte[]> store = by.watched(new BytesStoreSupplier(name, "in-memory",
                () -> new InMemoryKeyValueStore(name) {
                    @Override
                    public Long committedOffset(TopicPartition partition) {
                        assertThat(partition).isEqualTo(new TopicPartition(
                                StoreNames.changelogTopic(APPLICATION_ID, name), task.partition()));
                        return committedOffset;
                    }
                })).get();
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, task, null);
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
