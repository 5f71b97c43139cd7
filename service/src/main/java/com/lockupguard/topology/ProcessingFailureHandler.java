package com.lockupguard.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What happens to a record whose processing throws. A record the guard refused
 * ({@link RejectedRecordException}) goes to the dead-letter topic as it was received, with its reason; one
 * that fails because the schema registry is away or refuses the guard stops the stream thread, so that it is
 * read again ({@link RegistryOutage}); any other failure is dead-lettered by Kafka Streams, and the stream
 * goes on. A dead letter too large for the producer is cut down ({@link DeadLetterFit}).
 */
public final class ProcessingFailureHandler extends LogAndContinueProcessingExceptionHandler {

    private String deadLetterTopic;
    private DecisionObserver observer = DecisionObserver.NONE;
    private DeadLetterFit fit = DeadLetterFit.of(Map.of());

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        observer = StreamsDefaults.observer(configs);
        fit = DeadLetterFit.of(configs);
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception failure) {
        if (RegistryOutage.stopsTheThread(context, failure)) {
            return Response.fail(List.of());
        }
        if (producerCannotSend(failure)) {
            // no fault of the record: its transaction is aborted, and it is read again once the thread is replaced
            return Response.fail(List.of());
        }
        if (failure instanceof RejectedRecordException refused) {
            // logged and counted where it was refused
            return Response.resume(deadLetterTopic == null ? List.of()
                    : List.of(fit.fit(DeadLetters.of(deadLetterTopic, context, refused))));
        }
        observer.deadLettered(DeadLetterReason.PROCESSING_FAILURE);
        return fit.fit(super.handleError(context, record, failure));
    }

    /**
     * Whether {@code failure} is the stream thread's producer unable to send at all: fenced, or left in an error state
     * by an earlier send the broker refused. Dead-lettering the record then counted a processing failure, which pages
     * as an order without a decision (seen twice after a refused send), though the dead letter is aborted with the
     * transaction and the order decided once the thread is replaced.
     */
    static boolean producerCannotSend(Throwable failure) {
        return FailureCauses.of(failure).stream().anyMatch(cause -> cause instanceof ProducerFencedException
                || cause instanceof InvalidProducerEpochException
                || cause instanceof KafkaException && String.valueOf(cause.getMessage())
                        .startsWith("Cannot execute transactional method because we are in an error state"));
    }
}
