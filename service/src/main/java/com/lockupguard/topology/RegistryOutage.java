package com.lockupguard.topology;

import com.lockupguard.registry.SchemaRegistryException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that fails because the schema registry cannot be reached is not a bad record: reading a
 * valid order or agreement, or writing a decision, needs a schema the guard has not cached yet (after a
 * restart, or a producer's new schema version). Dead-lettering it, as a bad record is, would skip it for
 * good — an agreement version lost, an order never decided. Instead the stream thread fails: its open
 * transaction is aborted, the thread is replaced, and it resumes from its last commit, asking again.
 * Every other failure is dead-lettered as before, and the stream goes on.
 */
public final class RegistryOutage {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryOutage.class);

    private RegistryOutage() {
    }

    /** Whether the registry's being away is what {@code failure} comes down to. */
    public static boolean causes(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException.Unavailable) {
                return true;
            }
        }
        return false;
    }

    private static void log(ErrorHandlerContext context, Exception failure) {
        LOG.error("the schema registry cannot be reached for the record at {}-{}@{}: the stream thread stops and "
                + "resumes from its last commit, so that the record is not skipped ({})", context.topic(),
                context.partition(), context.offset(), failure.getMessage());
    }

    /** For records that cannot be read: fail on a registry outage, else dead-letter and go on. */
    public static final class OnDeserialization extends LogAndContinueExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                Exception failure) {
            if (causes(failure)) {
                log(context, failure);
                return Response.fail(List.of());
            }
            return super.handleError(context, record, failure);
        }
    }

    /** For records whose processing throws: fail on a registry outage, else dead-letter and go on. */
    public static final class OnProcessing extends LogAndContinueProcessingExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception failure) {
            if (causes(failure)) {
                log(context, failure);
                return Response.fail(List.of());
            }
            return super.handleError(context, record, failure);
        }
    }
}
