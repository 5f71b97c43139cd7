package com.lockupguard.topology;

import static com.lockupguard.topology.TopologyFixture.HOLDING;
import static com.lockupguard.topology.TopologyFixture.WALL_CLOCK_START;
import static com.lockupguard.topology.TopologyFixture.at;
import static com.lockupguard.topology.TopologyFixture.letter;
import static com.lockupguard.topology.TopologyFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Phase;
import com.lockupguard.avro.Position;
import com.lockupguard.state.StateCodec;
import com.lockupguard.state.StoredHolding;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Positions as a stream: after decisions and agreements (the latest per commit), and when a window boundary passes with no order. */
class PositionsTest {

    private static final Instant EFFECTIVE = at("2003-07-10T16:30:00-04:00");

    @TempDir
    Path stateDir;

    private TopologyFixture guard;
    private Instant wallClock = WALL_CLOCK_START;

    @BeforeEach
    void start() {
        guard = new TopologyFixture(stateDir);
    }

    @AfterEach
    void stop() {
        guard.close();
    }

    /** Moves the driver's wall clock to {@code instant} (plus one punctuation interval), as time passes. */
    private void timePassesUntil(String instant) {
        Instant target = at(instant).plus(TopologyOptions.DEFAULT_PUNCTUATION_INTERVAL);
        guard.driver.advanceWallClockTime(Duration.between(wallClock, target));
        wallClock = target;
    }

    @Test
    void shouldPublishPositionWhenAgreementArrives() {
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
        TestRecord<String, Position> record = guard.positions.readRecord();
        assertThat(record.key()).isEqualTo(HOLDING);
        assertThat(record.value().getPhase()).isEqualTo(Phase.LOCKUP);
        assertThat(record.value().getAsOf()).isEqualTo(at("2003-04-28T09:00:00-04:00"));
        assertThat(record.value().getNextReleaseAt()).isEqualTo(at("2003-07-27T00:00:00-04:00"));
        assertThat(record.value().getAvailableAtNextRelease()).isEqualTo(200_000);
    }

    @Test
    void shouldStampEachPositionWithTheInstantItIsAsOf() {
        // given the letter, published as of its record's time
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
        // when its First Release passes with no order, and an order comes after
        timePassesUntil("2003-07-27T00:00:00-04:00");
        guard.decide(order("e2", OrderKind.PUBLIC_SALE, 1_000), "2003-07-28T09:45:00-04:00");
        // then each position's record is stamped with its as-of instant: the agreement's, the boundary's, the
        // order's, not the wall clock of the guard that published it
        List<TestRecord<String, Position>> published = guard.positions.readRecordsToList();
        assertThat(published).extracting(TestRecord::timestamp).containsExactly(
                at("2003-04-28T09:00:00-04:00").toEpochMilli(), at("2003-07-27T00:00:00-04:00").toEpochMilli(),
                at("2003-07-28T09:45:00-04:00").toEpochMilli());
        assertThat(published).allSatisfy(record ->
                assertThat(record.timestamp()).isEqualTo(record.value().getAsOf().toEpochMilli()));
    }

    @Test
    void shouldPublishReleaseAtFirstReleaseEvenWithoutAnyOrder() {
        // given the letter with no registration, and no order
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
        guard.positions.readValuesToList();
        // when the clock passes the First Release instant
        timePassesUntil("2003-07-27T00:00:00-04:00");
        // then the first window's 200,000 are released, as of that instant (and not salable: unregistered)
        Position released = guard.positions.readValue();
        assertThat(released.getAsOf()).isEqualTo(at("2003-07-27T00:00:00-04:00"));
        assertThat(released.getPhase()).isEqualTo(Phase.FIRST);
        assertThat(released.getReleasedToDate()).isEqualTo(200_000);
        assertThat(released.getAvailableNow()).isZero();
        assertThat(guard.positions.isEmpty()).isTrue();
    }

    @Test
    void shouldPublishFreshTrancheAtStartOfEachPeriod() {
        // given the worked example after e2 (120,000 sold in the first window)
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
        guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
        guard.positions.readValuesToList();
        // when the Second Release Date and then period 1 begin with no order in between
        timePassesUntil("2003-08-09T00:00:00-04:00");
        Position secondRelease = guard.positions.readValue();
        timePassesUntil("2003-09-08T00:00:00-04:00");
        Position periodOne = guard.positions.readValue();
        // then each is published as of its first instant
        assertThat(secondRelease.getAsOf()).isEqualTo(at("2003-08-09T00:00:00-04:00"));
        assertThat(secondRelease.getPhase()).isEqualTo(Phase.PERIOD);
        assertThat(secondRelease.getPeriod()).isZero();
        assertThat(secondRelease.getAvailableNow()).isEqualTo(158_559 + 80_000);
        assertThat(periodOne.getPeriod()).isEqualTo(1);
        assertThat(periodOne.getAvailableNow()).as("P0's tranche lapsed, the carry did not").isEqualTo(158_559 + 80_000);
        assertThat(periodOne.getNextReleaseAt()).isEqualTo(at("2003-10-08T00:00:00-04:00"));
    }

    @Test
    void shouldPublishTheLatestBoundaryPassedWhileTheClockWasAwayOnce() {
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
        guard.positions.readValuesToList();
        // when four months pass at once: SRD and three period starts go by in one punctuation, one commit
        timePassesUntil("2003-11-10T00:00:00-05:00");
        // then the holding's position is published once, at the latest of them (positions coalesce per commit),
        // and it is due again at the next period start
        List<Position> published = guard.positions.readValuesToList();
        assertThat(published).extracting(Position::getAsOf).containsExactly(at("2003-11-07T00:00:00-05:00"));
        assertThat(published.get(0).getNextReleaseAt()).isEqualTo(at("2003-12-07T00:00:00-05:00"));
    }

    @Test
    void shouldPublishPositionOfEveryDecisionAndMoveTheReleaseSchedule() {
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
        guard.positions.readValuesToList();
        // when an order comes in period 0, after its boundary was published
        timePassesUntil("2003-08-09T00:00:00-04:00");
        guard.positions.readValuesToList();
        Decision decision = guard.decide(order("a", OrderKind.PUBLIC_SALE, 1_000), "2003-08-20T10:00:00-04:00");
        // then the decision's position is published too
        assertThat(guard.positions.readValuesToList()).containsExactly(decision.getPosition());
        // and the next boundary is published once, not twice
        timePassesUntil("2003-09-08T00:00:00-04:00");
        assertThat(guard.positions.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldNotPublishAnEarlierWindowAfterItsBoundaryWasPublished() {
        // given the worked example after e2 (120,000 sold in the first window), and the Second Release Date's
        // position already published
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
        guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
        guard.positions.readValuesToList();
        timePassesUntil("2003-08-09T00:00:00-04:00");
        assertThat(guard.positions.readValuesToList()).extracting(Position::getPhase).containsExactly(Phase.PERIOD);
        // when an order appended a second before that boundary comes after it (it waited in a backlog)
        Decision late = guard.decide(order("late", OrderKind.PUBLIC_SALE, 1), "2003-08-08T23:59:59-04:00");
        // then it is judged in the first window, at its own time, as RULES.md section 3 says
        assertThat(late.getPosition().getPhase()).isEqualTo(Phase.FIRST);
        // and the holding's published position stays in period 0, with the order counted (its carry is one less)
        List<Position> published = guard.positions.readValuesToList();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).getAsOf()).isEqualTo(at("2003-08-09T00:00:00-04:00"));
        assertThat(published.get(0).getPhase()).isEqualTo(Phase.PERIOD);
        assertThat(published.get(0).getAvailableNow()).isEqualTo(158_559 + 79_999);
        assertThat(published.get(0).getNextReleaseAt()).isEqualTo(at("2003-09-08T00:00:00-04:00"));
        // and the boundary is not published again at the next punctuation
        timePassesUntil("2003-08-09T00:01:00-04:00");
        assertThat(guard.positions.isEmpty()).isTrue();
    }

    @Test
    void shouldNotPublishAnEarlierWindowForALateOrderDecidedInTheMillisecondItsBoundaryWasPublished() {
        // given the worked example after e2, and the wall clock exactly at the Second Release Date, whose position
        // the punctuation of that very millisecond published
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
        guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
        guard.positions.readValuesToList();
        Instant secondRelease = at("2003-08-09T00:00:00-04:00");
        guard.driver.advanceWallClockTime(Duration.between(wallClock, secondRelease));
        wallClock = secondRelease;
        assertThat(guard.positions.readValuesToList()).extracting(Position::getAsOf).containsExactly(secondRelease);
        // when an order stamped a second before that boundary is decided in the same millisecond
        Decision late = guard.decide(order("late", OrderKind.PUBLIC_SALE, 1), "2003-08-08T23:59:59-04:00");
        // then it is judged in the first window, and the holding's published position stays in period 0
        assertThat(late.getPosition().getPhase()).isEqualTo(Phase.FIRST);
        assertThat(guard.positions.readValuesToList()).extracting(Position::getPhase).containsExactly(Phase.PERIOD);
    }

    @Test
    void shouldNotPublishAnEarlierWindowWhenALateOrderSellsTheHoldingOutNorWhenItIsCancelledLate() {
        // given 200,000 shares in all, 120,000 sold in the first window, and the Second Release Date published
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).setTotalShares(200_000).build(), "2003-07-10T16:30:00-04:00");
        guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
        guard.positions.readValuesToList();
        timePassesUntil("2003-08-09T00:00:00-04:00");
        guard.positions.readValuesToList();
        // when a late order, stamped in the first window, sells the rest: there is no next release to walk to
        Decision late = guard.decide(order("late", OrderKind.PUBLIC_SALE, 80_000), "2003-08-08T23:59:59-04:00");
        // then it is approved in the first window, and the holding is published sold out, in period 0
        assertThat(late.getPosition().getPhase()).isEqualTo(Phase.FIRST);
        List<Position> published = guard.positions.readValuesToList();
        assertThat(published).extracting(Position::getAsOf).containsExactly(at("2003-08-09T00:00:00-04:00"));
        assertThat(published.get(0).getPhase()).isEqualTo(Phase.PERIOD);
        assertThat(published.get(0).getReservedNow()).as("both approvals, not yet filled").isEqualTo(200_000);
        assertThat(published.get(0).getNextReleaseAt()).isNull();

        // when that order is cancelled, the cancel stamped in the first window too
        guard.report(TopologyFixture.cancel("c1", "late"), "2003-08-08T23:59:59.500-04:00");
        // then the holding is still published in the period the wall clock is in, its shares given back
        List<Position> afterCancel = guard.positions.readValuesToList();
        assertThat(afterCancel).extracting(Position::getPhase).containsExactly(Phase.PERIOD);
        assertThat(afterCancel.get(0).getReservedNow()).isEqualTo(120_000);
    }

    @Test
    void shouldNotPublishABoundaryTheWallClockHasNotReachedAfterAnAgreementStampedAheadOfIt() {
        // given the worked example's agreement, the wall clock on 2 August (the first window), and a new version of
        // the agreement stamped ahead of the wall clock, in period 0: its position is published as of its own time
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
        timePassesUntil("2003-08-02T10:00:00-04:00");
        guard.positions.readValuesToList();
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-08-20T10:00:00-04:00");
        assertThat(guard.positions.readValuesToList()).extracting(Position::getPhase).containsExactly(Phase.PERIOD);
        // when an order comes at the wall clock's time, before that version's instant (the holding's clock is not
        // moved by an agreement)
        Decision decision = guard.decide(order("a", OrderKind.PUBLIC_SALE, 1_000), "2003-08-02T10:00:00-04:00");
        // then it is judged at its own time, in the first window
        assertThat(decision.getPosition().getPhase()).isEqualTo(Phase.FIRST);
        // and the holding is published as of that time too: the Second Release Date, already behind the published
        // position but still ahead of the wall clock, is not published before the wall clock reaches it
        assertThat(guard.positions.readValuesToList()).extracting(Position::getAsOf)
                .containsExactly(at("2003-08-02T10:00:00-04:00"));
        timePassesUntil("2003-08-09T00:00:00-04:00");
        assertThat(guard.positions.readValuesToList()).extracting(Position::getAsOf)
                .containsExactly(at("2003-08-09T00:00:00-04:00"));
    }

    @Test
    void shouldStopPublishingReleasesOnceEverythingIsSold() {
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).setTotalShares(200_000).setTrancheShares(1).build(),
                "2003-07-10T16:30:00-04:00");
        Decision soldOut = guard.decide(order("all", OrderKind.PUBLIC_SALE, 200_000), "2003-07-11T09:45:00-04:00");
        assertThat(soldOut.getPosition().getNextReleaseAt()).isNull();
        guard.positions.readValuesToList();
        timePassesUntil("2004-12-01T00:00:00-05:00");
        assertThat(guard.positions.isEmpty()).isTrue();
    }

    @Test
    void shouldPublishAtMostAThousandReleasesPerPunctuationAndTheRestAtTheNext() {
        // given more holdings than one punctuation publishes, all with the letter's First Release on 2003-07-27
        int holdings = PositionPublisher.MAX_PER_PUNCTUATION + 1;
        for (int i = 0; i < holdings; i++) {
            guard.agreements.pipeInput("inv-" + i + "/CBYI", letter().setInvestorId("inv-" + i).build(),
                    at("2003-04-28T09:00:00-04:00"));
        }
        assertThat(guard.positions.readValuesToList()).hasSize(holdings);
        // when the wall clock passes the First Release once, then once more
        timePassesUntil("2003-07-27T00:00:00-04:00");
        List<Position> first = guard.positions.readValuesToList();
        guard.driver.advanceWallClockTime(TopologyOptions.DEFAULT_PUNCTUATION_INTERVAL);
        List<Position> second = guard.positions.readValuesToList();
        // then the first punctuation published a thousand releases, so as not to stall the task, and the next the rest
        assertThat(first).hasSize(PositionPublisher.MAX_PER_PUNCTUATION)
                .allSatisfy(position -> assertThat(position.getPhase()).isEqualTo(Phase.FIRST));
        assertThat(second).hasSize(1).allSatisfy(position -> assertThat(position.getPhase()).isEqualTo(Phase.FIRST));
    }

    @Test
    void shouldPublishAHoldingAnOlderGuardStoredWithoutItsNextReleaseAsOfItsLastRecordThenItsReleases() {
        // given the letter's holding with an order decided on 11 July, as 0.1.0 left it: stored without its next
        // boundary, and in no release schedule
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-04-28T09:00:00-04:00");
        guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
        guard.positions.readValuesToList();
        storedAsAnOlderGuardLeftIt(HOLDING, at("2003-08-09T00:00:00-04:00"));

        // when this guard's first punctuation comes, in November, three periods later
        timePassesUntil("2003-11-01T00:00:00-04:00");

        // then it is published as of its order (the position that order's decision carried: nothing later is
        // evaluated earlier), then as of each boundary passed since, in turn, as after downtime: all in one commit,
        // where the latest wins
        assertThat(guard.positions.readValuesToList()).singleElement().satisfies(position -> {
            assertThat(position.getAsOf()).isEqualTo(at("2003-10-08T00:00:00-04:00"));
            assertThat(position.getPhase()).isEqualTo(Phase.PERIOD);
            assertThat(position.getReservedNow()).isEqualTo(120_000);
        });
        assertThat(scheduleStore().get(StoreNames.scheduleKey(at("2003-11-07T00:00:00-05:00").toEpochMilli(),
                HOLDING))).isEqualTo(HOLDING);
        assertThat(scheduleStore().get(PositionPublisher.OLDER_HOLDINGS_SCHEDULED)).isEqualTo("done");
    }

    @Test
    void shouldScheduleAHoldingNoRecordReachedYetAtItsNextReleaseAfterTheUpgradeWithoutPublishingItEarlier() {
        // given the letter's holding, an agreement alone, as 0.1.0 left it
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
        guard.positions.readValuesToList();
        storedAsAnOlderGuardLeftIt(HOLDING, at("2003-07-27T00:00:00-04:00"));

        // when this guard's first punctuation comes, on 1 May, then an order of the backlog stamped 30 April, then
        // the First Release passes
        timePassesUntil("2003-05-01T00:00:00-04:00");
        List<Position> atTheUpgrade = guard.positions.readValuesToList();
        guard.decide(order("e1", OrderKind.PUBLIC_SALE, 1_000), "2003-04-30T12:00:00-04:00");
        List<Position> afterTheOrder = guard.positions.readValuesToList();
        timePassesUntil("2003-07-27T00:00:00-04:00");

        // then nothing is published as of the upgrade, which the backlog's order would have gone back from; the
        // order's position is, and the First Release when it passes
        assertThat(atTheUpgrade).isEmpty();
        assertThat(afterTheOrder).extracting(Position::getAsOf).containsExactly(at("2003-04-30T12:00:00-04:00"));
        assertThat(guard.positions.readValuesToList()).singleElement()
                .satisfies(position -> assertThat(position.getPhase()).isEqualTo(Phase.FIRST));
        assertThat(scheduleStore().get(PositionPublisher.OLDER_HOLDINGS_SCHEDULED)).isEqualTo("done");
    }

    @Test
    void shouldPutAtMostAThousandOlderHoldingsBackOnTheSchedulePerPunctuationAndTheRestAtTheNext() {
        // given more holdings an older guard stored without their next release than one punctuation writes
        int holdings = PositionPublisher.MAX_PER_PUNCTUATION + 1;
        for (int i = 0; i < holdings; i++) {
            String holding = "inv-" + i + "/CBYI";
            guard.agreements.pipeInput(holding, letter().setInvestorId("inv-" + i).build(),
                    at("2003-04-28T09:00:00-04:00"));
            storedAsAnOlderGuardLeftIt(holding, at("2003-07-27T00:00:00-04:00"));
        }
        guard.positions.readValuesToList();

        // when the first punctuation comes, and the next
        timePassesUntil("2003-05-01T00:00:00-04:00");
        long afterTheFirst = scheduledAtTheFirstRelease();
        String markerAfterTheFirst = scheduleStore().get(PositionPublisher.OLDER_HOLDINGS_SCHEDULED);
        guard.driver.advanceWallClockTime(TopologyOptions.DEFAULT_PUNCTUATION_INTERVAL);

        // then a thousand are put back at the first, so as not to stall the thread's tasks, the rest at the next,
        // and only then is the walk marked done
        assertThat(afterTheFirst).isEqualTo(PositionPublisher.MAX_PER_PUNCTUATION);
        assertThat(markerAfterTheFirst).isNull();
        assertThat(scheduledAtTheFirstRelease()).isEqualTo(holdings);
        assertThat(scheduleStore().get(PositionPublisher.OLDER_HOLDINGS_SCHEDULED)).isEqualTo("done");
    }

    /**
     * The holding's stored state as 0.1.0 left it: without its next boundary (what the older values decode to), and
     * not in the release schedule, which 0.1.0 did not keep.
     */
    private void storedAsAnOlderGuardLeftIt(String holding, Instant scheduledAt) {
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> holdings =
                guard.driver.getKeyValueStore(StoreNames.HOLDING_STATE);
        StateCodec codec = new StateCodec(null);
        holdings.put(holding, codec.encode(new StoredHolding(codec.holding(holdings.get(holding)).state(), null)));
        assertThat(scheduleStore().delete(StoreNames.scheduleKey(scheduledAt.toEpochMilli(), holding)))
                .as("scheduled at %s", scheduledAt).isEqualTo(holding);
    }

    private org.apache.kafka.streams.state.KeyValueStore<String, String> scheduleStore() {
        return guard.driver.getKeyValueStore(StoreNames.RELEASE_SCHEDULE);
    }

    private long scheduledAtTheFirstRelease() {
        long first = at("2003-07-27T00:00:00-04:00").toEpochMilli();
        try (var entries = scheduleStore().range(StoreNames.scheduleKey(first, ""),
                StoreNames.scheduleKey(first, "\uffff"))) {
            long count = 0;
            for (; entries.hasNext(); entries.next()) {
                count++;
            }
            return count;
        }
    }

    @Test
    void shouldDropAScheduleEntryLeftBehindWithoutPublishingAPositionAtIt() {
        // given a holding due at its First Release, and an entry for it at an earlier instant the schedule kept
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
        guard.positions.readValuesToList();
        org.apache.kafka.streams.state.KeyValueStore<String, String> schedule =
                guard.driver.getKeyValueStore(StoreNames.RELEASE_SCHEDULE);
        String stale = StoreNames.scheduleKey(at("2003-05-01T00:00:00-04:00").toEpochMilli(), HOLDING);
        schedule.put(stale, HOLDING);
        // when the wall clock passes that instant
        timePassesUntil("2003-05-01T00:00:00-04:00");
        // then the entry is dropped, and no position is published as of an instant that is no boundary of the holding
        assertThat(guard.positions.readValuesToList()).isEmpty();
        assertThat(schedule.get(stale)).isNull();
        assertThat(schedule.get(StoreNames.scheduleKey(at("2003-07-27T00:00:00-04:00").toEpochMilli(), HOLDING)))
                .isEqualTo(HOLDING);
    }

    @Test
    void shouldPublishTheOtherReleasesWhenOneHoldingsStoredStateCannotBeRead() {
        // given three holdings released at the same First Release, the first two in the schedule's order unreadable:
        // bytes in no format, and a value in this format with a field no guard writes (agreement version 0)
        for (String investor : List.of("aaa", "mmm", "zzz")) {
            guard.agreements.pipeInput(investor + "/CBYI", letter().setInvestorId(investor).build(),
                    at("2003-04-28T09:00:00-04:00"));
        }
        guard.positions.readValuesToList();
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> holdings =
                guard.driver.getKeyValueStore(StoreNames.HOLDING_STATE);
        holdings.put("aaa/CBYI", new byte[] {0x7f, 1, 2}); // past the formats a newer guard may write, which stop it
        byte[] versionZero = holdings.get("mmm/CBYI");
        assertThat(versionZero[1]).as("version 1, zig-zag").isEqualTo((byte) 2);
        versionZero[1] = 0;
        holdings.put("mmm/CBYI", versionZero);
        // when the wall clock passes the First Release, and one more punctuation
        timePassesUntil("2003-07-27T00:00:00-04:00");
        guard.driver.advanceWallClockTime(TopologyOptions.DEFAULT_PUNCTUATION_INTERVAL);
        // then the readable holding's release is published all the same
        List<TestRecord<String, Position>> published = guard.positions.readRecordsToList();
        assertThat(published).extracting(TestRecord::key).containsExactly("zzz/CBYI");
        assertThat(published.get(0).value().getPhase()).isEqualTo(Phase.FIRST);
        // and no punctuation failed: a failed one is dead-lettered, a record without key or value each time
        assertThat(guard.drainDeadLetters()).isEmpty();
    }
}
