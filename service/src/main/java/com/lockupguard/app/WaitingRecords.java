package com.lockupguard.app;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What waits on each input partition for the guard to decide it, from looks at the cluster: the records after its
 * consumer group's committed position. The first of them has waited since its timestamp, but, because a producer may
 * stamp records with a time long past ({@code orders.timestamp.type=CreateTime}), never longer than since one look
 * before the first look that found it waiting. Kept between looks: when the first look that found each partition's
 * first waiting record was.
 */
final class WaitingRecords {

    /**
     * One look at a partition.
     *
     * @param offsetsBehind  offsets between the group's committed position and the last stable offset
     * @param firstOffset    the offset of the first committed record among them, -1 when there is none: transaction
     *                       markers and aborted records take offsets too
     * @param firstTimestamp that record's timestamp, in milliseconds since the epoch
     */
    record Look(long offsetsBehind, long firstOffset, long firstTimestamp) {

        /** Nothing committed waits: the position is at the last stable offset, or only markers lie before it. */
        static Look nothingWaiting(long offsetsBehind) {
            return new Look(offsetsBehind, -1, -1);
        }

        boolean recordWaits() {
            return firstOffset >= 0;
        }
    }

    /**
     * What waits on a partition.
     *
     * @param lag     offsets between the group's committed position and the last stable offset, 0 when no committed
     *                record is among them
     * @param seconds how long the first of those records has waited, 0 when none waits
     */
    record Waiting(long lag, double seconds) {

        static final Waiting NONE = new Waiting(0, 0);
    }

    private record FirstSeen(long offset, Instant at) {
    }

    private final Duration interval;
    private final Map<TopicPartition, FirstSeen> firstSeen = new HashMap<>();

    /** For looks {@code interval} apart. */
    WaitingRecords(Duration interval) {
        this.interval = interval;
    }

    /** What waits, from the {@code looks} taken {@code now}. */
    synchronized Map<TopicPartition, Waiting> update(Map<TopicPartition, Look> looks, Instant now) {
        Map<TopicPartition, Waiting> waiting = new HashMap<>();
        looks.forEach((partition, look) -> {
            if (!look.recordWaits()) {
                firstSeen.remove(partition);
                waiting.put(partition, Waiting.NONE);
                return;
            }
            FirstSeen seen = firstSeen.get(partition);
            if (seen == null || seen.offset() != look.firstOffset()) {
                seen = new FirstSeen(look.firstOffset(), now);
                firstSeen.put(partition, seen);
            }
            long since = Math.max(look.firstTimestamp(), seen.at().minus(interval).toEpochMilli());
            double seconds = Math.max(0, now.toEpochMilli() - since) / 1000.0;
            waiting.put(partition, new Waiting(look.offsetsBehind(), seconds));
        });
        firstSeen.keySet().retainAll(looks.keySet());
        return waiting;
    }
}
