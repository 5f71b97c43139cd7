package com.lockupguard.topology;

import com.lockupguard.registry.SchemaRegistryException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that fails because the schema registry cannot be reached, or refuses the guard, is not a bad
 * record: reading a valid order or agreement, or writing a decision, needs a schema the guard has not cached
 * yet (after a restart, or a producer's new schema version). Dead-lettering it, as a bad record is, would
 * skip it for good — an agreement version lost, an order never decided. Instead the stream thread fails:
 * its open transaction is aborted, and the record is read again from the last commit, by a replacement
 * thread once the registry answers, or, when the registry refused the guard's credentials (401 or 403),
 * after a person has fixed them and restarted the guard. Every other failure is dead-lettered as before,
 * and the stream goes on; among them, for a producer's record, a schema id the registry does not let the guard
 * read, or has long failed to serve, while it serves others ({@code SchemaNotServed}): that id's records', not the
 * registry's. Read from a value the guard stored, the same answer still stops the thread.
 */
public final class RegistryOutage {

    static final Logger LOG = LoggerFactory.getLogger(RegistryOutage.class);

    private RegistryOutage() {
    }

    /**
     * Whether the registry's being away is what {@code failure} comes down to: for a value the guard stored itself,
     * one schema id it has long failed to serve too.
     */
    public static boolean causes(Throwable failure) {
        return FailureCauses.find(failure, SchemaRegistryException.Unavailable.class).isPresent()
                || notServed(failure).filter(SchemaRegistryException.Unavailable.class::isInstance).isPresent();
    }

    /**
     * The registry's refusal of the guard's credentials or access (401, 403), if that is what {@code failure} is: for a
     * value the guard stored itself, a refusal of that one schema id too.
     */
    public static Optional<SchemaRegistryException.NotAuthorized> refusal(Throwable failure) {
        return FailureCauses.find(failure, SchemaRegistryException.NotAuthorized.class).or(() -> notServed(failure)
                .filter(SchemaRegistryException.NotAuthorized.class::isInstance)
                .map(SchemaRegistryException.NotAuthorized.class::cast));
    }

    /**
     * Whether {@code failure} is a schema id the registry will not give the guard where it gives others: for a
     * producer's record, that record's, which cannot be read (as Confluent's deserializer fails on it).
     */
    public static boolean schemaNotServed(Throwable failure) {
        return FailureCauses.find(failure, SchemaRegistryException.SchemaNotServed.class).isPresent();
    }

    /** What the registry answered for a schema id that it serves the guard no more, if {@code failure} is that. */
    private static Optional<SchemaRegistryException> notServed(Throwable failure) {
        return FailureCauses.find(failure, SchemaRegistryException.SchemaNotServed.class)
                .map(SchemaRegistryException.SchemaNotServed::registryFailure);
    }

    /** Whether {@code failure} is the registry's, not the record's: the thread must stop, not skip the record. */
    static boolean stopsTheThread(ErrorHandlerContext context, Exception failure) {
        if (causes(failure)) {
            LOG.error("the schema registry cannot be reached for the record at {}-{}@{}: the stream thread stops and "
                    + "resumes from its last commit, so that the record is not skipped ({})", context.topic(),
                    context.partition(), context.offset(), failure.getMessage());
            return true;
        }
        if (refusal(failure).isPresent()) {
            LOG.error("the schema registry refused the guard for the record at {}-{}@{}: the stream thread stops "
                    + "rather than skip the record ({})", context.topic(), context.partition(), context.offset(),
                    failure.getMessage());
            return true;
        }
        return false;
    }

    /**
     * For records that cannot be read: fail when the registry is away or refuses the guard, else dead-letter (cut down
     * to what the producer may send: {@link DeadLetterFit}).
     */
    public static final class OnDeserialization implements DeserializationExceptionHandler {

        private DeadLetterLog lines = new DeadLetterLog(LOG);
        private DecisionObserver observer = DecisionObserver.NONE;
        private DeadLetterFit fit = DeadLetterFit.of(Map.of());
        private String deadLetters;

        @Override
        public void configure(Map<String, ?> configs) {
            observer = StreamsDefaults.observer(configs);
            lines = StreamsDefaults.deadLetterLog(configs);
            fit = DeadLetterFit.of(configs);
            Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
            deadLetters = topic == null ? null : topic.toString();
        }

        /**
         * Dead-letters the record as Kafka's {@link org.apache.kafka.streams.errors.LogAndContinueExceptionHandler}
         * does, but says so in one line rather than with a stack trace: any producer can send a run of records that
         * cannot be read, and each would write some 25 lines (the dead letter's headers carry the trace).
         */
        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                Exception failure) {
            // a producer's record naming a schema id the registry will not give the guard, where it gives others:
            // that record cannot be read, as Confluent's deserializer fails on it; a stored value's is the registry's
            if (!schemaNotServed(failure) && stopsTheThread(context, failure)) {
                return Response.fail(List.of());
            }
            observer.deadLettered(DeadLetterReason.UNDECODABLE);
            lines.warn(DeadLetterReason.UNDECODABLE, () -> "record at " + context.topic() + "-" + context.partition()
                    + "@" + context.offset() + " cannot be read, dead-lettered (UNDECODABLE): "
                    + FailureCauses.oneLine(failure));
            // a record that only just fitted on its topic does not fit with the error in its headers
            return fit.fit(Response.resume(ExceptionHandlerUtils.maybeBuildDeadLetterQueueRecords(deadLetters,
                    context.sourceRawKey(), context.sourceRawValue(), context, failure)));
        }
    }
}
