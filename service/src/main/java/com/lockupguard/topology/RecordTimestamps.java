package com.lockupguard.topology;

import com.lockupguard.rules.SupportedTime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Each record's own timestamp; for one without (-1: the broker takes it on a CreateTime topic, the agreements topic
 * always, from a client that sends none), the first instant past 9999. Kafka Streams' default extractor failed the
 * stream thread on such a record, before any handler saw it, and each replacement on the same record, every
 * partition of the instance undecided for good (the agreements topic is compacted: not even retention ends it).
 * Past 9999 it is refused as any record outside the years the rules take is: an agreement dead-lettered
 * {@code INVALID_AGREEMENT}, an order answered {@code INVALID_ORDER}, a report {@code INVALID}; and the stream goes on.
 */
public final class RecordTimestamps implements TimestampExtractor {

    /** The time a record without one is read at: just after the last instant the rules take. */
    static final long WITHOUT_TIMESTAMP = SupportedTime.LAST_INSTANT.toEpochMilli() + 1;

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        return readAt(record.timestamp());
    }

    /** The time the guard reads a record stamped {@code timestamp} at. */
    public static long readAt(long timestamp) {
        return timestamp < 0 ? WITHOUT_TIMESTAMP : timestamp;
    }
}
