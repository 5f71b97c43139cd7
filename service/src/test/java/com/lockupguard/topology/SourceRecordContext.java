package com.lockupguard.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;

/** Where a record being read or processed came from, as Kafka Streams tells its error handlers. */
record SourceRecordContext(String topic, int partition, long offset, String key, byte[] sourceRawValue)
        implements ErrorHandlerContext {

    @Override
    public Headers headers() {
        return new RecordHeaders();
    }

    @Override
    public String processorNodeId() {
        return topic + "-source";
    }

    @Override
    public TaskId taskId() {
        return new TaskId(0, partition);
    }

    @Override
    public long timestamp() {
        return 0;
    }

    @Override
    public byte[] sourceRawKey() {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
