package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.ProposedOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decision feed over a consumer with no broker behind it. */
class DecisionFeedTest {

    private DecisionFeed feed;

    @AfterEach
    void close() {
        if (feed != null) {
            feed.close();
        }
    }

    static ProposedOrder order(String orderId, long quantity) {
        return ProposedOrder.newBuilder().setOrderId(orderId).setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(quantity).build();
    }

    private DecisionFeed start(MockFeedConsumer consumer) {
        feed = new DecisionFeed(() -> consumer, MockFeedConsumer.TOPICS, 5_000);
        feed.start();
        return feed;
    }

    @Test
    void shouldHandADecisionToWhoeverWaitsForIt() throws Exception {
        // given
        MockFeedConsumer consumer = new MockFeedConsumer(2, List.of());
        start(consumer);
        CompletableFuture<Decision> waiting = feed.await("c-1");

        // when: another order's decision, one no one waits for, then the one with its order's correlation id
        consumer.append(MockFeedConsumer.APPROVED, 1, "dutchess/CBYI",
                GuardWebServerTest.decision(order("o-1", 99), Outcome.APPROVED, List.of(), 100L), null);
        consumer.append(MockFeedConsumer.APPROVED, 1, "dutchess/CBYI",
                GuardWebServerTest.decision(order("o-1", 10), Outcome.APPROVED, List.of(), 100L),
                OrderCorrelation.headers("c-1"));

        // then
        Decision decision = waiting.get(10, TimeUnit.SECONDS);
        assertThat(decision.getOrderId()).isEqualTo("o-1");
        assertThat(decision.getQuantity()).isEqualTo(10);
    }

    @Test
    void shouldListTheBacklogNewestFirstAndKeepTheNewestOfEveryTopic() {
        // given: after a restart, a backlog read partition after partition: 1,200 older approvals spread over two
        // partitions (even minutes on one, odd on the other), and the 10 newest decisions, blocks, on a third
        List<ConsumerRecord<String, Object>> backlog = new ArrayList<>();
        Instant start = Instant.parse("2026-01-05T15:00:00Z");
        for (int i = 0; i < 1_200; i++) {
            backlog.add(MockFeedConsumer.record(MockFeedConsumer.APPROVED, i % 2, i / 2, "dutchess/CBYI",
                    RecentDecisionsTest.decision("old-" + i, "dutchess", start.plusSeconds(60L * i).toString()), null));
        }
        for (int i = 0; i < 10; i++) {
            backlog.add(MockFeedConsumer.record(MockFeedConsumer.BLOCKED, 0, i, "dutchess/CBYI",
                    RecentDecisionsTest.decision("new-" + i, "dutchess", start.plusSeconds(86_400L + i).toString()),
                    null));
        }
        start(new MockFeedConsumer(2, backlog));

        // when the feed has read it all
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.recent(null, 2_000).size() == DecisionFeed.RECENT_DECISIONS
                && feed.recent(null, 2_000).stream().anyMatch(d -> d.getOrderId().startsWith("new-")));

        // then the newest come first, by decision time, and the oldest were forgotten
        List<Decision> recent = feed.recent(null, 2_000);
        assertThat(recent).extracting(RecentDecisions::decidedAt).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(recent.subList(0, 10)).extracting(Decision::getOrderId)
                .containsExactly("new-9", "new-8", "new-7", "new-6", "new-5", "new-4", "new-3", "new-2", "new-1",
                        "new-0");
        assertThat(recent.get(recent.size() - 1).getOrderId()).as("the oldest kept").isEqualTo("old-210");
    }
}
