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

    private final WaitingRecords records = new WaitingRecords(INTERVAL);

    private WaitingRecords.Waiting look(WaitingRecords.Look look, Instant at) {
        return records.update(Map.of(ORDERS_2, look), at).get(ORDERS_2);
    }

    @Test
    void shouldShowNothingWaitingWhereOnlyATransactionMarkerFollowsThePosition() {
        // given a position one offset before the last stable offset, on the marker of the transaction it read last
        WaitingRecords.Look marker = WaitingRecords.Look.nothingWaiting(1);

        // when it is looked at
        WaitingRecords.Waiting waiting = look(marker, NOW);

        // then nothing waits: no lag to alert on through a quiet night
        assertThat(waiting).isEqualTo(new WaitingRecords.Waiting(0, 0));
    }

    @Test
    void shouldDateTheWaitFromTheFirstWaitingRecordsTimestamp() {
        // given three offsets behind, the first a record appended 12.5 s ago
        WaitingRecords.Look look = new WaitingRecords.Look(3, 40, NOW.minusMillis(12_500).toEpochMilli());

        // when it is first looked at
        WaitingRecords.Waiting waiting = look(look, NOW);

        // then it has waited 12.5 s, three offsets behind
        assertThat(waiting).isEqualTo(new WaitingRecords.Waiting(3, 12.5));
    }

    @Test
    void shouldNotDateTheWaitBeforeOneLookBeforeTheRecordWasFirstFoundWaiting() {
        // given a record a producer stamped an hour back (orders.timestamp.type=CreateTime)
        WaitingRecords.Look stampedLongAgo = new WaitingRecords.Look(1, 40, NOW.minus(Duration.ofHours(1))
                .toEpochMilli());

        // when it is found waiting at two looks in turn
        WaitingRecords.Waiting first = look(stampedLongAgo, NOW);
        WaitingRecords.Waiting second = look(stampedLongAgo, NOW.plus(INTERVAL));

        // then its wait counts from one look before the first: it may have arrived just after that one
        assertThat(first.seconds()).isEqualTo(30.0);
        assertThat(second.seconds()).isEqualTo(60.0);
    }

    @Test
    void shouldCountAgainFromTheNextRecordOnceTheFirstIsDecided() {
        // given a record stamped an hour back found waiting at one look
        long hourAgo = NOW.minus(Duration.ofHours(1)).toEpochMilli();
        look(new WaitingRecords.Look(2, 40, hourAgo), NOW);

        // when the next look finds the one after it first, as old
        WaitingRecords.Waiting next = look(new WaitingRecords.Look(1, 41, hourAgo), NOW.plus(INTERVAL));

        // then the next has waited since one look before that one, not since the first was found
        assertThat(next.seconds()).isEqualTo(30.0);
    }

    @Test
    void shouldForgetWhenARecordWasFoundOnceNothingWaits() {
        // given a record found waiting, then nothing waiting at the next look
        long hourAgo = NOW.minus(Duration.ofHours(1)).toEpochMilli();
        look(new WaitingRecords.Look(1, 40, hourAgo), NOW);
        look(WaitingRecords.Look.nothingWaiting(0), NOW.plus(INTERVAL));

        // when a record at the same offset waits again (the partition's records deleted and written anew)
        WaitingRecords.Waiting again = look(new WaitingRecords.Look(1, 40, hourAgo),
                NOW.plus(INTERVAL.multipliedBy(2)));

        // then it is counted from one look before it was found again
        assertThat(again.seconds()).isEqualTo(30.0);
    }

    @Test
    void shouldNotCountAWaitBelowZeroForARecordStampedAhead() {
        // given a record whose producer's clock runs a minute ahead
        WaitingRecords.Look ahead = new WaitingRecords.Look(1, 40, NOW.plus(Duration.ofMinutes(1)).toEpochMilli());

        // when it is looked at, then it has not waited yet
        assertThat(look(ahead, NOW).seconds()).isZero();
    }
}
