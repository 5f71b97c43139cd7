package com.lockupguard.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letter records. The guard's own use the header names Kafka Streams' dead-letter queue
 * uses for records it cannot deserialize (source topic, partition, offset, exception, message),
 * plus {@value #REASON_HEADER}, so that one consumer reads both kinds. Their exception header
 * names {@link RejectedRecordException}: the record was read, and refused. Both kinds hold the
 * record's key and value as they were received.
 */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    public static final String TOPIC_HEADER = "__streams.errors.topic";
    public static final String PARTITION_HEADER = "__streams.errors.partition";
    public static final String OFFSET_HEADER = "__streams.errors.offset";
    public static final String EXCEPTION_HEADER = "__streams.errors.exception";
    public static final String MESSAGE_HEADER = "__streams.errors.message";
    public static final String REASON_HEADER = "lockup-guard.dlq.reason";

    /** What of a refused record's key, and of the refusal's message, is logged: either may quote a 1 MB field. */
    static final int LOGGED_KEY_CHARS = 256;
    static final int LOGGED_MESSAGE_CHARS = 1_024;

    private DeadLetters() {
    }

    /**
     * Refuses {@code record}: logs and counts it, and returns what its processor throws once it has written
     * everything else the record calls for.
     */
    static RejectedRecordException refuse(Record<String, ?> record, DeadLetterReason reason, String message,
            DecisionObserver observer) {
        LOG.warn("record with key '{}' dead-lettered ({}): {}", brief(record.key(), LOGGED_KEY_CHARS), reason,
                brief(message, LOGGED_MESSAGE_CHARS));
        observer.deadLettered(reason);
        return new RejectedRecordException(reason, message);
    }

    /** The dead letter of a refused record, for {@code topic}: its key and value as received, the refusal in headers. */
    static ProducerRecord<byte[], byte[]> of(String topic, ErrorHandlerContext context,
            RejectedRecordException refused) {
        Headers headers = new RecordHeaders(context.headers() == null ? new Header[0] : context.headers().toArray());
        put(headers, TOPIC_HEADER, context.topic());
        put(headers, PARTITION_HEADER, Integer.toString(context.partition()));
        put(headers, OFFSET_HEADER, Long.toString(context.offset()));
        put(headers, EXCEPTION_HEADER, RejectedRecordException.class.getName());
        put(headers, MESSAGE_HEADER, refused.getMessage());
        put(headers, REASON_HEADER, refused.reason().name());
        return new ProducerRecord<>(topic, null, context.timestamp(), context.sourceRawKey(), context.sourceRawValue(),
                headers);
    }

    static String brief(String text, int chars) {
        return text == null || text.length() <= chars ? text
                : text.substring(0, chars) + "… (" + text.length() + " chars)";
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
