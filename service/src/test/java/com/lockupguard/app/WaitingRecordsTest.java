package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class WaitingRecordsTest {

    private static final TopicPartition ORDERS_2 = new TopicPartition("orders", 2);
    private static final Instant NOW = Instant.parse("2026-12-05T15:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final long HOUR_AGO = NOW.minus(Duration.ofHours(1)).toEpochMilli();

    private final WaitingRecords records = new WaitingRecords(INTERVAL);

    private WaitingRecords.Waiting look(WaitingRecords.Look look, Instant at) {
        return records.update(Map.of(ORDERS_2, look), at).get(ORDERS_2);
    }

    /** The first record waiting at offset 40, stamped {@code timestamp} by its producer (CreateTime). */
    private static WaitingRecords.Look stamped(long timestamp) {
        return WaitingRecords.Look.waiting(1, 40, timestamp, false);
    }

    @Test
    void shouldShowNothingWaitingWhereOnlyATransactionMarkerFollowsThePosition() {
        // given a position one offset before the end of the log, on the marker of the transaction it read last
        WaitingRecords.Look marker = WaitingRecords.Look.nothingWaiting(1);

        // when it is looked at
        WaitingRecords.Waiting waiting = look(marker, NOW);

        // then nothing waits: no lag to alert on through a quiet night
        assertThat(waiting).isEqualTo(new WaitingRecords.Waiting(0, 0));
    }

    @Test
    void shouldDateTheWaitFromTheFirstWaitingRecordsTimestamp() {
        // given three offsets behind, the first a record appended 12.5 s ago
        WaitingRecords.Look look = WaitingRecords.Look.waiting(3, 40, NOW.minusMillis(12_500).toEpochMilli(), false);

        // when it is first looked at
        WaitingRecords.Waiting waiting = look(look, NOW);

        // then it has waited 12.5 s, three offsets behind
        assertThat(waiting).isEqualTo(new WaitingRecords.Waiting(3, 12.5));
    }

    @Test
    void shouldBelieveTheBrokersStampOfAnHourBackAtTheFirstLook() {
        // given a record the broker appended an hour ago (LogAppendTime), found by the first look since a restart
        WaitingRecords.Look appendedLongAgo = WaitingRecords.Look.waiting(1, 40, HOUR_AGO, true);

        // when it is looked at, then it has waited the hour: the alert need not start again with the instance
        assertThat(look(appendedLongAgo, NOW).seconds()).isEqualTo(3600.0);
    }

    @Test
    void shouldNotDateAProducersStampBeforeOneLookBeforeTheRecordWasFirstFoundWaiting() {
        // given a record a producer stamped an hour back (orders.timestamp.type=CreateTime)
        WaitingRecords.Look stampedLongAgo = stamped(HOUR_AGO);

        // when it is found waiting at two looks in turn
        WaitingRecords.Waiting first = look(stampedLongAgo, NOW);
        WaitingRecords.Waiting second = look(stampedLongAgo, NOW.plus(INTERVAL));

        // then its wait counts from one look before the first: it may have arrived just after that one
        assertThat(first.seconds()).isEqualTo(30.0);
        assertThat(second.seconds()).isEqualTo(60.0);
    }

    @Test
    void shouldCountAProducersStampAheadOfTheClockFromTheFirstLookThatFoundIt() {
        // given a record whose producer stamped it 50 minutes ahead, found waiting at a look
        WaitingRecords.Look stampedAhead = stamped(NOW.plus(Duration.ofMinutes(50)).toEpochMilli());
        WaitingRecords.Waiting first = look(stampedAhead, NOW);

        // when it is still waiting ten minutes of looks later
        WaitingRecords.Waiting later = look(stampedAhead, NOW.plus(Duration.ofMinutes(10)));

        // then it has waited those ten minutes, not none
        assertThat(first.seconds()).isZero();
        assertThat(later.seconds()).isEqualTo(600.0);
    }

    @Test
    void shouldCountAgainFromTheNextRecordOnceTheFirstIsDecided() {
        // given a record stamped an hour back found waiting at one look
        look(WaitingRecords.Look.waiting(2, 40, HOUR_AGO, false), NOW);

        // when the next look finds the one after it first, as old
        WaitingRecords.Waiting next = look(WaitingRecords.Look.waiting(1, 41, HOUR_AGO, false), NOW.plus(INTERVAL));

        // then the next has waited since one look before that one, not since the first was found
        assertThat(next.seconds()).isEqualTo(30.0);
    }

    @Test
    void shouldForgetWhenARecordWasFoundOnceNothingWaits() {
        // given a record found waiting, then nothing waiting at the next look
        look(stamped(HOUR_AGO), NOW);
        look(WaitingRecords.Look.nothingWaiting(0), NOW.plus(INTERVAL));

        // when a record at the same offset waits again (the partition's records deleted and written anew)
        WaitingRecords.Waiting again = look(stamped(HOUR_AGO), NOW.plus(INTERVAL.multipliedBy(2)));

        // then it is counted from one look before it was found again
        assertThat(again.seconds()).isEqualTo(30.0);
    }

    @Test
    void shouldShowNotKnownAndKeepWhenTheRecordWasFoundWhenALookCannotTell() {
        // given a record stamped an hour back found waiting, then a look that could not read the partition in time
        look(stamped(HOUR_AGO), NOW);
        WaitingRecords.Waiting unread = look(WaitingRecords.Look.unknown(), NOW.plus(INTERVAL));

        // when the next look finds it still waiting
        WaitingRecords.Waiting after = look(stamped(HOUR_AGO), NOW.plus(INTERVAL.multipliedBy(2)));

        // then the look that could not tell says so, and the wait goes on from the first look that found it
        assertThat(unread.lag()).isNaN();
        assertThat(unread.seconds()).isNaN();
        assertThat(after.seconds()).isEqualTo(90.0);
    }
}
