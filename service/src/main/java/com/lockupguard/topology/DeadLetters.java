package com.lockupguard.topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.api.ProcessingContext;
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
    /** What Kafka Streams' error headers start with. */
    private static final String STREAMS_ERROR_PREFIX = "__streams.errors.";
    /** What the guard's own dead-letter headers start with: the reason, and what {@link DeadLetterFit} omitted. */
    private static final String GUARD_PREFIX = "lockup-guard.dlq.";

    /** What of a refused record's key, and of the refusal's message, is logged: either may quote a 1 MB field. */
    static final int LOGGED_KEY_CHARS = 256;
    static final int LOGGED_MESSAGE_CHARS = 1_024;

    private DeadLetters() {
    }

    /** The lines of a processor's refusals, in this class's log. */
    static DeadLetterLog newLog() {
        return new DeadLetterLog(LOG);
    }

    /**
     * Refuses {@code record}: logs it (in {@code lines}) and counts it, and returns what its processor throws once it
     * has written everything else the record calls for.
     */
    static RejectedRecordException refuse(Record<String, ?> record, DeadLetterReason reason, String message,
            DecisionObserver observer, DeadLetterLog lines, ProcessingContext context) {
        // where it was read, to find it on its topic and on the dead-letter topic (whose headers say the same)
        String where = context.recordMetadata().map(source -> "at " + source.topic() + "-" + source.partition() + "@"
                + source.offset() + " ").orElse("");
        lines.warn(reason, () -> "record " + where + "with key '" + brief(record.key(), LOGGED_KEY_CHARS)
                + "' dead-lettered (" + reason + "): " + brief(message, LOGGED_MESSAGE_CHARS));
        observer.deadLettered(reason);
        return new RejectedRecordException(reason, message);
    }

    /** The dead letter of a refused record, for {@code topic}: its key and value as received, the refusal in headers. */
    static ProducerRecord<byte[], byte[]> of(String topic, ErrorHandlerContext context,
            RejectedRecordException refused) {
        Headers headers = withoutErrors(context.headers() == null ? new Header[0] : context.headers().toArray());
        put(headers, TOPIC_HEADER, context.topic());
        put(headers, PARTITION_HEADER, Integer.toString(context.partition()));
        put(headers, OFFSET_HEADER, Long.toString(context.offset()));
        put(headers, EXCEPTION_HEADER, RejectedRecordException.class.getName());
        put(headers, MESSAGE_HEADER, refused.getMessage());
        put(headers, REASON_HEADER, refused.reason().name());
        return new ProducerRecord<>(topic, null, context.timestamp(), context.sourceRawKey(), context.sourceRawValue(),
                headers);
    }

    /**
     * {@code deadLetter}, as Kafka Streams built it (a record it could not read, or whose processing failed), without
     * what an earlier dead-lettering of the record left in its headers. Kafka Streams adds its error headers after the
     * record's own, so a record sent again from the dead-letter topic would carry two of each, the earlier first, and
     * the guard's reason for a refusal that no longer applies.
     */
    static ProducerRecord<byte[], byte[]> withLatestErrorOnly(ProducerRecord<byte[], byte[]> deadLetter) {
        Header[] all = deadLetter.headers().toArray();
        Headers kept = new RecordHeaders();
        for (int i = 0; i < all.length; i++) {
            String name = all[i].key();
            boolean earlier = name.startsWith(GUARD_PREFIX) || name.startsWith(STREAMS_ERROR_PREFIX)
                    && occursAfter(all, i, name);
            if (!earlier) {
                kept.add(all[i]);
            }
        }
        return kept.toArray().length == all.length ? deadLetter
                : new ProducerRecord<>(deadLetter.topic(), deadLetter.partition(), deadLetter.timestamp(),
                        deadLetter.key(), deadLetter.value(), kept);
    }

    /**
     * Takes out of {@code headers}, in place, every header that names a dead-lettering ({@code __streams.errors.*},
     * {@code lockup-guard.dlq.*}). An input record's headers are its processing context's, which its answers carry
     * back and which a position cached for the commit keeps: a decision or a position that carried a producer's
     * {@code lockup-guard.dlq.reason} would be taken for a dead letter by a consumer that looks for those names.
     * Nothing is changed when there are none, as nearly always.
     */
    static void dropErrorHeaders(Headers headers) {
        List<String> names = null;
        for (Header header : headers) {
            if (isErrorHeader(header.key())) {
                names = names == null ? new ArrayList<>() : names;
                names.add(header.key());
            }
        }
        if (names != null) {
            names.forEach(headers::remove);
        }
    }

    /** The record's own headers, without any an earlier dead-lettering of it added. */
    public static Headers withoutErrors(Header[] received) {
        Headers own = new RecordHeaders();
        for (Header header : received) {
            if (!isErrorHeader(header.key())) {
                own.add(header);
            }
        }
        return own;
    }

    /** Whether {@code name} is a header a dead-lettering adds: Kafka Streams' error headers, or the guard's own. */
    private static boolean isErrorHeader(String name) {
        return name.startsWith(GUARD_PREFIX) || name.startsWith(STREAMS_ERROR_PREFIX);
    }

    private static boolean occursAfter(Header[] headers, int index, String name) {
        for (int i = index + 1; i < headers.length; i++) {
            if (headers[i].key().equals(name)) {
                return true;
            }
        }
        return false;
    }

    static String brief(String text, int chars) {
        return text == null || text.length() <= chars ? text
                : text.substring(0, chars) + "… (" + text.length() + " chars)";
    }

    private static void put(Headers headers, String name, String value) {
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
