package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.testing.CapturedLogs;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A record whose processing throws is dead-lettered and the stream goes on, also when the record is too large to be
 * sent again with the error added: a dead letter the producer refuses would fail the task on that record for good.
 */
class ProcessingFailureHandlerTest {

    private static final int MAX_REQUEST_SIZE = 2_000;

    @Test
    void shouldDeadLetterARefusedRecordTooLargeToSendWithoutItsValue() {
        // given a guard whose producer sends at most 2,000 bytes, and a refused record of 1,990
        ProcessingFailureHandler handler = handler();
        SourceRecordContext context = new SourceRecordContext("agreements", 1, 77, "investor/SEC", bytes(1_990));
        // when it is refused
        ProcessingExceptionHandler.Response response = handler.handleError(context,
                new Record<>("k", "v", 5L), new RejectedRecordException(DeadLetterReason.INVALID_AGREEMENT, "bad"));
        // then the stream goes on, and the dead letter fits: the refusal and where the record lies, not its value
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(letter -> fitsWithoutItsValue(letter,
                "INVALID_AGREEMENT"));
    }

    @Test
    void shouldDeadLetterAFailedRecordTooLargeToSendWithoutItsValue() {
        // given the same guard and record
        ProcessingFailureHandler handler = handler();
        SourceRecordContext context = new SourceRecordContext("agreements", 1, 77, "investor/SEC", bytes(1_990));
        // when its processing fails unexpectedly (Kafka Streams builds that dead letter, with a stack trace)
        ProcessingExceptionHandler.Response response = handler.handleError(context, new Record<>("k", "v", 5L),
                new IllegalStateException("boom"));
        // then the stream goes on, and the dead letter fits as well
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(letter -> fitsWithoutItsValue(letter,
                null));
    }

    @Test
    void shouldFailTheThreadWithoutADeadLetterWhenItsProducerCannotSend() {
        // given a guard whose observer counts dead letters, and a send that fails inside processing because an
        // earlier send left the producer in an error state (seen: counted as PROCESSING_FAILURE, paging for an
        // order that was decided once the thread was replaced)
        java.util.concurrent.atomic.AtomicInteger counted = new java.util.concurrent.atomic.AtomicInteger();
        ProcessingFailureHandler handler = countingHandler(counted);
        SourceRecordContext context = new SourceRecordContext("orders", 0, 1234, "investor/SEC", bytes(10));

        // when
        ProcessingExceptionHandler.Response response = handler.handleError(context, new Record<>("k", "v", 5L),
                new org.apache.kafka.streams.errors.StreamsException(new org.apache.kafka.common.KafkaException(
                        "Cannot execute transactional method because we are in an error state")));

        // then the thread fails, nothing is dead-lettered or counted: the record is read again after the replacement
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
        assertThat(counted).hasValue(0);
    }

    @Test
    void shouldFailTheThreadWithoutADeadLetterWhenTheRecordMeetsAnEarlierSendsRefusal() {
        // given a guard whose observer counts dead letters
        java.util.concurrent.atomic.AtomicInteger counted = new java.util.concurrent.atomic.AtomicInteger();
        ProcessingFailureHandler handler = countingHandler(counted);
        SourceRecordContext context = new SourceRecordContext("orders", 0, 1235, "investor/SEC", bytes(10));

        // when a record's send throws what Kafka Streams 4.4 kept of an earlier send the broker refused (it throws
        // it from the next send, inside that record's processing, and then forgets it)
        Exception earlier = new org.apache.kafka.streams.errors.StreamsException(String.format(Locale.ROOT,
                "Error encountered sending record to topic orders-blocked for task 0_0 due to:%n%s%nException "
                        + "handler choose to FAIL the processing, no more records would be sent.",
                "org.apache.kafka.common.InvalidRecordException: out of range"),
                new org.apache.kafka.common.InvalidRecordException("out of range"));
        ProcessingExceptionHandler.Response response = handler.handleError(context, new Record<>("k", "v", 5L),
                earlier);

        // then the thread fails with it, as a commit would have: resumed, the refused answer was lost for good under
        // at_least_once, and this record dead-lettered and counted as an order without a decision
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
        assertThat(counted).hasValue(0);
        // and so when a send's callback failed
        assertThat(handler.handleError(context, new Record<>("k", "v", 5L),
                new org.apache.kafka.streams.errors.StreamsException("Producer.send `Callback` failed",
                        new IllegalStateException("boom"))).result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
    }

    @Test
    void shouldDeadLetterARecordWhoseOwnAnswerCannotBeSerialized() {
        // given a guard whose observer counts dead letters
        java.util.concurrent.atomic.AtomicInteger counted = new java.util.concurrent.atomic.AtomicInteger();
        ProcessingFailureHandler handler = countingHandler(counted);
        SourceRecordContext context = new SourceRecordContext("orders", 0, 1236, "investor/SEC", bytes(10));

        // when the record's own answer cannot be serialized (Kafka Streams' words for it, also sending a record)
        ProcessingExceptionHandler.Response response = handler.handleError(context, new Record<>("k", "v", 5L),
                new org.apache.kafka.streams.errors.StreamsException("Unable to serialize record. ProducerRecord("
                        + "topic=[orders-approved], partition=[null], timestamp=[5]", new IllegalStateException("x")));

        // then it is this record's failure: dead-lettered and counted, and the stream goes on
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        assertThat(counted).hasValue(1);
    }

    @Test
    void shouldSayEachFailedRecordInOneLineWithinTheInstancesDeadLetterLines() {
        // given a guard's handler, and its instance's budget of dead-letter lines (20 a minute of each reason)
        ProcessingFailureHandler handler = new ProcessingFailureHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "orders-dlq",
                StreamsDefaults.DEAD_LETTER_LOG_CONFIG, new DeadLetterLog(RegistryOutage.LOG, () -> 0L)));
        IllegalStateException overflow = new IllegalStateException("boom", new ArithmeticException("long overflow"));

        try (CapturedLogs logs = CapturedLogs.of(RegistryOutage.class);
                CapturedLogs kafkas = CapturedLogs.of("org.apache.kafka.streams.errors")) {
            // when the processing of 40 records fails in a minute (seen: 40 fills overflowing a holding's counters
            // wrote 960 lines, each failure's stack trace, without limit)
            for (long offset = 0; offset < 40; offset++) {
                ProcessingExceptionHandler.Response response = handler.handleError(new SourceRecordContext("orders",
                        2, offset, "investor/SEC", bytes(10)), new Record<>("k", "v", 5L), overflow);
                assertThat(response.deadLetterQueueRecords()).hasSize(1);
            }

            // then the first 20 are said in a line each, with where and why, then that more are not, and no stack
            // trace (each dead letter's headers carry it)
            assertThat(logs.messages()).hasSize(21);
            assertThat(logs.messages().get(0)).isEqualTo("record at orders-2@0 failed in orders-source, "
                    + "dead-lettered (PROCESSING_FAILURE), its stack trace in the dead letter's headers: "
                    + "java.lang.IllegalStateException: boom; caused by: java.lang.ArithmeticException: long overflow");
            assertThat(logs.messages().get(20)).startsWith("20 records dead-lettered (PROCESSING_FAILURE) within a "
                    + "minute");
            assertThat(logs.events()).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
            assertThat(kafkas.messages()).isEmpty();
        }
    }

    private static ProcessingFailureHandler countingHandler(java.util.concurrent.atomic.AtomicInteger counted) {
        ProcessingFailureHandler handler = new ProcessingFailureHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "orders-dlq",
                StreamsDefaults.OBSERVER_CONFIG, new DecisionObserver() {
                    @Override
                    public void deadLettered(DeadLetterReason reason) {
                        counted.incrementAndGet();
                    }
                }));
        return handler;
    }

    private static void fitsWithoutItsValue(ProducerRecord<byte[], byte[]> letter, String reason) {
        assertThat(letter.topic()).isEqualTo("orders-dlq");
        assertThat(letter.value()).isNull();
        assertThat(SendLimit.size(letter.key(), letter.value(), letter.headers()))
                .isLessThanOrEqualTo(MAX_REQUEST_SIZE);
        assertThat(DeadLetters.header(letter.headers(), DeadLetterFit.VALUE_OMITTED_HEADER)).get().asString()
                .startsWith("1990 bytes, omitted");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.OFFSET_HEADER)).contains("77");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON_HEADER))
                .isEqualTo(java.util.Optional.ofNullable(reason));
    }

    private static ProcessingFailureHandler handler() {
        ProcessingFailureHandler handler = new ProcessingFailureHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "orders-dlq",
                StreamsConfig.producerPrefix("max.request.size"), MAX_REQUEST_SIZE));
        return handler;
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }
}
