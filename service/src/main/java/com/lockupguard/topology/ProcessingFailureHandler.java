package com.lockupguard.topology;

import com.lockupguard.state.NewerGuardStateException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What happens to a record whose processing throws. A record the guard refused
 * ({@link RejectedRecordException}) goes to the dead-letter topic as it was received, with its reason; one
 * that fails because the schema registry is away or refuses the guard stops the stream thread, so that it is
 * read again ({@link RegistryOutage}); any other failure is dead-lettered by Kafka Streams, and the stream
 * goes on. A dead letter too large for the producer is cut down ({@link DeadLetterFit}). Such a failure is said in
 * one line, within the instance's budget of dead-letter lines ({@link DeadLetterLog}), its stack trace in the dead
 * letter's headers only: Kafka Streams' handler wrote some 25 lines for each, without limit (seen: 960 lines for 40
 * fills that overflowed a holding's counters).
 */
public final class ProcessingFailureHandler implements ProcessingExceptionHandler {

    /** Kafka Streams' words for a send the broker refused, kept and thrown by the next send (4.4). */
    static final String EARLIER_SEND_FAILED = "Error encountered sending record to topic ";
    /** ... and for a send whose callback failed. */
    static final String SEND_CALLBACK_FAILED = "Producer.send `Callback` failed";
    /** The producer's, after a refused send under exactly_once_v2. */
    static final String PRODUCER_IN_ERROR_STATE = "Cannot execute transactional method because we are in an error "
            + "state";

    private String deadLetterTopic;
    private DecisionObserver observer = DecisionObserver.NONE;
    private DeadLetterFit fit = DeadLetterFit.of(Map.of());
    private DeadLetterLog lines = StreamsDefaults.deadLetterLog(Map.of());

    @Override
    public void configure(Map<String, ?> configs) {
        observer = StreamsDefaults.observer(configs);
        lines = StreamsDefaults.deadLetterLog(configs);
        fit = DeadLetterFit.of(configs);
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception failure) {
        if (RegistryOutage.stopsTheThread(context, failure)) {
            return Response.fail(List.of());
        }
        if (FailureCauses.find(failure, NewerGuardStateException.class).isPresent()) {
            // a newer guard's state: not this record's fault, and a newer instance decides it once this one stops
            return Response.fail(List.of());
        }
        if (producerCannotSend(failure)) {
            // no fault of the record: the thread fails with the earlier send's failure, as a commit would have, and
            // both records are read again once it is replaced
            return Response.fail(List.of());
        }
        if (failure instanceof RejectedRecordException refused) {
            // logged and counted where it was refused
            return Response.resume(deadLetterTopic == null ? List.of()
                    : List.of(fit.fit(DeadLetters.of(deadLetterTopic, context, refused))));
        }
        observer.deadLettered(DeadLetterReason.PROCESSING_FAILURE);
        lines.warn(DeadLetterReason.PROCESSING_FAILURE, () -> "record at " + context.topic() + "-"
                + context.partition() + "@" + context.offset() + " failed in " + context.processorNodeId()
                + ", dead-lettered (PROCESSING_FAILURE), its stack trace in the dead letter's headers: "
                + FailureCauses.oneLine(failure));
        return fit.fit(Response.resume(ExceptionHandlerUtils.maybeBuildDeadLetterQueueRecords(deadLetterTopic,
                context.sourceRawKey(), context.sourceRawValue(), context, failure)));
    }

    /**
     * Whether {@code failure} is an earlier send's failure, not this record's: Kafka Streams keeps a send the broker
     * refused (which {@link ProductionFailureHandler} fails) and throws it from the next record's send, inside that
     * record's processing, and then forgets it. Dead-lettered, the earlier record's refused output was lost for good
     * under at_least_once (its offset committed, the thread going on), and under exactly_once_v2 an innocent record
     * was counted as a processing failure, which pages as an order without a decision, though its dead letter was
     * aborted and the order decided once the thread was replaced. In a narrower window the producer's own error state
     * answers instead. Fencing never reaches this handler: Kafka Streams rethrows it as a migrated task.
     */
    static boolean producerCannotSend(Throwable failure) {
        return FailureCauses.of(failure).stream().anyMatch(cause -> cause instanceof KafkaException
                && (message(cause).startsWith(EARLIER_SEND_FAILED) || message(cause).equals(SEND_CALLBACK_FAILED)
                        || message(cause).startsWith(PRODUCER_IN_ERROR_STATE)));
    }

    private static String message(Throwable failure) {
        return String.valueOf(failure.getMessage());
    }
}
