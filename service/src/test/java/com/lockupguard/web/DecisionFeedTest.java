package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.SchemaRegistryException;
import com.lockupguard.testing.CapturedLogs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RecordDeserializationException.DeserializationExceptionOrigin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
    void shouldListADecisionWhoseOrderCarriedAnEmptyCorrelationHeader() {
        // given: a feed reading, and the decision of an order another producer sent with the API's header, empty
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        start(consumer);
        org.apache.kafka.common.header.Headers empty = new org.apache.kafka.common.header.internals.RecordHeaders()
                .add(OrderCorrelation.HEADER, null);

        // when it is read, then a decision after it
        consumer.append(MockFeedConsumer.APPROVED, 0, "dutchess/CBYI",
                GuardWebServerTest.decision(order("o-1", 10), Outcome.APPROVED, List.of(), 100L), empty);
        consumer.append(MockFeedConsumer.APPROVED, 0, "dutchess/CBYI",
                GuardWebServerTest.decision(order("o-2", 10), Outcome.APPROVED, List.of(), 100L), null);

        // then both are listed: no caller waits for the first, but /api/decisions and the dashboard show it
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.recent(null, null, 10).size() == 2);
        assertThat(feed.recent(null, null, 10)).extracting(Decision::getOrderId)
                .containsExactlyInAnyOrder("o-1", "o-2");
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
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.recent(null, null, 2_000).size()
                == DecisionFeed.RECENT_DECISIONS
                && feed.recent(null, null, 2_000).stream().anyMatch(d -> d.getOrderId().startsWith("new-")));

        // then the newest come first, by decision time, and the oldest were forgotten
        List<Decision> recent = feed.recent(null, null, 2_000);
        assertThat(recent).extracting(RecentDecisions::decidedAt).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(recent.subList(0, 10)).extracting(Decision::getOrderId)
                .containsExactly("new-9", "new-8", "new-7", "new-6", "new-5", "new-4", "new-3", "new-2", "new-1",
                        "new-0");
        assertThat(recent.get(recent.size() - 1).getOrderId()).as("the oldest kept").isEqualTo("old-210");
    }

    @Test
    void shouldTellTheLivePagesOnlyWhatIsCommittedAfterItStartsAndListTheBacklog() throws Exception {
        // given decisions committed before the feed starts (an instance restarted among others that went on), and a
        // live page listening from the start
        List<ConsumerRecord<String, Object>> backlog = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            backlog.add(MockFeedConsumer.record(MockFeedConsumer.APPROVED, 0, i, "dutchess/CBYI",
                    RecentDecisionsTest.decision("old-" + i, "dutchess", "2026-01-05T15:00:00Z"), null));
        }
        MockFeedConsumer consumer = new MockFeedConsumer(1, backlog);
        feed = new DecisionFeed(() -> consumer, MockFeedConsumer.TOPICS, 5_000);
        List<DecisionHistory.Event> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        feed.subscribe(told::add);

        // when it has read the backlog, and a decision is committed after it
        assertThat(feed.backlogRead()).isFalse();
        feed.start();
        await().atMost(Duration.ofSeconds(10)).until(feed::backlogRead);
        assertThat(feed.recent(null, null, 1_000)).hasSize(300);
        consumer.append(MockFeedConsumer.APPROVED, 0, "dutchess/CBYI",
                RecentDecisionsTest.decision("new-1", "dutchess", "2026-01-05T16:00:00Z"), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.recent(null, null, 1_000).size() == 301);

        // then the page was told of the new one only (seen: hundreds of old decisions sent as live at once, and the
        // page dropped as 10,000 events behind), while the lists hold the backlog too
        assertThat(told).extracting(event -> ((Decision) event.value()).getOrderId()).containsExactly("new-1");
    }

    @Test
    void shouldTakeTheBacklogAsReadOncePastATransactionsMarkerAfterItsLastRecord() {
        // given a backlog whose last entry on the approved orders is a transaction's commit marker (offset 3, after
        // three decisions), which a Kafka consumer's position moves past, and which is no record to read
        TopicPartition marked = new TopicPartition(MockFeedConsumer.APPROVED, 0);
        List<ConsumerRecord<String, Object>> backlog = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            backlog.add(MockFeedConsumer.record(MockFeedConsumer.APPROVED, 0, i, "dutchess/CBYI",
                    RecentDecisionsTest.decision("old-" + i, "dutchess", "2026-01-05T15:00:00Z"), null));
        }
        MockFeedConsumer consumer = new MockFeedConsumer(1, backlog) {
            @Override
            public synchronized long position(TopicPartition partition) {
                long position = super.position(partition);
                return partition.equals(marked) && position == 3 ? 4 : position;
            }
        };
        consumer.updateEndOffsets(Map.of(marked, 4L));

        // when the feed reads it
        start(consumer);

        // then it is read once past the marker (the last record's offset alone would wait for another record)
        await().atMost(Duration.ofSeconds(10)).until(feed::backlogRead);
        assertThat(feed.recent(null, null, 10)).hasSize(3);
    }

    @Test
    void shouldTellAsNewsAPartitionAddedWhileItWasAway() throws Exception {
        // given a feed keeping 1 record of each partition's backlog, reading one partition of each topic, which fails
        // (the registry away) and, restarted, finds a partition added to the approved orders meanwhile, with three
        // decisions on it
        MockFeedConsumer first = new MockFeedConsumer(1, List.of());
        List<ConsumerRecord<String, Object>> onAdded = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onAdded.add(MockFeedConsumer.record(MockFeedConsumer.APPROVED, 1, i, "dutchess/CBYI",
                    RecentDecisionsTest.decision("on-added-" + i, "dutchess", "2026-01-05T15:00:00Z"), null));
        }
        MockFeedConsumer second = new MockFeedConsumer(2, onAdded);
        AtomicInteger created = new AtomicInteger();
        feed = new DecisionFeed(() -> created.getAndIncrement() == 0 ? first : second, MockFeedConsumer.TOPICS, 1);
        List<DecisionHistory.Event> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        feed.subscribe(told::add);
        feed.start();
        await().atMost(Duration.ofSeconds(10)).until(feed::backlogRead);

        // when it fails, and reads again
        first.appendUndecodable(MockFeedConsumer.APPROVED, 0,
                new SchemaRegistryException.Unavailable("connection refused", null));

        // then every decision on the added partition is read and told as live: all of it is news, not a backlog
        await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 3);
        assertThat(told).extracting(event -> ((Decision) event.value()).getOrderId())
                .containsExactly("on-added-0", "on-added-1", "on-added-2");
    }

    @Test
    void shouldKeepTheReportResultsItReadsForAPageOpenedLater() throws Exception {
        // given a feed reading
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        start(consumer);

        // when it reads two fills' results
        consumer.append("execution-results", 0, "dutchess/CBYI",
                GuardWebServerTest.report("x1", "dutchess", "CBYI", "2003-07-11T14:00:00Z"), null);
        consumer.append("execution-results", 0, "dutchess/CBYI",
                GuardWebServerTest.report("x2", "dutchess", "CBYI", "2003-07-12T14:00:00Z"), null);

        // then it lists them, newest first, beside telling the live pages
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.reports(null, null, 10).size() == 2);
        assertThat(feed.reports("dutchess", "CBYI", 10)).extracting(r -> r.getExecutionId())
                .containsExactly("x2", "x1");
    }

    @Test
    void shouldKeepAndTellTheLivePagesEveryKindOfRecordItReads() throws Exception {
        // given a feed reading, and a live page listening
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        start(consumer);
        List<DecisionHistory.Event> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        feed.subscribe(told::add);
        Decision approved = GuardWebServerTest.decision(order("o-1", 10), Outcome.APPROVED, List.of(), 100L);
        approved.setPosition(GuardWebServerTest.position("dutchess", "CBYI", Instant.parse("2003-07-11T13:45:00Z"),
                0, 10));

        // when it reads a decision, a position published later, an alert and a report's result
        consumer.append(MockFeedConsumer.APPROVED, 0, "dutchess/CBYI", approved, null);
        consumer.append("holding-positions", 0, "dutchess/CBYI", GuardWebServerTest.position("dutchess", "CBYI",
                Instant.parse("2003-07-11T14:00:00Z"), 10, 0), null);
        consumer.append(MockFeedConsumer.ALERTS, 0, "dutchess/CBYI",
                GuardWebServerTest.alert("x1", "dutchess", "CBYI", "2003-07-11T14:30:00Z", 500), null);
        consumer.append("execution-results", 0, "dutchess/CBYI",
                GuardWebServerTest.report("x2", "dutchess", "CBYI", "2003-07-11T15:00:00Z"), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 4);

        // then the live pages were told each, in order, under its holding
        assertThat(told).extracting(DecisionHistory.Event::type).containsExactly(DecisionHistory.Event.DECISION,
                DecisionHistory.Event.POSITION, DecisionHistory.Event.ALERT, DecisionHistory.Event.REPORT);
        assertThat(told).extracting(DecisionHistory.Event::holding).containsOnly("dutchess/CBYI");
        // and a page opened later finds each: the decision, the chart's two points, the alert and the result
        assertThat(feed.recent("dutchess", "CBYI", 10)).extracting(Decision::getOrderId).containsExactly("o-1");
        assertThat(feed.history("dutchess/CBYI")).extracting(DecisionHistory.HistoryPoint::soldToDate)
                .containsExactly(0L, 10L);
        assertThat(feed.alerts("dutchess", "CBYI", 10)).extracting(a -> a.getExecutionId()).containsExactly("x1");
        assertThat(feed.reports("dutchess", "CBYI", 10)).extracting(r -> r.getExecutionId()).containsExactly("x2");
    }

    @Test
    void shouldKeepABreachThatARunOfAlertsWithinTheLimitPushesOutOfTheRecentAlerts() {
        // given a feed that read a breach, then more alerts within the limit than it keeps (a desk's small late fills)
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        start(consumer);
        consumer.append(MockFeedConsumer.ALERTS, 0, "dutchess/CBYI",
                GuardWebServerTest.alert("breach", "dutchess", "CBYI", "2003-07-11T14:30:00Z", 90_000), null);
        Instant later = Instant.parse("2003-07-12T00:00:00Z");
        for (int i = 0; i < DecisionFeed.RECENT_ALERTS; i++) {
            consumer.append(MockFeedConsumer.ALERTS, 0, "load/L",
                    GuardWebServerTest.alert("x" + i, "load", "L", later.plusSeconds(i).toString(), 1), null);
        }

        // when every one is read
        await().atMost(Duration.ofSeconds(10))
                .until(() -> feed.alerts(null, null, 1).get(0).getExecutionId().equals("x999"));

        // then the recent alerts have forgotten the breach, and the breaches still hold it
        assertThat(feed.alerts(null, null, DecisionFeed.RECENT_ALERTS)).hasSize(DecisionFeed.RECENT_ALERTS)
                .noneMatch(alert -> alert.getExecutionId().equals("breach"));
        assertThat(feed.breaches(null, null, 10)).extracting(alert -> alert.getExecutionId()).containsExactly("breach");
        assertThat(feed.breaches("load", null, 10)).isEmpty();
    }

    @Test
    void shouldLetNoCallerWaitForADecisionOnceTheFeedIsClosed() {
        // given a caller waiting for its order's decision
        start(new MockFeedConsumer(1, List.of()));
        CompletableFuture<Decision> waiting = feed.await("c-1");

        // when the feed closes (the guard stops)
        feed.close();

        // then the caller is let go at once, not after its own timeout
        assertThat(waiting).isCancelled();
    }

    @Test
    void shouldSkipARecordItCannotDecodeAndGoOn() throws Exception {
        // given: a feed reading, and an alert it cannot decode (a schema id the registry does not know)
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        try (CapturedLogs logs = CapturedLogs.of(DecisionFeed.class)) {
            start(consumer);
            CompletableFuture<Decision> waiting = feed.await("c-1");
            consumer.appendUndecodable(MockFeedConsumer.ALERTS, 0,
                    new SchemaRegistryException.SchemaNotFound("no schema with id 99"));

            // when a decision comes after it
            consumer.append(MockFeedConsumer.APPROVED, 0, "dutchess/CBYI",
                    GuardWebServerTest.decision(order("o-1", 10), Outcome.APPROVED, List.of(), 100L),
                    OrderCorrelation.headers("c-1"));

            // then it was read past the bad record, and the feed never went down
            assertThat(waiting.get(10, TimeUnit.SECONDS).getOrderId()).isEqualTo("o-1");
            assertThat(consumer.position(new TopicPartition(MockFeedConsumer.ALERTS, 0))).isEqualTo(1);
            assertThat(feed.outage()).isEmpty();
            assertThat(feed.skippedRecords()).as("counted for the metrics").isEqualTo(1);
            assertThat(feed.restarts()).isZero();
            // and the skip was logged once, on one line with its cause, without a stack trace: bad data, not a bug
            assertThat(logs.events()).filteredOn(event -> event.getLevel() == Level.ERROR).singleElement()
                    .satisfies(event -> {
                        assertThat(event.getFormattedMessage()).isEqualTo("the decision feed skips the record at "
                                + MockFeedConsumer.ALERTS + "-0@0: it cannot be decoded: " + SchemaRegistryException
                                .SchemaNotFound.class.getName() + ": no schema with id 99");
                        assertThat(event.getThrowableProxy()).isNull();
                    });
        }
    }

    @Test
    void shouldSkipARecordItCannotHandleAndGoOn() throws Exception {
        // given: a feed reading, and a position it decodes but cannot file: it has no holding key
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        start(consumer);
        CompletableFuture<Decision> waiting = feed.await("c-1");
        consumer.append("holding-positions", 0, null, GuardWebServerTest.position("dutchess", "CBYI",
                Instant.parse("2003-07-11T13:45:00Z"), 10, 0), null);

        // when a decision comes after it
        consumer.append(MockFeedConsumer.APPROVED, 0, "dutchess/CBYI",
                GuardWebServerTest.decision(order("o-1", 10), Outcome.APPROVED, List.of(), 100L),
                OrderCorrelation.headers("c-1"));

        // then the feed went past the record, instead of restarting on it for good
        assertThat(waiting.get(10, TimeUnit.SECONDS).getOrderId()).isEqualTo("o-1");
        assertThat(feed.outage()).isEmpty();
        assertThat(feed.skippedRecords()).as("counted for the metrics").isEqualTo(1);
    }

    @Test
    void shouldSayItHasStoppedForGoodWhenAnErrorEndsItsThread() {
        // given: a feed reading
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        start(consumer);
        try (CapturedLogs logs = CapturedLogs.of(DecisionFeed.class)) {
            // when an Error, which no restart can be trusted after, ends a poll: a class that cannot be loaded, say
            consumer.schedulePollTask(() -> {
                throw new NoClassDefFoundError("com/example/Gone");
            });

            // then it says it stopped for good and what to do, where before its thread ended without a word
            await().atMost(Duration.ofSeconds(10)).until(feed::stoppedForGood);
            assertThat(feed.outageReason()).hasValueSatisfying(reason -> {
                assertThat(reason.summary()).isEqualTo("the decision feed stopped (NoClassDefFoundError): restart "
                        + "the guard");
                assertThat(reason.detail()).contains("com/example/Gone");
            });
            assertThat(feed.restarts()).as("not restarted as an exception would be").isZero();
            assertThat(logs.messagesAt(Level.ERROR)).containsExactly("the decision feed stopped for good: restart "
                    + "the guard");
        }
    }

    @Test
    void shouldReadAPartitionAddedToItsTopicsWhileItRuns() throws Exception {
        // given: a feed reading one partition of each topic, looking for added ones every 50 ms
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        feed = new DecisionFeed(() -> consumer, MockFeedConsumer.TOPICS, 5_000, Duration.ofMillis(50));
        feed.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.assignment().size() == 5);

        // when a partition is added to the approved orders, and a caller's decision is written to it
        int added = consumer.addPartition(MockFeedConsumer.APPROVED);
        TopicPartition partition = new TopicPartition(MockFeedConsumer.APPROVED, added);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.assignment().contains(partition));
        CompletableFuture<Decision> waiting = feed.await("c-1");
        consumer.append(MockFeedConsumer.APPROVED, added, "dutchess/CBYI",
                GuardWebServerTest.decision(order("o-1", 10), Outcome.APPROVED, List.of(), 100L),
                OrderCorrelation.headers("c-1"));

        // then the caller gets it, and the feed still reads the partitions it had, from where it was
        assertThat(waiting.get(10, TimeUnit.SECONDS).getOrderId()).isEqualTo("o-1");
        assertThat(consumer.assignment()).hasSize(6);
        CompletableFuture<Decision> next = feed.await("c-2");
        consumer.append(MockFeedConsumer.APPROVED, 0, "dutchess/CBYI",
                GuardWebServerTest.decision(order("o-2", 10), Outcome.APPROVED, List.of(), 100L),
                OrderCorrelation.headers("c-2"));
        assertThat(next.get(10, TimeUnit.SECONDS).getOrderId()).isEqualTo("o-2");
        // (the caller is handed its decision before the feed files it among the recent ones; of one time, the two
        // are listed by their places, the added partition's first, as every instance lists them)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(feed.recent("dutchess", "CBYI", 10))
                .extracting(Decision::getOrderId).containsExactly("o-1", "o-2"));
        assertThat(feed.restarts()).isZero();
    }

    @Test
    void shouldHandADecisionToItsCallerEvenWhenItsPositionCannotBeFiled() throws Exception {
        // given: a feed reading, and a caller waiting
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        start(consumer);
        CompletableFuture<Decision> waiting = feed.await("c-1");
        // when its decision comes with a position the feed cannot file (no holding key)
        Decision decision = GuardWebServerTest.decision(order("o-1", 10), Outcome.APPROVED, List.of(), 100L);
        decision.setPosition(GuardWebServerTest.position("dutchess", "CBYI", Instant.parse("2003-07-11T13:45:00Z"),
                10, 0));
        consumer.append(MockFeedConsumer.APPROVED, 0, null, decision, OrderCorrelation.headers("c-1"));
        // then the caller gets it all the same
        assertThat(waiting.get(10, TimeUnit.SECONDS).getOrderId()).isEqualTo("o-1");
    }

    @Test
    @Timeout(10) // the walk must end: without the bound it never returns
    void shouldNameTheRootCauseOfAFailureWhoseCausesGoRound() {
        RuntimeException outer = new RuntimeException("outer");
        RuntimeException inner = new RuntimeException("inner", outer);
        outer.initCause(inner);
        assertThat(DecisionFeed.rootCause(outer)).isEqualTo("; java.lang.RuntimeException: inner");
    }

    @Test
    void shouldNotSkipARecordTheRegistryRefusesToDescribeButSayItIsDown() throws Exception {
        // given: a feed reading, then a decision whose schema the registry refuses to give the guard (401)
        MockFeedConsumer consumer = new MockFeedConsumer(1, List.of());
        start(consumer);
        consumer.appendUndecodable(MockFeedConsumer.APPROVED, 0,
                new SchemaRegistryException.NotAuthorized("refused the credentials (401)", 401));

        // then it is not skipped, as a record with a bad schema id would be: the feed is down, and says why
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.outage().isPresent());
        assertThat(feed.outage()).get().asString().contains("401");
        // and tells a caller without the read role the kind, not a bad record's
        assertThat(feed.outageReason()).get().extracting(ReadinessReason::summary).asString()
                .startsWith("the decision feed failed (the schema registry refused the guard's credentials) at ");
    }

    @Test
    void shouldTellTheKindOfAFailureByItsCauseNamingNothingOfTheCluster() {
        // given failures whose messages name a host, a principal and a topic
        String named = "kafka-3.internal:9093 User:guard orders-approved";
        Exception undecodable = new RecordDeserializationException(DeserializationExceptionOrigin.VALUE,
                new TopicPartition("orders-approved", 0), 4, 0L, TimestampType.CREATE_TIME, null, null,
                new RecordHeaders(), named, new SchemaRegistryException.Unavailable(named, null));

        // when / then each is told by what it comes down to, or by its class
        assertThat(DecisionFeed.kind(undecodable)).isEqualTo("the schema registry cannot be reached");
        assertThat(DecisionFeed.kind(new TopicAuthorizationException(named)))
                .isEqualTo("Kafka denies the guard a permission it needs");
        assertThat(DecisionFeed.kind(new SaslAuthenticationException(named)))
                .isEqualTo("Kafka refused the guard's credentials");
        assertThat(DecisionFeed.kind(new TimeoutException(named))).isEqualTo("TimeoutException");
        // an anonymous class, whose simple name is empty, by its name
        RuntimeException anonymous = new RuntimeException(named) {
        };
        assertThat(DecisionFeed.kind(anonymous)).isEqualTo(anonymous.getClass().getName()).isNotEmpty();
    }

    @Test
    void shouldRestartAfterARegistryOutageWhereItStoppedAndSayItIsDownMeanwhile() throws Exception {
        // given: a feed that read one decision, then meets a record it cannot decode for want of the registry
        Decision read = GuardWebServerTest.decision(order("o-0", 5), Outcome.APPROVED, List.of(), 100L);
        MockFeedConsumer first = new MockFeedConsumer(1, List.of(
                MockFeedConsumer.record(MockFeedConsumer.APPROVED, 0, 0, "dutchess/CBYI", read, null)));
        CountDownLatch registryBack = new CountDownLatch(1);
        Decision next = GuardWebServerTest.decision(order("o-1", 10), Outcome.APPROVED, List.of(), 100L);
        List<ConsumerRecord<String, Object>> afterRestart = List.of(
                MockFeedConsumer.record(MockFeedConsumer.APPROVED, 0, 0, "dutchess/CBYI", read, null),
                MockFeedConsumer.record(MockFeedConsumer.APPROVED, 0, 1, "dutchess/CBYI", next,
                        OrderCorrelation.headers("c-1")));
        AtomicInteger created = new AtomicInteger();
        feed = new DecisionFeed(() -> {
            if (created.getAndIncrement() == 0) {
                return first;
            }
            try {
                registryBack.await(); // the restart waits here, the feed down, until the test lets it go on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new MockFeedConsumer(1, afterRestart);
        }, MockFeedConsumer.TOPICS, 5_000);
        feed.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.recent(null, null, 10).size() == 1);
        CompletableFuture<Decision> waiting = feed.await("c-1");

        // when the registry cannot be reached while it decodes
        first.appendUndecodable(MockFeedConsumer.APPROVED, 0,
                new SchemaRegistryException.Unavailable("connection refused", null));

        // then it says it is down, and why
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.outage().isPresent());
        assertThat(feed.outage().get()).contains("decision feed failed").contains("ms after a failure");
        // (when it failed, not "restarts in 200 ms", which a restart waiting for the brokers left shown for a minute)
        assertThat(feed.outageReason()).get().extracting(ReadinessReason::summary).asString()
                .matches("the decision feed failed \\(the schema registry cannot be reached\\) at "
                        + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ; it restarts \\d+ ms after a failure")
                .doesNotContain("connection refused");

        // and when it can read again, it resumes where it stopped: the next decision is handed over, none twice
        registryBack.countDown();
        assertThat(waiting.get(10, TimeUnit.SECONDS).getOrderId()).isEqualTo("o-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.outage().isEmpty());
        assertThat(feed.recent(null, null, 10)).extracting(Decision::getOrderId)
                .containsExactlyInAnyOrder("o-0", "o-1");
        assertThat(feed.restarts()).as("counted for the metrics").isEqualTo(1);
        assertThat(feed.skippedRecords()).as("the record was read again, not skipped").isZero();
    }

    @Test
    void shouldRestartAFreshOutageAfterTheFirstDelayOnceItHasReadAgain() throws Exception {
        // given a feed whose first two consumers fail (its backoff grown), and whose third reads a decision
        Decision read = GuardWebServerTest.decision(order("o-0", 5), Outcome.APPROVED, List.of(), 100L);
        MockFeedConsumer third = new MockFeedConsumer(1, List.of(
                MockFeedConsumer.record(MockFeedConsumer.APPROVED, 0, 0, "dutchess/CBYI", read, null)));
        CountDownLatch released = new CountDownLatch(1);
        AtomicInteger created = new AtomicInteger();
        feed = new DecisionFeed(() -> {
            int n = created.getAndIncrement();
            if (n < 2) {
                throw new IllegalStateException("broker gone");
            }
            if (n == 2) {
                return third;
            }
            try {
                released.await(); // the next restart waits here, the feed down, until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new MockFeedConsumer(1, List.of());
        }, MockFeedConsumer.TOPICS, 5_000);
        feed.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.recent(null, null, 10).size() == 1);

        // when, having read again, it meets a new outage
        third.appendUndecodable(MockFeedConsumer.APPROVED, 0,
                new SchemaRegistryException.Unavailable("connection refused", null));

        // then it restarts after the first delay again, not after the grown one of the outage before
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.outage().isPresent());
            assertThat(feed.outage().get())
                    .contains("restarts " + DecisionFeed.FIRST_RESTART_DELAY.toMillis() + " ms after a failure");
        } finally {
            released.countDown();
        }
    }

    @Test
    void shouldSayItIsDownUntilItHasReadAgainNotOnceItHasConnected() throws Exception {
        // given a feed whose first consumer fails, and whose second is assigned its partitions but has not yet
        // answered a poll (a registry slow to answer, say)
        CountDownLatch polling = new CountDownLatch(1);
        CountDownLatch pollAnswers = new CountDownLatch(1);
        MockFeedConsumer slow = new MockFeedConsumer(1, List.of()) {
            @Override
            public ConsumerRecords<String, Object> poll(Duration timeout) {
                polling.countDown();
                try {
                    pollAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.poll(timeout);
            }
        };
        AtomicInteger created = new AtomicInteger();
        feed = new DecisionFeed(() -> {
            if (created.getAndIncrement() == 0) {
                throw new IllegalStateException("broker gone");
            }
            return slow;
        }, MockFeedConsumer.TOPICS, 5_000);
        feed.start();
        try {
            // when the second waits on its first poll
            assertThat(polling.await(10, TimeUnit.SECONDS)).isTrue();

            // then the feed is still down: orders are refused (503) and its metric reads 0, not 1 between failures
            assertThat(feed.outage()).isPresent();
        } finally {
            pollAnswers.countDown();
        }
        // and once the poll has answered, it reads
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.outage().isEmpty());
    }

    /** A consumer that counts its fetches answered, as Kafka's does: none until the test has its brokers answer. */
    private static class FetchCountingConsumer extends MockFeedConsumer {

        private final AtomicBoolean answering;
        private double answered;

        FetchCountingConsumer(AtomicBoolean answering) {
            super(1, List.of());
            this.answering = answering;
        }

        @Override
        public ConsumerRecords<String, Object> poll(Duration timeout) {
            if (answering.get()) {
                answered++;
            }
            return super.poll(timeout);
        }

        @Override
        public synchronized Map<MetricName, ? extends Metric> metrics() {
            MetricName name = new MetricName("fetch-total", "consumer-fetch-manager-metrics", "", Map.of());
            return Map.of(name, new Metric() {
                @Override
                public MetricName metricName() {
                    return name;
                }

                @Override
                public Object metricValue() {
                    return answered;
                }
            });
        }
    }

    @Test
    void shouldFailWhenNoFetchIsAnsweredForItsSilence() {
        // given a feed whose brokers hang: its polls come back empty, and no fetch is answered
        AtomicBoolean answering = new AtomicBoolean(false);
        feed = new DecisionFeed(() -> new FetchCountingConsumer(answering), MockFeedConsumer.TOPICS, 5_000,
                DecisionFeed.PARTITION_CHECK, Duration.ofSeconds(1));

        // when it has polled for longer than its silence
        feed.start();

        // then it says it is down, and why, in words that name no topic or host
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.outage().isPresent());
        assertThat(feed.outageReason()).get().extracting(ReadinessReason::summary).asString()
                .startsWith("the decision feed failed (no fetch answered for 1 s: the brokers hang, or cannot be "
                        + "reached) at ");
        assertThat(feed.restarts()).isPositive();
    }

    @Test
    void shouldStayDownAcrossItsRestartsUntilAFetchIsAnswered() throws Exception {
        // given a feed that failed because its brokers answer no fetch
        AtomicBoolean answering = new AtomicBoolean(false);
        feed = new DecisionFeed(() -> new FetchCountingConsumer(answering), MockFeedConsumer.TOPICS, 5_000,
                DecisionFeed.PARTITION_CHECK, Duration.ofMillis(300));
        feed.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.outage().isPresent());

        // when it restarts its consumer, and polls again, while they still answer none (watched until it has
        // restarted: its restarts back off, and a fixed window could fall between two)
        long restartsBefore = feed.restarts();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean upMeanwhile = false;
        while (feed.restarts() <= restartsBefore && System.nanoTime() < until) {
            upMeanwhile |= feed.outage().isEmpty();
            Thread.sleep(5);
        }
        upMeanwhile |= feed.outage().isEmpty();

        // then it was down throughout (not up at each empty poll, flapping between restarts)
        assertThat(feed.restarts()).as("restarted meanwhile").isGreaterThan(restartsBefore);
        assertThat(upMeanwhile).as("up at some moment meanwhile").isFalse();
        // and once a fetch is answered, it reads
        answering.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.outage().isEmpty());
    }

    @Test
    void shouldSayItIsDownBeforeItClosesTheConsumerThatFailedAndCloseItBriefly() throws Exception {
        // given a feed whose brokers answer no fetch, and whose consumer's close waits on them (a close of Kafka's
        // waits for the fetch sessions it closes, up to 30 s)
        CountDownLatch closing = new CountDownLatch(1);
        List<Duration> closeTimeouts = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean answering = new AtomicBoolean(false);
        AtomicInteger created = new AtomicInteger();
        feed = new DecisionFeed(() -> created.getAndIncrement() > 0 ? new FetchCountingConsumer(answering)
                : new FetchCountingConsumer(answering) {
                    // (MockConsumer's close() closes so too, with Kafka's default of 30 s)
                    @Override
                    public void close(CloseOptions options) {
                        Duration timeout = options.timeout().orElse(Duration.ofSeconds(30));
                        closeTimeouts.add(timeout);
                        closing.countDown();
                        try {
                            Thread.sleep(Math.min(timeout.toMillis(), 3_000)); // waits on the brokers
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        super.close(options);
                    }
                }, MockFeedConsumer.TOPICS, 5_000, DecisionFeed.PARTITION_CHECK, Duration.ofMillis(300));

        // when it fails for the silence
        feed.start();
        assertThat(closing.await(10, TimeUnit.SECONDS)).isTrue();

        // then it is said down while its consumer closes, not after, and the close is brief
        assertThat(feed.outage()).as("said down while the failed consumer closes").isPresent();
        assertThat(closeTimeouts).containsExactly(DecisionFeed.FAILED_CLOSE);
    }

    @Test
    void shouldLookForAddedPartitionsNoLongerThanItsFetchesMayStaySilent() {
        // given a feed whose brokers answer no fetch, looking for added partitions often
        List<Duration> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean answering = new AtomicBoolean(false);
        feed = new DecisionFeed(() -> new FetchCountingConsumer(answering) {
            @Override
            public synchronized List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
                asked.add(timeout);
                return super.partitionsFor(topic, timeout);
            }
        }, MockFeedConsumer.TOPICS, 5_000, Duration.ofMillis(50), Duration.ofSeconds(2));

        // when it reads, and looks for them
        feed.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() > 2 * MockFeedConsumer.TOPICS.size());

        // then each look waits no longer than its fetches may still stay silent (brokers gone have no metadata to
        // give, and a look waiting 30 s held off the silence's check), after the first assignment's
        List<Duration> seen = List.copyOf(asked); // the feed goes on looking: a view of the list would fail so
        assertThat(seen.subList(MockFeedConsumer.TOPICS.size(), seen.size()))
                .allSatisfy(timeout -> assertThat(timeout).isLessThanOrEqualTo(Duration.ofSeconds(2)));
    }
}
