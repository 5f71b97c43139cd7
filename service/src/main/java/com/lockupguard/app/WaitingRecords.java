package com.lockupguard.app;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What waits on each input partition for the guard to decide it, from looks at the cluster: the records after its
 * consumer group's committed position. The first of them has waited since it was appended: the broker's own time on a
 * {@code LogAppendTime} topic; on a {@code CreateTime} one, its producer's stamp, which may lie in the past or the
 * future, is believed only between one look before the first look that found it waiting and that look. Kept between
 * looks: when the first look that found each partition's first waiting record was.
 */
final class WaitingRecords {

    /**
     * One look at a partition.
     *
     * @param offsetsBehind  offsets between the group's committed position and the end of the log
     * @param firstOffset    the offset of the first record among them the guard waits for, -1 when there is none:
     *                       transaction markers and aborted records take offsets too
     * @param firstTimestamp that record's timestamp, in milliseconds since the epoch
     * @param appendTime     whether the broker stamped it ({@code LogAppendTime}), rather than its producer
     * @param known          false when the look could not tell
     */
    record Look(long offsetsBehind, long firstOffset, long firstTimestamp, boolean appendTime, boolean known) {

        /** The first record waiting, at {@code offset}, stamped {@code timestamp}, by the broker or not. */
        static Look waiting(long offsetsBehind, long offset, long timestamp, boolean appendTime) {
            return new Look(offsetsBehind, offset, timestamp, appendTime, true);
        }

        /** Nothing waits: the position is at the end of the log, or only markers and aborted records lie after it. */
        static Look nothingWaiting(long offsetsBehind) {
            return new Look(offsetsBehind, -1, -1, false, true);
        }

        /** The look could not tell (its reads took too long). */
        static Look unknown() {
            return new Look(-1, -1, -1, false, false);
        }

        boolean recordWaits() {
            return firstOffset >= 0;
        }
    }

    /**
     * What waits on a partition.
     *
     * @param lag     offsets between the group's committed position and the end of the log, 0 when no record among
     *                them waits; NaN when not known
     * @param seconds how long the first of those records has waited, 0 when none waits; NaN when not known
     */
    record Waiting(double lag, double seconds) {

        static final Waiting NONE = new Waiting(0, 0);
        static final Waiting UNKNOWN = new Waiting(Double.NaN, Double.NaN);
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
            if (!look.known()) {
                waiting.put(partition, Waiting.UNKNOWN); // when its record was first found is kept
                return;
            }
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
            long since = look.appendTime() ? look.firstTimestamp() : Math.min(seen.at().toEpochMilli(),
                    Math.max(look.firstTimestamp(), seen.at().minus(interval).toEpochMilli()));
            double seconds = Math.max(0, now.toEpochMilli() - since) / 1000.0;
            waiting.put(partition, new Waiting(look.offsetsBehind(), seconds));
        });
        firstSeen.keySet().retainAll(looks.keySet());
        return waiting;
    }
}
