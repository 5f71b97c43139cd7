package com.lockupguard.topology;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * What Kafka Streams does with a record its producer could not send: retries what may pass later, as its own handler
 * does, and otherwise fails the stream thread with the broker's refusal, writing no dead letter. Kafka Streams' own
 * handler, with {@code errors.dead.letter.queue.topic.name} set (the guard sets it for records it cannot read), built
 * one from the source record: for a changelog's record, whose context has no timestamp, that failed ("Invalid
 * timestamp: -1"), and the thread failed with that instead of the refusal (seen: a changelog's max.message.bytes or
 * message.timestamp.before.max.ms refusing its records, said nowhere in the thread's failure); with a
 * {@code max.request.size} the dead letter could not fit either, each send of one failed into another, until the
 * stack overflowed. Under exactly_once_v2 a dead letter written then is aborted with the transaction the failure
 * ends in any case, and a decision the guard must not drop is not one to set aside.
 */
public final class ProductionFailureHandler implements ProductionExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        return exception instanceof RetriableException ? Response.retry() : Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        return Response.fail();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}
