package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.ProposedOrder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
        CompletableFuture<Decision> waiting = feed.await("dutchess/CBYI", "o-1");

        // when
        consumer.append(MockFeedConsumer.APPROVED, 1, "dutchess/CBYI",
                GuardWebServerTest.decision(order("o-1", 10), Outcome.APPROVED, List.of(), 100L), null);

        // then
        Decision decision = waiting.get(10, TimeUnit.SECONDS);
        assertThat(decision.getOrderId()).isEqualTo("o-1");
        assertThat(decision.getQuantity()).isEqualTo(10);
    }
}
