package com.lockupguard.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a dead letter within what the guard may send ({@link SendLimit}: the producer's {@code max.request.size}, or
 * the topics' {@code max.message.bytes} if less). A dead letter is the refused record with the error added in
 * headers, so a record that only just fitted on its topic does not fit on the dead-letter topic; the refused send
 * would fail the task, and every replaced stream thread would meet the record again. Such a dead letter is written
 * without the record's value, and, if that is not enough, with only the error's headers: what is left says how large
 * the record was and where it lies ({@value DeadLetters#TOPIC_HEADER}, {@code .partition}, {@code .offset}), so that
 * it can be read from its own topic.
 */
final class DeadLetterFit {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFit.class);

    /** On a dead letter written without the record's value: how many bytes the value had, and why. */
    static final String VALUE_OMITTED_HEADER = "lockup-guard.dlq.value-omitted";
    /** On a dead letter written without the record's key: how many bytes the key had. */
    static final String KEY_OMITTED_HEADER = "lockup-guard.dlq.key-omitted";

    /** The longest key, and error message, kept on a dead letter cut down to its error headers. */
    static final int KEPT_BYTES = 1024;
    /** The headers a dead letter cut down to its error keeps. */
    private static final Set<String> ERROR_HEADERS = Set.of(DeadLetters.TOPIC_HEADER, DeadLetters.PARTITION_HEADER,
            DeadLetters.OFFSET_HEADER, DeadLetters.EXCEPTION_HEADER, DeadLetters.MESSAGE_HEADER,
            DeadLetters.REASON_HEADER);

    private final SendLimit limit;

    DeadLetterFit(SendLimit limit) {
        this.limit = limit;
    }

    /** Fitted to the limit in the settings Kafka Streams gives the handlers. */
    static DeadLetterFit of(Map<String, ?> configs) {
        return new DeadLetterFit(SendLimit.of(configs));
    }

    List<ProducerRecord<byte[], byte[]>> fit(List<ProducerRecord<byte[], byte[]>> deadLetters) {
        return deadLetters.stream().map(this::fit).toList();
    }

    /** Kafka Streams' {@code response}, its dead letters with only their latest error, and fitted. */
    DeserializationExceptionHandler.Response fit(DeserializationExceptionHandler.Response response) {
        List<ProducerRecord<byte[], byte[]>> fitted = fit(response.deadLetterQueueRecords().stream()
                .map(DeadLetters::withLatestErrorOnly).toList());
        return response.result() == DeserializationExceptionHandler.Result.RESUME
                ? DeserializationExceptionHandler.Response.resume(fitted)
                : DeserializationExceptionHandler.Response.fail(fitted);
    }

    /** Kafka Streams' {@code response}, its dead letters with only their latest error, and fitted. */
    ProcessingExceptionHandler.Response fit(ProcessingExceptionHandler.Response response) {
        List<ProducerRecord<byte[], byte[]>> fitted = fit(response.deadLetterQueueRecords().stream()
                .map(DeadLetters::withLatestErrorOnly).toList());
        return response.result() == ProcessingExceptionHandler.Result.RESUME
                ? ProcessingExceptionHandler.Response.resume(fitted)
                : ProcessingExceptionHandler.Response.fail(fitted);
    }

    /** {@code deadLetter} as it is if the producer may send it, else cut down until it may. */
    ProducerRecord<byte[], byte[]> fit(ProducerRecord<byte[], byte[]> deadLetter) {
        if (limit.fits(deadLetter.key(), deadLetter.value(), deadLetter.headers())) {
            return deadLetter;
        }
        int valueBytes = deadLetter.value() == null ? 0 : deadLetter.value().length;
        String omitted = valueBytes + " bytes, omitted: with the error headers the dead letter would exceed "
                + limit.describe() + "; the record is on its topic at the partition and "
                + "offset named";
        Headers headers = new RecordHeaders(deadLetter.headers().toArray());
        headers.remove(VALUE_OMITTED_HEADER);
        headers.add(VALUE_OMITTED_HEADER, omitted.getBytes(StandardCharsets.UTF_8));
        byte[] key = deadLetter.key();
        if (!limit.fits(key, null, headers)) {
            headers = errorHeadersOnly(headers);
            if (key != null && key.length > KEPT_BYTES) {
                headers.add(KEY_OMITTED_HEADER, (key.length + " bytes").getBytes(StandardCharsets.UTF_8));
                key = null;
            }
        }
        LOG.warn("a dead letter of {} bytes exceeds {}: written without the record's value{}, "
                + "which stays on {} at partition {}, offset {}", SendLimit.size(deadLetter.key(), deadLetter.value(),
                deadLetter.headers()), limit.describe(), key == deadLetter.key() ? "" : " and key",
                DeadLetters.header(headers, DeadLetters.TOPIC_HEADER).orElse("?"),
                DeadLetters.header(headers, DeadLetters.PARTITION_HEADER).orElse("?"),
                DeadLetters.header(headers, DeadLetters.OFFSET_HEADER).orElse("?"));
        return new ProducerRecord<>(deadLetter.topic(), deadLetter.partition(), deadLetter.timestamp(), key, null,
                headers);
    }

    /** The error's headers and the omission's, each cut to {@value #KEPT_BYTES} bytes; the record's own dropped. */
    private static Headers errorHeadersOnly(Headers headers) {
        Headers kept = new RecordHeaders();
        for (Header header : headers) {
            if (ERROR_HEADERS.contains(header.key()) || header.key().equals(VALUE_OMITTED_HEADER)) {
                byte[] value = header.value();
                kept.add(header.key(), value == null || value.length <= KEPT_BYTES ? value
                        : Arrays.copyOf(value, KEPT_BYTES));
            }
        }
        return kept;
    }
}
