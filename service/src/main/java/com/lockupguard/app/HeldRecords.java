package com.lockupguard.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** What topics hold, counted by offsets: whether a guard wrote to them. */
final class HeldRecords {

    private HeldRecords() {
    }

    /** Committed records (and transaction markers) between the start and the last stable offset of {@code topics}. */
    static long in(Admin admin, List<String> topics, Duration timeout) throws InterruptedException {
        if (topics.isEmpty()) {
            return 0;
        }
        Map<String, TopicDescription> described = AdminRequests.retrying(timeout,
                () -> admin.describeTopics(topics).allTopicNames());
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> stable = new HashMap<>();
        described.values().forEach(topic -> topic.partitions().forEach(partition -> {
            TopicPartition tp = new TopicPartition(topic.name(), partition.partition());
            earliest.put(tp, OffsetSpec.earliest());
            stable.put(tp, OffsetSpec.latest());
        }));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = AdminRequests.retrying(timeout,
                () -> admin.listOffsets(earliest).all());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = AdminRequests.retrying(timeout,
                () -> admin.listOffsets(stable, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
        long held = 0;
        for (TopicPartition partition : starts.keySet()) {
            held += Math.max(0, ends.get(partition).offset() - starts.get(partition).offset());
        }
        return held;
    }
}
