package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.junit.jupiter.api.Test;

class ProductionFailureHandlerTest {

    private final ProductionFailureHandler handler = new ProductionFailureHandler();
    private final ProducerRecord<byte[], byte[]> changelogRecord = new ProducerRecord<>(
            "guard-seen-orders-changelog", new byte[] {1}, new byte[] {2});

    @Test
    void shouldFailWithoutADeadLetterWhenTheBrokerRefusesARecord() {
        // given / when the broker refuses a changelog's record for its size or its timestamp (no context is read)
        for (Exception refusal : new Exception[] {new RecordTooLargeException("too large"),
            new InvalidTimestampException("Timestamp 1051534800000 of message is out of range")}) {
            ProductionExceptionHandler.Response response = handler.handleError(null, changelogRecord, refusal);

            // then the thread fails with that refusal, and no dead letter is built (Kafka Streams' own handler
            // built one from a context without a timestamp, and failed with "Invalid timestamp: -1" instead)
            assertThat(response.result()).as(refusal.toString()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
            assertThat(response.deadLetterQueueRecords()).as(refusal.toString()).isEmpty();
        }
    }

    @Test
    void shouldRetryWhatMayPassLaterAsKafkaStreamsOwnHandlerDoes() {
        // given / when / then
        assertThat(handler.handleError(null, changelogRecord, new NotEnoughReplicasException("2 of 3")).result())
                .isEqualTo(ProductionExceptionHandler.Result.RETRY);
    }

    @Test
    void shouldBeTheHandlerEveryGuardRunsWith() {
        // given / when / then: the service, the replay and the tests alike
        assertThat(StreamsDefaults.errorHandling(TopicNames.defaults())
                .get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(ProductionFailureHandler.class.getName());
    }
}
