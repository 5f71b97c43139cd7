package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterFitTest {

    private static final int LIMIT = 10_000;

    @Test
    void shouldLeaveADeadLetterThatFitsAsItIs() {
        // given a dead letter well under the limit
        ProducerRecord<byte[], byte[]> letter = letter(bytes(100), bytes(1_000), errorHeaders());
        // when it is fitted
        ProducerRecord<byte[], byte[]> fitted = new DeadLetterFit(new SendLimit(LIMIT)).fit(letter);
        // then it is the same record
        assertThat(fitted).isSameAs(letter);
    }

    @Test
    void shouldDropTheValueOfADeadLetterTooLargeAndSayHowLargeItWas() {
        // given a record that fitted on its topic, and with the error headers does not
        Headers headers = errorHeaders();
        headers.add("correlation-id", "c-1".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> letter = letter(bytes(20), bytes(LIMIT - 200), headers);
        assertThat(SendLimit.size(letter.key(), letter.value(), letter.headers())).isGreaterThan(LIMIT);
        // when it is fitted
        ProducerRecord<byte[], byte[]> fitted = new DeadLetterFit(new SendLimit(LIMIT)).fit(letter);
        // then it keeps its key, topic, timestamp and every header, loses its value, and says so
        assertThat(fitted.value()).isNull();
        assertThat(fitted.key()).isEqualTo(letter.key());
        assertThat(fitted.topic()).isEqualTo(letter.topic());
        assertThat(fitted.timestamp()).isEqualTo(letter.timestamp());
        assertThat(DeadLetters.header(fitted.headers(), DeadLetters.OFFSET_HEADER)).contains("42");
        assertThat(DeadLetters.header(fitted.headers(), "correlation-id")).contains("c-1");
        assertThat(DeadLetters.header(fitted.headers(), DeadLetterFit.VALUE_OMITTED_HEADER)).get()
                .asString().startsWith((LIMIT - 200) + " bytes, omitted");
        assertThat(SendLimit.size(fitted.key(), fitted.value(), fitted.headers())).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    void shouldKeepOnlyTheErrorHeadersWhenTheRecordsOwnHeadersAndKeyAreTooLarge() {
        // given a record whose own headers and key, not its value, make the dead letter too large
        Headers headers = errorHeaders();
        headers.add("bulky", bytes(LIMIT));
        headers.add(DeadLetters.MESSAGE_HEADER, bytes(5_000));
        ProducerRecord<byte[], byte[]> letter = letter(bytes(3_000), bytes(10), headers);
        // when it is fitted
        ProducerRecord<byte[], byte[]> fitted = new DeadLetterFit(new SendLimit(LIMIT)).fit(letter);
        // then only the error's headers are left, its message cut short, and the key is dropped and measured
        assertThat(SendLimit.size(fitted.key(), fitted.value(), fitted.headers())).isLessThanOrEqualTo(LIMIT);
        assertThat(fitted.key()).isNull();
        assertThat(fitted.value()).isNull();
        assertThat(fitted.headers().lastHeader("bulky")).isNull();
        assertThat(DeadLetters.header(fitted.headers(), DeadLetters.TOPIC_HEADER)).contains("orders");
        assertThat(DeadLetters.header(fitted.headers(), DeadLetters.PARTITION_HEADER)).contains("3");
        assertThat(DeadLetters.header(fitted.headers(), DeadLetters.OFFSET_HEADER)).contains("42");
        assertThat(fitted.headers().lastHeader(DeadLetters.MESSAGE_HEADER).value())
                .hasSize(DeadLetterFit.KEPT_BYTES);
        assertThat(DeadLetters.header(fitted.headers(), DeadLetterFit.KEY_OMITTED_HEADER)).contains("3000 bytes");
        assertThat(DeadLetters.header(fitted.headers(), DeadLetterFit.VALUE_OMITTED_HEADER)).isPresent();
    }

    @Test
    void shouldTakeTheLimitFromTheProducersSettingsAsKafkaStreamsGivesThem() {
        // given a dead letter of about 5 kB
        ProducerRecord<byte[], byte[]> letter = letter(bytes(10), bytes(5_000), errorHeaders());
        // when the limit is the producer-prefixed setting, the plain one, or Kafka's default (1 MiB)
        ProducerRecord<byte[], byte[]> prefixed = DeadLetterFit.of(Map.of("producer.max.request.size", "4000",
                "max.request.size", "1000000")).fit(letter);
        ProducerRecord<byte[], byte[]> plain = DeadLetterFit.of(Map.of("max.request.size", 4_000)).fit(letter);
        ProducerRecord<byte[], byte[]> byDefault = DeadLetterFit.of(Map.of()).fit(letter);
        // then the prefixed one wins over the plain one, and the default lets it through
        assertThat(prefixed.value()).isNull();
        assertThat(plain.value()).isNull();
        assertThat(byDefault).isSameAs(letter);
    }

    private static ProducerRecord<byte[], byte[]> letter(byte[] key, byte[] value, Headers headers) {
        return new ProducerRecord<>("orders-dlq", null, 1_000L, key, value, headers);
    }

    private static Headers errorHeaders() {
        Headers headers = new RecordHeaders();
        headers.add(DeadLetters.TOPIC_HEADER, "orders".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.PARTITION_HEADER, "3".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.OFFSET_HEADER, "42".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.EXCEPTION_HEADER, "org.apache.kafka.common.errors.SerializationException"
                .getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }
}
