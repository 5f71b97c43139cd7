package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.web.DecisionFeed;
import com.lockupguard.web.PausableFeeds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A topic the guard writes deleted while it runs. Seen here before the guard watched for it: with orders-approved
 * deleted, no order was decided any more, approved or blocked, for as long as the test waited, while the guard said
 * RUNNING and replaced no thread: every transaction waited on the missing topic.
 */
@Timeout(240)
class OutputDeletedIT {

    private static final String AGREEMENT = "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\","
            + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\","
            + "\"effectiveAt\":\"2003-07-10T16:30:00-04:00\"}";

    @TempDir
    Path stateDir;

    private static String sale(String orderId, String at, long quantity) {
        return "{\"type\":\"order\",\"at\":\"" + at + "\",\"orderId\":\"" + orderId + "\",\"investorId\":\"dutchess\","
                + "\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":" + quantity + "}";
    }

    @Test
    void shouldStopWhenATopicItWritesIsDeletedAndDecideWhatItCouldNotOnceStartedAgain() throws Exception {
        String scope = "output-deleted-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that reads its topics again every half second, having approved a sale of 100,000
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-output-deleted", scope);
            settings.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "500");
            settings.put(GuardConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "5000");
            BrokerIO io = new BrokerIO(settings);
            // its HTTP API on too: run keeps it up until the process exits, after the guard has stopped
            Map<String, String> withApi = new HashMap<>(settings);
            withApi.put(GuardConfig.HTTP_PORT_CONFIG, "0");
            withApi.put(GuardConfig.STATE_DIR_CONFIG, stateDir.resolve("first").toString());
            io.createTopics();
            try (GuardApplication guard = GuardApplication.start(new GuardConfig(withApi))) {
                assertThat(guard.service().awaitRunning(Duration.ofSeconds(90))).isTrue();
                io.produce(Scenario.of(List.of(AGREEMENT, sale("e1", "2003-07-11T09:45:00-04:00", 100_000))));
                assertThat(io.awaitDecisions(1, Duration.ofSeconds(60))).hasSize(1);

                // when the approved decisions' topic is deleted, and two more sales arrive
                try (Admin admin = Admin.create(new GuardConfig(settings).adminProperties())) {
                    admin.deleteTopics(List.of("orders-approved")).all().get();
                }
                io.produce(Scenario.of(List.of(sale("e2", "2003-07-11T10:00:00-04:00", 60_000),
                        sale("e3", "2003-07-11T10:01:00-04:00", 60_000))));

                // then it stops, saying why, no longer ready, and what `run` waits for ends within shutdown.timeout.ms
                // although the stream thread, stuck on the missing topic, never does
                await().atMost(Duration.ofSeconds(30)).until(() -> guard.service().failure().isPresent());
                assertThat(guard.service().failure().get())
                        .startsWith("a topic the guard writes was deleted while it ran: 'orders-approved'.");
                assertThat(guard.service().failureKind()).get(InstanceOfAssertFactories.STRING)
                        .startsWith("its topics changed under it").doesNotContain("orders-approved");
                assertThat(guard.service().isReady()).isFalse();
                // as its metrics say, for Prometheus, which sees no probe's answer
                assertThat(guard.metrics().scrape()).contains("lockup_guard_ready 0.0");
                // and its API sends no order any more: each is refused 503 at once, not sent to wait out the decision
                // timeout for a 504 that says it will be decided
                HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + guard.httpPort() + "/api/orders"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"orderId\":\"api-1\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
                                        + "\"kind\":\"PUBLIC_SALE\",\"quantity\":10}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(refused.body()).contains("the guard is stopping");
                CompletableFuture.runAsync(() -> {
                    try {
                        guard.service().awaitTermination();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).get(60, TimeUnit.SECONDS);
            }

            // and started again (on another state directory: the stuck thread keeps its own locked in this JVM, as a
            // new process would not), it creates the topic and decides the two sales, knowing the first's 100,000
            try (GuardInstance again = GuardInstance.start(settings, stateDir.resolve("again"),
                    DecisionObserver.NONE)) {
                assertThat(BrokerIO.outcomes(io.awaitDecisions(2, Duration.ofSeconds(60))))
                        .extracting(Scenario.Outcome::orderId, Scenario.Outcome::decision,
                                Scenario.Outcome::maxAllowedNow)
                        .containsExactly(tuple("e2", "APPROVED", 100_000L), tuple("e3", "BLOCKED", 40_000L));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldShowTheDecisionsOnATopicItWritesDeletedAndCreatedAgainInItsDecisionFeed() throws Exception {
        String scope = "output-recreated-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that looks at its topics only at start (so that it does not stop while the approved
            // decisions' topic is gone), having approved six sales, and a decision feed, as the guard's API reads
            // them with, that has read them
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-output-recreated", scope);
            settings.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "0");
            BrokerIO io = new BrokerIO(settings);
            io.createTopics();
            GuardConfig config = new GuardConfig(settings);
            AtomicBoolean paused = new AtomicBoolean();
            DecisionFeed feed = PausableFeeds.of(config.consumerProperties(), io.topics(), paused, 1_000);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir.resolve("recreated"),
                    DecisionObserver.NONE)) {
                io.produce(Scenario.of(List.of(AGREEMENT, sale("e1", "2003-07-11T09:45:00-04:00", 10),
                        sale("e2", "2003-07-11T09:46:00-04:00", 10), sale("e3", "2003-07-11T09:47:00-04:00", 10),
                        sale("e4", "2003-07-11T09:48:00-04:00", 10), sale("e5", "2003-07-11T09:49:00-04:00", 10),
                        sale("e6", "2003-07-11T09:50:00-04:00", 10))));
                assertThat(io.awaitDecisions(6, Duration.ofSeconds(60))).hasSize(6);
                feed.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> feed.recent("dutchess", "CBYI", 10).size() == 6);

                // when, while the feed's consumer does not poll (busy, restarting), the approved decisions' topic is
                // deleted and created again, and two more sales are approved onto it: fewer records than the old
                // topic's partition held, so that the feed's position there is beyond the new topic's end
                paused.set(true);
                Thread.sleep(500); // a poll under way when it was set ends
                try (Admin admin = Admin.create(config.adminProperties())) {
                    admin.deleteTopics(List.of("orders-approved")).all().get();
                    await().atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get()
                            .contains("orders-approved"));
                }
                io.createTopics();
                io.produce(Scenario.of(List.of(sale("e7", "2003-07-11T10:00:00-04:00", 10),
                        sale("e8", "2003-07-11T10:01:00-04:00", 10))));
                assertThat(BrokerIO.outcomes(io.awaitDecisions(2, Duration.ofSeconds(60))))
                        .extracting(Scenario.Outcome::orderId, Scenario.Outcome::decision)
                        .containsExactly(tuple("e7", "APPROVED"), tuple("e8", "APPROVED"));
                paused.set(false);

                // then the feed shows both, read from the new topic's first record (Kafka's default reset, latest,
                // went past them: the API would never have shown them, nor answered an order waiting on one)
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(feed.recent("dutchess",
                        "CBYI", 10)).extracting(decision -> decision.getOrderId()).contains("e7", "e8"));
            } finally {
                paused.set(false);
                feed.close();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
