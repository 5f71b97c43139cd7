package com.lockupguard.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Input records the broker deleted before the guard read them: a position the guard's group committed below its
 * partition's first offset kept. Kafka Streams then reads on from that first offset (auto.offset.reset=earliest)
 * without a word, and the orders deleted get no decision (seen: a guard stopped while its orders topic's retention
 * ran, 600 orders never decided, nothing logged). Looked at when the guard starts, before it reads anything.
 */
public final class DeletedUnread {

    private DeletedUnread() {
    }

    /** One line per input partition that lost records unread, saying which offsets and what to do. */
    public static List<String> find(Admin admin, GuardHistory history, Duration timeout) throws InterruptedException {
        if (history.positions().isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
        history.positions().keySet().forEach(partition -> asked.put(partition, OffsetSpec.earliest()));
        Map<TopicPartition, ListOffsetsResultInfo> starts = AdminRequests.retrying(timeout,
                () -> admin.listOffsets(asked).all());
        List<String> lost = new ArrayList<>();
        history.positions().forEach((partition, position) -> {
            ListOffsetsResultInfo start = starts.get(partition);
            if (position != null && start != null && position.offset() < start.offset()) {
                long offsets = start.offset() - position.offset();
                lost.add(String.format(Locale.ROOT, "%s: offsets %d to %d (up to %d records; transaction markers "
                        + "or aborted records may be among them) were deleted before the guard read them (retention, "
                        + "or records deleted by an operator): any orders and agreements among them got no decision; "
                        + "find them where they were produced, and send the orders again (said at every start until "
                        + "the partition gets a record the guard decides)", partition, position.offset(),
                        start.offset() - 1, offsets));
            }
        });
        return lost;
    }
}
