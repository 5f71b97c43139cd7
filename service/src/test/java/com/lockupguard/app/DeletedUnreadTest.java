package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeletedUnreadTest {

    private final FakeAdmin cluster = new FakeAdmin();

    @Test
    void shouldNameTheInputRecordsTheBrokerDeletedBeforeTheGuardReadThem() throws Exception {
        // given a guard that decided orders-0 up to offset 946 and orders-1 up to 500, and a retention that has since
        // deleted orders-0 up to 1040 (the guard stopped meanwhile), and orders-1 up to 500 only
        TopicPartition orders0 = new TopicPartition("orders", 0);
        TopicPartition orders1 = new TopicPartition("orders", 1);
        GuardHistory history = new GuardHistory("guard", Map.of(orders0, new OffsetAndMetadata(946),
                orders1, new OffsetAndMetadata(500)), java.util.List.of());
        cluster.firstOffsets.put(orders0, 1040L);
        cluster.firstOffsets.put(orders1, 500L);

        // when the start looks
        // then the records deleted unread are named, with what to do, and a partition that lost none is not
        assertThat(DeletedUnread.find(cluster.admin(), history, Duration.ofSeconds(1))).containsExactly(
                "orders-0: offsets 946 to 1039 (up to 94 records; transaction markers or aborted records may be "
                        + "among them) were deleted before the guard read them (retention, or records deleted by an "
                        + "operator): any orders and agreements among them got no decision; find them where they were "
                        + "produced, and send the orders again (said at every start until the partition gets a record "
                        + "the guard decides)");
    }

    @Test
    void shouldAskNothingOfAGuardThatNeverRan() throws Exception {
        // given / when / then: no position, nothing lost (Kafka Streams starts from the first record kept)
        assertThat(DeletedUnread.find(cluster.admin(), new GuardHistory("guard", Map.of(), java.util.List.of()),
                Duration.ofSeconds(1))).isEmpty();
    }
}
