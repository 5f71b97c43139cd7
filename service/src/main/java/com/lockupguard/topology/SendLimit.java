package com.lockupguard.topology;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The largest record the guard sends: its producer's {@code max.request.size}, or the smallest {@code
 * max.message.bytes} of the topics it writes if that is less ({@link OutputMessageLimit}), against which it measures
 * a record's key, value and headers with their framing. A record over it is refused, by the producer or by the
 * broker, and under exactly-once the refusal fails the task's transaction whatever an error handler says: the
 * replaced thread then meets the same input record again, for good. So what the guard writes is measured before it
 * is sent.
 */
public final class SendLimit {

    /** A record batch's header (61 bytes) and one record's framing (at most 21), rounded up. */
    static final int RECORD_OVERHEAD = 128;
    /** Each header's framing (two lengths), at most. */
    private static final int HEADER_OVERHEAD = 10;

    private final int producerMaxBytes;
    private final OutputMessageLimit outputs;

    SendLimit(int producerMaxBytes) {
        this(producerMaxBytes, OutputMessageLimit.unchecked());
    }

    SendLimit(int producerMaxBytes, OutputMessageLimit outputs) {
        this.producerMaxBytes = producerMaxBytes;
        this.outputs = outputs;
    }

    /**
     * The limit of the guard's producer, as Kafka Streams gives it its settings ({@code producer.} first), and of the
     * topics it writes, as the service put them there.
     */
    public static SendLimit of(Map<String, ?> configs) {
        Object value = configs.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        if (value == null) {
            value = configs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        if (value == null) {
            value = ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        return new SendLimit(value instanceof Number number ? number.intValue()
                : Integer.parseInt(value.toString().trim()), StreamsDefaults.outputMessageLimit(configs));
    }

    /** The largest record, in bytes, with its framing. */
    int maxBytes() {
        return Math.min(producerMaxBytes, outputs.bytes());
    }

    /** What sets {@link #maxBytes()}, and its value: {@code max.request.size (1048576)}, for messages. */
    public String describe() {
        int topicBytes = outputs.bytes();
        return topicBytes < producerMaxBytes
                ? "the smallest max.message.bytes of the topics the guard writes (" + topicBytes + ", topic "
                        + outputs.topic() + ")"
                : "max.request.size (" + producerMaxBytes + ")";
    }

    /** The most an answer's own bytes may take (a decision, a result, an alert: a few hundred bytes today). */
    static final int ANSWER_ALLOWANCE = 64 * 1024;

    /**
     * Whether a record with this key and these headers leaves room for an answer that carries them (a decision, an
     * execution result, an alert): {@link #ANSWER_ALLOWANCE}, or a quarter of the limit if that is less.
     */
    public boolean leavesRoomForAnswer(String key, Headers headers) {
        int maxBytes = maxBytes();
        return size(bytes(key), null, headers) <= maxBytes - Math.min(ANSWER_ALLOWANCE, maxBytes / 4);
    }

    boolean fits(byte[] key, byte[] value, Headers headers) {
        return size(key, value, headers) <= maxBytes();
    }

    boolean fits(String key, byte[] value, Headers headers) {
        return fits(bytes(key), value, headers);
    }

    static byte[] bytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /** At least what the producer counts against {@code max.request.size} for a record of these bytes. */
    static int size(byte[] key, byte[] value, Headers headers) {
        long size = RECORD_OVERHEAD + length(key) + length(value);
        for (Header header : headers) {
            size += HEADER_OVERHEAD + header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
