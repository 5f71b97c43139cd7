package com.lockupguard.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letter records. The guard's own use the header names Kafka Streams' dead-letter queue
 * uses for records it cannot deserialize (source topic, partition, offset, exception, message),
 * plus {@value #REASON_HEADER}, so that one consumer reads both kinds. Their exception header
 * names {@link RejectedRecordException}: the record was read, and refused.
 */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    public static final String TOPIC_HEADER = "__streams.errors.topic";
    public static final String PARTITION_HEADER = "__streams.errors.partition";
    public static final String OFFSET_HEADER = "__streams.errors.offset";
    public static final String EXCEPTION_HEADER = "__streams.errors.exception";
    public static final String MESSAGE_HEADER = "__streams.errors.message";
    public static final String REASON_HEADER = "lockup-guard.dlq.reason";

    private DeadLetters() {
    }

    /** The dead letter of {@code source}, whose value serialized as {@code value}. */
    static Record<String, byte[]> of(Record<String, ?> source, byte[] value, Optional<RecordMetadata> metadata,
            DeadLetterReason reason, String message) {
        Record<String, byte[]> letter = new Record<>(source.key(), value, source.timestamp(), source.headers());
        Headers headers = letter.headers();
        metadata.ifPresent(m -> {
            put(headers, TOPIC_HEADER, m.topic());
            put(headers, PARTITION_HEADER, Integer.toString(m.partition()));
            put(headers, OFFSET_HEADER, Long.toString(m.offset()));
        });
        put(headers, EXCEPTION_HEADER, RejectedRecordException.class.getName());
        put(headers, MESSAGE_HEADER, message);
        put(headers, REASON_HEADER, reason.name());
        return letter;
    }

    /**
     * Sends {@code record} to the dead-letter topic from a processor: its value serialized as it was read,
     * the reason in the headers, logged and counted.
     */
    static <V> void send(ProcessorContext<String, Object> context, Record<String, V> record, Serializer<V> serializer,
            DeadLetterReason reason, String message, DecisionObserver observer) {
        LOG.warn("record with key '{}' dead-lettered ({}): {}", record.key(), reason, message);
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        byte[] value = serializer.serialize(topic, record.value());
        context.forward(of(record, value, context.recordMetadata(), reason, message), GuardTopology.DEAD_LETTERS);
        observer.deadLettered(reason);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A header's value as text, if the record has it. */
    public static Optional<String> header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
