package com.lockupguard.topology;

import static com.lockupguard.topology.TopologyFixture.HOLDING;
import static com.lockupguard.topology.TopologyFixture.letter;
import static com.lockupguard.topology.TopologyFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.testing.CapturedLogs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * order.ids.retention.ms: ids are forgotten once the retention has passed in wall-clock time since
 * the guard first saw them (a closed reservation: since it closed), or since the broker stamped them
 * when that is later, never before, and never while a reservation is open. The driver's wall clock
 * stands for the service's.
 */
class IdRetentionTest {

    private static final Duration RETENTION = Duration.ofHours(1);
    /** Where each test starts the guard's clock: after the records of most of them. */
    private static final Instant GUARD_CLOCK = Instant.parse("2003-08-01T00:00:00Z");
    /**
     * Time for the sweeper to start its next walk and visit these few ids, with room (the driver fires one sweep
     * per advance).
     */
    private static final Duration SWEPT = IdSweeper.walkEvery(RETENTION).plusSeconds(5);

    @TempDir
    Path stateDir;

    private TopologyOptions options;
    private TopologyFixture guard;

    @BeforeEach
    void start() {
        options = TopologyOptions.service().withIdRetention(RETENTION);
        guard = new TopologyFixture(stateDir, options);
        // the guard's clock after the records' times, as a broker's and a guard's clock agree (an id is remembered
        // from the later of the guard's clock and its record's time); a whole number of sweep intervals on
        guard.driver.advanceWallClockTime(Duration.between(TopologyFixture.WALL_CLOCK_START, GUARD_CLOCK));
        guard.agreement(letter().setEffectiveAt(TopologyFixture.at("2003-07-10T16:30:00-04:00")).build(),
                "2003-07-10T16:30:00-04:00");
    }

    @AfterEach
    void stop() {
        guard.close();
    }

    /** Three orders: one blocked, one approved and filled (closed), one approved and left open; and its fill. */
    private void decideAndFill() {
        guard.decide(order("blocked", OrderKind.PRIVATE_TRANSFER, 10), "2003-07-11T09:40:00-04:00");
        guard.decide(order("filled", OrderKind.PUBLIC_SALE, 1_000), "2003-07-11T09:45:00-04:00");
        guard.report(TopologyFixture.fill("x1", "filled", 1_000), "2003-07-11T09:50:00-04:00");
        guard.decide(order("open", OrderKind.PUBLIC_SALE, 2_000), "2003-07-11T09:55:00-04:00");
    }

    @Test
    void shouldForgetIdsOnceTheRetentionHasPassedButNeverAnOpenReservation() {
        // given
        decideAndFill();
        assertThat(keys(StoreNames.SEEN_ORDERS)).hasSize(3);
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).hasSize(1);
        // when the retention passes, and the sweeper walks the stores
        guard.driver.advanceWallClockTime(RETENTION.plus(SWEPT));
        // then the store shrinks to the open reservation's order id
        assertThat(keys(StoreNames.SEEN_ORDERS)).containsExactly(StoreNames.idKey(HOLDING, "open"));
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).isEmpty();
        // and a forgotten id is an order like any new one; the open one is still answered as a retry
        Decision again = guard.decide(order("blocked", OrderKind.PRIVATE_TRANSFER, 10), "2003-07-12T09:40:00-04:00");
        assertThat(again.getRepeated()).isFalse();
        assertThat(guard.decide(order("open", OrderKind.PUBLIC_SALE, 2_000), "2003-07-12T09:41:00-04:00")
                .getRepeated()).isTrue();
    }

    @Test
    void shouldCountTheRetentionFromTheRecordsTimeWhenTheGuardsClockIsBehindTheBrokers() {
        // given an order and its fill the broker stamped (LogAppendTime) a month ahead of the guard's clock: the
        // guard's host runs a month behind the broker's
        options.orderStamps().set(true);
        guard.decide(order("ahead", OrderKind.PUBLIC_SALE, 1_000), "2003-09-01T09:40:00-04:00");
        guard.report(TopologyFixture.fill("x-ahead", "ahead", 1_000), "2003-09-01T09:41:00-04:00");

        // when the retention passes by the guard's clock
        guard.driver.advanceWallClockTime(RETENTION.plus(SWEPT));

        // then neither is forgotten: a resend of the order is still its first decision repeated
        assertThat(keys(StoreNames.SEEN_ORDERS)).containsExactly(StoreNames.idKey(HOLDING, "ahead"));
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).containsExactly(StoreNames.idKey(HOLDING, "x-ahead"));

        // and once the guard's clock is set right, they are forgotten a retention after the records' times
        guard.driver.advanceWallClockTime(Duration.between(GUARD_CLOCK.plus(RETENTION).plus(SWEPT),
                TopologyFixture.at("2003-09-01T09:41:00-04:00")));
        assertThat(keys(StoreNames.SEEN_ORDERS)).hasSize(1);
        guard.driver.advanceWallClockTime(RETENTION.plus(SWEPT));
        assertThat(keys(StoreNames.SEEN_ORDERS)).isEmpty();
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).isEmpty();
    }

    @Test
    void shouldCountTheRetentionByTheGuardsClockForAnOrderItsProducerStampedYearsAhead() {
        // given an order on a topic its producers stamp (CreateTime), by a producer whose clock runs years ahead
        guard.decide(order("future", OrderKind.PURCHASE, 1), "2009-07-11T09:40:00-04:00");

        // when the retention passes by the guard's clock
        guard.driver.advanceWallClockTime(RETENTION.plus(SWEPT));

        // then it is forgotten: a producer's time would keep it for years
        assertThat(keys(StoreNames.SEEN_ORDERS)).isEmpty();
    }

    @Test
    void shouldForgetNothingBeforeTheRetentionHasPassed() {
        // given
        decideAndFill();
        // when exactly the retention passes (remembered that long, not longer), and the sweeper walks the stores then
        guard.driver.advanceWallClockTime(RETENTION);
        // then every id is remembered: a retry gets its first decision, a repeated report is a duplicate
        assertThat(keys(StoreNames.SEEN_ORDERS)).hasSize(3);
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).hasSize(1);
        Decision retry = guard.decide(order("blocked", OrderKind.PRIVATE_TRANSFER, 10), "2003-07-12T09:40:00-04:00");
        assertThat(retry.getRepeated()).isTrue();
        assertThat(retry.getOutcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(guard.report(TopologyFixture.fill("x1", "filled", 1_000), "2003-07-12T09:50:00-04:00")
                .getOutcome()).isEqualTo(ExecutionResult.DUPLICATE);
    }

    @Test
    void shouldForgetAnIdAMillisecondAfterItsRetentionAndNotAtIt() {
        // given ids first seen a millisecond apart in wall-clock time, the later on a sweep's tick
        guard.driver.advanceWallClockTime(IdSweeper.INTERVAL.minusMillis(1));
        guard.decide(order("early", OrderKind.PURCHASE, 1), "2003-07-11T09:40:00-04:00");
        guard.report(TopologyFixture.fill("x-early", "elsewhere", 1), "2003-07-11T09:41:00-04:00");
        guard.driver.advanceWallClockTime(Duration.ofMillis(1));
        guard.decide(order("late", OrderKind.PURCHASE, 1), "2003-07-11T09:42:00-04:00");
        guard.report(TopologyFixture.fill("x-late", "elsewhere", 1), "2003-07-11T09:43:00-04:00");
        // when the sweeper walks the stores exactly a retention after the later were seen
        guard.driver.advanceWallClockTime(RETENTION);
        // then those remembered a millisecond longer than the retention are forgotten; those remembered exactly the
        // retention, not longer (RULES section 4 check 2), are not
        assertThat(keys(StoreNames.SEEN_ORDERS)).containsExactly(StoreNames.idKey(HOLDING, "late"));
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).containsExactly(StoreNames.idKey(HOLDING, "x-late"));
    }

    @Test
    void shouldRememberAReservationClosedLateForTheRetentionFromItsClose() {
        // given an approval left open for ten retentions
        decideAndFill();
        guard.driver.advanceWallClockTime(RETENTION.multipliedBy(10));
        assertThat(keys(StoreNames.SEEN_ORDERS)).containsExactly(StoreNames.idKey(HOLDING, "open"));
        // when it is finally filled
        guard.report(TopologyFixture.fill("x2", "open", 2_000), "2003-07-12T10:00:00-04:00");
        // then its id is still remembered almost a retention later, and forgotten after
        guard.driver.advanceWallClockTime(RETENTION.minusSeconds(1));
        assertThat(keys(StoreNames.SEEN_ORDERS)).containsExactly(StoreNames.idKey(HOLDING, "open"));
        guard.driver.advanceWallClockTime(SWEPT);
        assertThat(keys(StoreNames.SEEN_ORDERS)).isEmpty();
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).isEmpty();
    }

    @Test
    void shouldRememberTheFillsOfAnOpenReservationAsLongAsItsOrder() {
        // given an approval of 2,000 filled in part, and left open
        decideAndFill();
        guard.report(TopologyFixture.fill("x-part", "open", 500), "2003-07-11T10:00:00-04:00");

        // when the retention passes
        guard.driver.advanceWallClockTime(RETENTION.plus(SWEPT));

        // then the fill's id is remembered with its order: the fill redelivered is a duplicate, not counted again
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).containsExactly(StoreNames.idKey(HOLDING, "x-part"));
        assertThat(guard.report(TopologyFixture.fill("x-part", "open", 500), "2003-07-12T10:00:00-04:00")
                .getOutcome()).isEqualTo(ExecutionResult.DUPLICATE);
        // and once the order is closed and its retention has passed, both are forgotten
        guard.report(TopologyFixture.cancel("c-open", "open"), "2003-07-12T10:05:00-04:00");
        guard.driver.advanceWallClockTime(RETENTION.plus(SWEPT));
        assertThat(keys(StoreNames.SEEN_ORDERS)).isEmpty();
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).isEmpty();
    }

    @Test
    void shouldWalkAStoreLargerThanOneSliceToTheEnd() {
        // given more ids than one sweep reads
        Instant at = TopologyFixture.at("2003-07-11T10:00:00-04:00");
        int ids = IdSweeper.SLICE * 2 + IdSweeper.SLICE / 2;
        for (int i = 0; i < ids; i++) {
            guard.orders.pipeInput(HOLDING, order("p" + i, OrderKind.PURCHASE, 1), at.plusSeconds(i));
        }
        guard.drainDecisions();
        assertThat(keys(StoreNames.SEEN_ORDERS)).hasSize(ids);
        // when the retention passes and three slices are swept
        List<Integer> left = new ArrayList<>();
        guard.driver.advanceWallClockTime(RETENTION.plusMillis(1));
        left.add(keys(StoreNames.SEEN_ORDERS).size());
        for (int slice = 0; slice < 3; slice++) {
            guard.driver.advanceWallClockTime(IdSweeper.INTERVAL);
            left.add(keys(StoreNames.SEEN_ORDERS).size());
        }
        // then all are forgotten, a slice at a time: a walk of millions of ids in one punctuation would hold the
        // stream thread past its poll and transaction timeouts
        assertThat(left).last().isEqualTo(0);
        int before = ids;
        for (int now : left) {
            assertThat(before - now).as("forgotten in one sweep, of %s left after each", left)
                    .isLessThanOrEqualTo(IdSweeper.SLICE);
            before = now;
        }
    }

    @Test
    void shouldGoOnWithAWalkWhereItStoppedWhenItsTaskStartsAgain() {
        // given an id past its retention after 150 that are not, in the walk's order: more than a slice before it
        Instant at = TopologyFixture.at("2003-07-11T10:00:00-04:00");
        guard.orders.pipeInput(HOLDING, order("z-old", OrderKind.PURCHASE, 1), at);
        guard.driver.advanceWallClockTime(RETENTION.minusMinutes(1));
        for (int i = 0; i < IdSweeper.SLICE * 3 / 2; i++) {
            guard.orders.pipeInput(HOLDING, order(String.format(Locale.ROOT, "a%03d", i), OrderKind.PURCHASE, 1),
                    at.plusSeconds(i));
        }
        guard.drainDecisions();
        // and a walk that swept its first slice, the first hundred of them, once z-old's retention had passed
        guard.driver.advanceWallClockTime(SWEPT);
        Instant stopped = GUARD_CLOCK.plus(RETENTION).minus(Duration.ofMinutes(1)).plus(SWEPT);

        // when its task starts again (a restart, a rebalance), its id-sweep store restored from the changelog as
        // Kafka Streams restores an in-memory store (the test driver keeps no changelog: copied here), and sweeps
        // one slice
        String kept = guard.driver.<String, String>getKeyValueStore(StoreNames.ID_SWEEP).get(StoreNames.SEEN_ORDERS);
        guard.driver.getAllStateStores().values().forEach(store -> store.close());
        guard = new TopologyFixture(stateDir, guard.registryScope, TopologyOptions.service().withIdRetention(RETENTION));
        guard.driver.<String, String>getKeyValueStore(StoreNames.ID_SWEEP).put(StoreNames.SEEN_ORDERS, kept);
        guard.driver.advanceWallClockTime(Duration.between(TopologyFixture.WALL_CLOCK_START, stopped)
                .plus(IdSweeper.INTERVAL));

        // then the walk went on where it stopped, and reached z-old: begun again from the first key at every start,
        // a walk of millions of ids (hours) would never reach the last keys of a task started more often
        assertThat(keys(StoreNames.SEEN_ORDERS)).hasSize(IdSweeper.SLICE * 3 / 2)
                .doesNotContain(StoreNames.idKey(HOLDING, "z-old"));
    }

    @Test
    void shouldKeepAWalksCursorEveryTenSecondsAndForgetItWhenTheWalkEnds() {
        // given three slices and a half of ids, none of them forgettable
        Instant at = TopologyFixture.at("2003-07-11T10:00:00-04:00");
        for (int i = 0; i < IdSweeper.SLICE * 7 / 2; i++) {
            guard.orders.pipeInput(HOLDING, order(String.format(Locale.ROOT, "a%03d", i), OrderKind.PURCHASE, 1),
                    at.plusSeconds(i));
        }
        guard.drainDecisions();
        KeyValueStore<String, String> cursors = guard.driver.getKeyValueStore(StoreNames.ID_SWEEP);

        // when a walk sweeps its first slice, then the next one at once, then one ten seconds later, then the last
        List<String> kept = new ArrayList<>();
        for (Duration pause : List.of(SWEPT, IdSweeper.INTERVAL, IdSweeper.KEEP_CURSOR_EVERY, IdSweeper.INTERVAL)) {
            guard.driver.advanceWallClockTime(pause);
            kept.add(cursors.get(StoreNames.SEEN_ORDERS));
        }

        // then the cursor kept moved after the first slice and after ten seconds, not at every slice, and went with
        // the walk's end (a change of it at every commit would log tens of records a second while a walk lasts)
        assertThat(kept).containsExactly(StoreNames.after(StoreNames.idKey(HOLDING, "a099")),
                StoreNames.after(StoreNames.idKey(HOLDING, "a099")), StoreNames.after(StoreNames.idKey(HOLDING, "a299")),
                null);
    }

    @Test
    void shouldStartAWalkEveryTenthOfTheRetentionAtMostAnHourApart() {
        assertThat(IdSweeper.walkEvery(Duration.ofDays(180))).isEqualTo(Duration.ofHours(1));
        assertThat(IdSweeper.walkEvery(RETENTION)).isEqualTo(Duration.ofMinutes(6));
        assertThat(IdSweeper.walkEvery(Duration.ofMillis(10))).isEqualTo(IdSweeper.INTERVAL);
    }

    @Test
    void shouldNotWalkASmallStoreAgainBeforeTheNextWalkIsDue() {
        // given a walk that has just read every id, one of them forgettable a second later
        decideAndFill();
        guard.driver.advanceWallClockTime(RETENTION.minusSeconds(1));
        assertThat(keys(StoreNames.SEEN_ORDERS)).hasSize(3);
        // when the retention passes, but the next walk is not due yet
        guard.driver.advanceWallClockTime(Duration.ofSeconds(2));
        // then nothing was read again (and forgotten); at the next walk it is
        assertThat(keys(StoreNames.SEEN_ORDERS)).hasSize(3);
        guard.driver.advanceWallClockTime(SWEPT);
        assertThat(keys(StoreNames.SEEN_ORDERS)).containsExactly(StoreNames.idKey(HOLDING, "open"));
    }

    @Test
    void shouldWalkPastAValueItCannotReadAndKeepIt() {
        // given forgettable ids, and before them in the walk a seen-orders value in no format the guard reads
        decideAndFill();
        String corrupt = StoreNames.idKey(HOLDING, "a-corrupt");
        KeyValueStore<String, byte[]> seenOrders = guard.driver.getKeyValueStore(StoreNames.SEEN_ORDERS);
        seenOrders.put(corrupt, new byte[] {7, 1, 2});
        KeyValueStore<String, byte[]> seenExecutions = guard.driver.getKeyValueStore(StoreNames.SEEN_EXECUTIONS);
        seenExecutions.put(corrupt, new byte[] {1, 9});
        // when the retention passes, and the sweeper walks the stores
        guard.driver.advanceWallClockTime(RETENTION.plus(SWEPT));
        // then the ids after it are forgotten all the same, and the values it cannot read are kept
        assertThat(keys(StoreNames.SEEN_ORDERS)).containsExactly(corrupt, StoreNames.idKey(HOLDING, "open"));
        assertThat(keys(StoreNames.SEEN_EXECUTIONS)).containsExactly(corrupt);
        // and no sweep failed: a failed punctuation is dead-lettered, a record without key or value each time
        assertThat(guard.drainDeadLetters()).isEmpty();
    }

    @Test
    void shouldWarnAboutAValueItCannotReadOnceNotOnEveryWalk() {
        // given a seen-orders and a seen-executions value in no format the guard reads, and the sweeper's log recorded
        decideAndFill();
        String corrupt = StoreNames.idKey(HOLDING, "a-corrupt");
        guard.driver.getKeyValueStore(StoreNames.SEEN_ORDERS).put(corrupt, new byte[] {7, 1, 2});
        guard.driver.getKeyValueStore(StoreNames.SEEN_EXECUTIONS).put(corrupt, new byte[] {1, 9});
        try (CapturedLogs logged = CapturedLogs.of(IdSweeper.class)) {
            // when the sweeper walks both stores five times
            for (int walk = 0; walk < 5; walk++) {
                guard.driver.advanceWallClockTime(SWEPT);
            }

            // then each value was warned about once, and is still kept
            assertThat(logged.messagesAt(Level.WARN)).hasSize(2)
                    .anySatisfy(message -> assertThat(message).startsWith(StoreNames.SEEN_ORDERS + " holds a value"))
                    .anySatisfy(message -> assertThat(message)
                            .startsWith(StoreNames.SEEN_EXECUTIONS + " holds a value"))
                    .allSatisfy(message -> assertThat(message).contains(corrupt));
            assertThat(keys(StoreNames.SEEN_ORDERS)).contains(corrupt);
            assertThat(keys(StoreNames.SEEN_EXECUTIONS)).contains(corrupt);
        }
    }

    @Test
    void shouldWarnAboutAtMostAThousandUnreadableValuesAStoreHolds() {
        // given a seen-orders store holding more values the guard cannot read than it warns about, and its log recorded
        KeyValueStore<String, byte[]> seenOrders = guard.driver.getKeyValueStore(StoreNames.SEEN_ORDERS);
        int unreadable = IdSweeper.UNREADABLE_WARNINGS + 50;
        for (int i = 0; i < unreadable; i++) {
            seenOrders.put(StoreNames.idKey(HOLDING, String.format("corrupt-%05d", i)), new byte[] {7, 1, 2});
        }
        try (CapturedLogs logged = CapturedLogs.of(IdSweeper.class)) {
            // when the sweeper walks the whole store, a slice at a time
            guard.driver.advanceWallClockTime(SWEPT);
            for (int slice = 0; slice < unreadable / IdSweeper.SLICE + 5; slice++) {
                guard.driver.advanceWallClockTime(IdSweeper.INTERVAL);
            }
            // then it warned about the first thousand, and said once that it would log the others at DEBUG only
            List<String> warnings = logged.messagesAt(Level.WARN);
            assertThat(warnings).hasSize(IdSweeper.UNREADABLE_WARNINGS + 1);
            assertThat(warnings).last().asString().contains("further ones are logged at DEBUG only");
            assertThat(keys(StoreNames.SEEN_ORDERS)).hasSize(unreadable);
        }
    }

    private List<String> keys(String store) {
        KeyValueStore<String, byte[]> kv = guard.driver.getKeyValueStore(store);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = kv.all()) {
            all.forEachRemaining((KeyValue<String, byte[]> entry) -> keys.add(entry.key));
        }
        return keys;
    }
}
