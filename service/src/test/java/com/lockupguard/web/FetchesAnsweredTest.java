package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** Whether a consumer's fetches are answered, by its own count of them. */
class FetchesAnsweredTest {

    /** Kafka's own consumer, made without a broker to reach: it measures its fetches from the start. */
    private static KafkaConsumer<String, String> consumerWithoutBroker() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9"),
                new StringDeserializer(), new StringDeserializer());
    }

    @Test
    void shouldFindTheFetchCountOfKafkasOwnConsumer() {
        // given Kafka's consumer, which measures its fetches from the start (no broker needed)
        try (KafkaConsumer<String, String> consumer = consumerWithoutBroker()) {
            // when its fetch count is looked for / then it is there, at 0: a Kafka that renamed it would leave the
            // feed blind to brokers that hang, each poll counted as answered
            assertThat(FetchesAnswered.fetchTotal(consumer.metrics())).get()
                    .extracting(metric -> ((Number) metric.metricValue()).doubleValue()).isEqualTo(0.0);
        }
    }

    @Test
    void shouldTakeThreeFetchWaitsAndAtLeastThirtySecondsForSilence() {
        // given / when / then
        assertThat(FetchesAnswered.silence(null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(FetchesAnswered.silence("500")).isEqualTo(Duration.ofSeconds(30));
        assertThat(FetchesAnswered.silence(" 20000 ")).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void shouldCountEachPollAsAnsweredWithoutAFetchCount() {
        // given a consumer without a fetch count, each of whose polls then counts as one answered
        AtomicLong now = new AtomicLong();
        FetchesAnswered counted = new FetchesAnswered(new MockConsumer<>("earliest"), Duration.ofSeconds(30),
                now::get);

        // when / then
        now.set(Duration.ofMinutes(5).toNanos());
        assertThat(counted.answeredAfterPoll(0)).isTrue();
    }

    @Test
    void shouldCountRecordsAsAnAnswerWhateverTheCountSays() {
        // given Kafka's consumer, its count of fetches answered at 0, past the silence
        AtomicLong now = new AtomicLong();
        try (KafkaConsumer<String, String> consumer = consumerWithoutBroker()) {
            FetchesAnswered fetches = new FetchesAnswered(consumer, Duration.ofSeconds(30), now::get);
            now.set(Duration.ofSeconds(31).toNanos());

            // when a poll brought records / then it is an answer, and the silence starts again
            assertThat(fetches.answeredAfterPoll(3)).isTrue();
            assertThat(fetches.silenceLeft()).isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void shouldTakeFetchesAsUnansweredAfterTheSilence() {
        // given Kafka's consumer, which has had no fetch answered (no broker)
        AtomicLong now = new AtomicLong();
        try (KafkaConsumer<String, String> consumer = consumerWithoutBroker()) {
            FetchesAnswered fetches = new FetchesAnswered(consumer, Duration.ofSeconds(30), now::get);

            // when less than the silence has passed / then it waits
            now.set(Duration.ofSeconds(29).toNanos());
            assertThat(fetches.answeredAfterPoll(0)).isFalse();

            // and when the silence has passed, it throws
            now.set(Duration.ofSeconds(30).toNanos());
            assertThatThrownBy(() -> fetches.answeredAfterPoll(0)).isInstanceOf(FetchesAnswered.Unanswered.class)
                    .hasMessage("no fetch answered for 30 s: the brokers hang, or cannot be reached");
        }
    }
}
