package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Admin requests at start: retried while Kafka says "not yet", and given up on at the deadline. */
class AdminRequestsTest {

    private static KafkaFuture<String> notYet() {
        KafkaFutureImpl<String> future = new KafkaFutureImpl<>();
        future.completeExceptionally(new UnknownTopicOrPartitionException("just created, not yet known"));
        return future;
    }

    @Test
    void shouldRetryARequestKafkaAnswersNotYet() throws Exception {
        // given a topic the brokers learn of on the third ask
        AtomicInteger asked = new AtomicInteger();

        // when
        String answer = AdminRequests.retrying(Duration.ofSeconds(10),
                () -> asked.incrementAndGet() < 3 ? notYet() : KafkaFuture.completedFuture("described"));

        // then
        assertThat(answer).isEqualTo("described");
        assertThat(asked).hasValue(3);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldGiveUpAtTheDeadlineNamingKafkasLastAnswer() {
        // when Kafka answers "not yet" for good
        assertThatThrownBy(() -> AdminRequests.retrying(Duration.ofMillis(500), AdminRequestsTest::notYet))
                // then the start fails, saying why, rather than waiting for ever
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("just created, not yet known");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldNameKafkasAnswerWhenItCameWithoutWords() {
        // given a topic that does not exist, which Kafka can answer with an empty text
        KafkaFutureImpl<String> missing = new KafkaFutureImpl<>();
        missing.completeExceptionally(new UnknownTopicOrPartitionException(""));

        // when / then the failure names it, rather than ending at "failed: "
        assertThatThrownBy(() -> AdminRequests.retrying(Duration.ofMillis(200), () -> missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Kafka admin request failed: UnknownTopicOrPartitionException");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldSayNoBrokerAnsweredWhenTheClientTimesOutWaitingForOne() {
        // given no broker at the bootstrap servers: the client fails each call "waiting for a node assignment"
        KafkaFutureImpl<String> noBroker = new KafkaFutureImpl<>();
        noBroker.completeExceptionally(new org.apache.kafka.common.errors.TimeoutException(
                "Timed out waiting for a node assignment. Call: listTopics"));

        // when / then the start fails saying what to check, not in the client's words
        assertThatThrownBy(() -> AdminRequests.retrying(Duration.ofMillis(500), () -> noBroker))
                .isInstanceOf(ClusterNotAnsweredException.class)
                .hasMessage("Kafka did not answer within 500 ms: is bootstrap.servers right and the cluster up?");
    }
}
