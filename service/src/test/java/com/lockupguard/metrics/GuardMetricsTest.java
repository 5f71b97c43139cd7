package com.lockupguard.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.AlertType;
import com.lockupguard.rules.Decision;
import com.lockupguard.rules.ExecutionKind;
import com.lockupguard.rules.ExecutionRequest;
import com.lockupguard.rules.ExecutionResult;
import com.lockupguard.rules.ExecutionRuling;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.Outcome;
import com.lockupguard.rules.PriorExecution;
import com.lockupguard.rules.Reason;
import com.lockupguard.topology.DeadLetterReason;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decision, execution report and compliance alert counters, as Prometheus scrapes them. */
class GuardMetricsTest {

    private static final HoldingKey HOLDING = new HoldingKey("dutchess", "CBYI");
    /** The letter registered on 2003-07-10 16:30 New York: its first window, 200,000 shares, opens then. */
    private static final HoldingState REGISTERED_LETTER = HoldingState.fresh(AgreementTerms.letter(HOLDING,
            LocalDate.parse("2003-04-28"), Instant.parse("2003-07-10T20:30:00Z")));
    private static final Instant IN_FIRST_WINDOW = Instant.parse("2003-07-11T14:00:00Z");

    private final LockupRules rules = new LockupRules();
    private final GuardMetrics metrics = new GuardMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private static ExecutionRequest fill(String executionId, String orderId, long quantity) {
        return new ExecutionRequest(executionId, orderId, "dutchess", "CBYI", ExecutionKind.FILL, quantity);
    }

    private void report(ExecutionRequest report, HoldingState state, PriorExecution prior) {
        ExecutionRuling ruling = rules.applyExecution(report, IN_FIRST_WINDOW, state, prior, null, null);
        metrics.reported(report, ruling, IN_FIRST_WINDOW.toEpochMilli());
    }

    @Test
    void shouldExposeTheTimeZoneRulesReleaseDatesAreCountedWithSoThatInstancesThatDifferCanBeFound() {
        // given the metrics of guard lockup-guard, committing at least once
        metrics.bindInfo("lockup-guard", "at_least_once");

        // when scraped
        String scrape = metrics.scrape();

        // then they say which tz database this JVM counts release dates with, which Java and guard it is, and that it
        // does not commit exactly once
        String zoneRules = java.time.zone.ZoneRulesProvider.getVersions("UTC").lastKey();
        assertThat(zoneRules).matches("[0-9]{4}[a-z]");
        String info = "lockup_guard_info{application=\"lockup-guard\",java=\"" + Runtime.version()
                + "\",processing_guarantee=\"at_least_once\",version=\"development\",zone_rules=\"" + zoneRules
                + "\"} 1";
        assertThat(scrape).containsPattern(java.util.regex.Pattern.quote(info) + "(\\.0)?\n");
    }

    @Test
    void shouldExposeTheProblemsTheLastCheckOfTheTopicsFound() {
        // given a gauge over the service's count of topic problems
        java.util.concurrent.atomic.AtomicInteger problems = new java.util.concurrent.atomic.AtomicInteger();
        metrics.bindTopicProblems(problems::get);
        assertThat(metrics.scrape()).contains("lockup_guard_topic_problems 0.0");

        // when a check finds two
        problems.set(2);

        // then a scrape says so: something to alert on
        assertThat(metrics.scrape()).contains("lockup_guard_topic_problems 2.0");
    }

    @Test
    void shouldExposeWhatWaitsOnEachInputPartitionAndNaNWhileItIsNotKnown() {
        // given gauges over two input partitions, the first known to have 3 offsets waiting for 42.5 s
        TopicPartition agreements = new TopicPartition("agreements", 0);
        TopicPartition orders = new TopicPartition("orders", 0);
        Map<TopicPartition, double[]> known = Map.of(orders, new double[] {3, 42.5});

        // when they are bound and scraped
        metrics.bindWaitingInputs(List.of(agreements, orders),
                partition -> known.containsKey(partition) ? known.get(partition)[0] : Double.NaN,
                partition -> known.containsKey(partition) ? known.get(partition)[1] : Double.NaN);
        String scrape = metrics.scrape();

        // then each partition has its series, by topic and partition
        assertThat(scrape).contains("lockup_guard_input_lag{partition=\"0\",topic=\"orders\"} 3.0",
                "lockup_guard_input_wait_seconds{partition=\"0\",topic=\"orders\"} 42.5",
                "lockup_guard_input_lag{partition=\"0\",topic=\"agreements\"} NaN",
                "lockup_guard_input_wait_seconds{partition=\"0\",topic=\"agreements\"} NaN");
    }

    @Test
    void shouldExposeTheSharedRocksDbMemoryInBytesAsItIsNow() {
        // given the memory the stores share, 256 MiB, of which 3 MiB in use, 1 MiB pinned
        AtomicLong used = new AtomicLong(3 << 20);

        // when it is bound, and more comes into use
        metrics.bindRocksDBMemory(256L << 20, used::get, () -> 1 << 20);
        used.set(5 << 20);

        // then a scrape shows the bound and what is in use now, in bytes
        assertThat(metrics.scrape()).contains("lockup_guard_rocksdb_memory_limit_bytes 2.68435456E8",
                "lockup_guard_rocksdb_memory_used_bytes 5242880.0",
                "lockup_guard_rocksdb_memory_pinned_bytes 1048576.0");
    }

    @Test
    void shouldScrapeTheRocksDbStoresMetricsThatThePositionsOutboxSharesANameWith() {
        // given a store metric of the positions outbox, as Kafka Streams tags it, registered first (as at a start)
        Gauge.builder("kafka.stream.state.put.rate", () -> 1.0).tags("outbox.state.id", "positions-outbox",
                "task.id", "0_0").register(metrics.registry());
        // when a RocksDB store's metric of the same name comes
        Gauge.builder("kafka.stream.state.put.rate", () -> 2.0).tags("rocksdb.state.id", "holding-state",
                "task.id", "0_0").register(metrics.registry());
        // then the store's is scraped, and the outbox's, which would have kept it out, is not
        assertThat(metrics.scrape()).contains("kafka_stream_state_put_rate{rocksdb_state_id=\"holding-state\","
                + "task_id=\"0_0\"} 2.0").doesNotContain("positions-outbox");
    }

    @Test
    void shouldScrapeTheRocksDbStoresMetricsThatTheIdSweepsInMemoryStoreSharesANameWith() {
        // given a store metric of the id sweep's in-memory store, as Kafka Streams tags it, registered first
        Gauge.builder("kafka.stream.state.range.rate", () -> 1.0).tags("in.memory.state.id", "id-sweep",
                "task.id", "0_3").register(metrics.registry());
        // when a RocksDB store's metric of the same name comes
        Gauge.builder("kafka.stream.state.range.rate", () -> 2.0).tags("rocksdb.state.id", "holding-state",
                "task.id", "0_3").register(metrics.registry());
        // then the store's is scraped (seen on a broker: "registration has failed: Prometheus requires that all
        // meters with the same name have the same set of tag keys", at each start, one or the other kept out)
        assertThat(metrics.scrape()).contains("kafka_stream_state_range_rate{rocksdb_state_id=\"holding-state\","
                + "task_id=\"0_3\"} 2.0").doesNotContain("id-sweep");
    }

    @Test
    void shouldExposeEveryReportResultAndAlertSeriesAtZeroFromTheStart() {
        // given / when: a guard that has seen no report
        String scrape = metrics.scrape();

        // then: each result, and each alert type with and without a breach, is a series at 0
        for (ExecutionResult result : ExecutionResult.values()) {
            assertThat(scrape).contains("lockup_guard_execution_reports_total{result=\"" + result + "\"} 0.0");
        }
        for (AlertType type : AlertType.values()) {
            assertThat(scrape)
                    .contains("lockup_guard_compliance_alerts_total{breaches_agreement=\"false\",type=\"" + type
                            + "\"} 0.0")
                    .contains("lockup_guard_compliance_alerts_total{breaches_agreement=\"true\",type=\"" + type
                            + "\"} 0.0");
        }
    }

    @Test
    void shouldExposeEveryDeadLetterReasonFromTheStartAndCountEach() {
        // given a guard that has dead-lettered nothing: every reason is a series at 0
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertThat(metrics.scrape()).contains("lockup_guard_dead_letters_total{reason=\"" + reason + "\"} 0.0");
        }

        // when a poison pill is dead-lettered
        metrics.deadLettered(DeadLetterReason.UNDECODABLE);

        // then
        assertThat(metrics.scrape()).contains("lockup_guard_dead_letters_total{reason=\"UNDECODABLE\"} 1.0");
    }

    @Test
    void shouldCountReportsByResultAndAlertsByTypeAndBreach() {
        // given / when: two unapproved fills, one within what the letter allows now (200,000) and one beyond,
        // a transport retry, an invalid report and one for a holding without agreement
        report(fill("x1", "never-asked", 1_000), REGISTERED_LETTER, null);
        report(fill("x2", "never-asked-either", 250_000), REGISTERED_LETTER, null);
        report(fill("x1", "never-asked", 1_000), REGISTERED_LETTER,
                new PriorExecution(ExecutionKind.FILL, "never-asked", 1_000L));
        report(fill("x3", "o", 0), REGISTERED_LETTER, null);
        report(fill("x4", "o", 5), null, null);

        // then
        assertThat(metrics.scrape())
                .contains("lockup_guard_execution_reports_total{result=\"APPLIED\"} 2.0")
                .contains("lockup_guard_execution_reports_total{result=\"DUPLICATE\"} 1.0")
                .contains("lockup_guard_execution_reports_total{result=\"INVALID\"} 1.0")
                .contains("lockup_guard_execution_reports_total{result=\"UNKNOWN_AGREEMENT\"} 1.0")
                .contains("lockup_guard_execution_reports_total{result=\"DUPLICATE_EXECUTION_ID\"} 0.0")
                .contains("lockup_guard_compliance_alerts_total{breaches_agreement=\"false\",type=\"UNAPPROVED_SALE\"} 1.0")
                .contains("lockup_guard_compliance_alerts_total{breaches_agreement=\"true\",type=\"UNAPPROVED_SALE\"} 1.0")
                .contains("lockup_guard_compliance_alerts_total{breaches_agreement=\"false\",type=\"OVERFILL\"} 0.0");
    }

    @Test
    void shouldCountARetrysRepeatedDecisionApartFromDecisionsAndOutOfTheLatency() {
        // given an order approved, and one blocked, each decided just now
        long now = System.currentTimeMillis();
        Decision approved = decision("o1", Outcome.APPROVED, List.of());
        Decision blocked = decision("o2", Outcome.BLOCKED, List.of(Reason.PERIOD_CAP));
        metrics.decided(approved, now, false);
        metrics.decided(blocked, now, false);

        // when each is retried twice, and answered with its first decision again
        for (int retry = 0; retry < 2; retry++) {
            metrics.decided(approved, now, true);
            metrics.decided(blocked, now, true);
        }

        // then each was decided once; the repeats are counted on their own and took no decision time
        assertThat(metrics.scrape())
                .contains("lockup_guard_decisions_total{outcome=\"APPROVED\",reason=\"NONE\"} 1.0")
                .contains("lockup_guard_decisions_total{outcome=\"BLOCKED\",reason=\"PERIOD_CAP\"} 1.0")
                .contains("lockup_guard_decisions_repeated_total{outcome=\"APPROVED\",reason=\"NONE\"} 2.0")
                .contains("lockup_guard_decisions_repeated_total{outcome=\"BLOCKED\",reason=\"PERIOD_CAP\"} 2.0")
                .contains("lockup_guard_decisions_repeated_total{outcome=\"BLOCKED\",reason=\"TOTAL_CAP\"} 0.0")
                .contains("lockup_guard_decision_latency_seconds_count 2")
                .contains("lockup_guard_decision_latency_skipped_total 0.0");
    }

    @Test
    void shouldCountABlockedOrderUnderItsFirstReasonOnly() {
        // given an order blocked for two reasons, the first the primary one
        Decision blocked = decision("o3", Outcome.BLOCKED, List.of(Reason.FIRST_RELEASE_CAP, Reason.TOTAL_CAP));
        // when it is decided
        metrics.decided(blocked, System.currentTimeMillis(), false);
        // then it is counted once, under its primary reason
        assertThat(metrics.scrape())
                .contains("lockup_guard_decisions_total{outcome=\"BLOCKED\",reason=\"FIRST_RELEASE_CAP\"} 1.0")
                .contains("lockup_guard_decisions_total{outcome=\"BLOCKED\",reason=\"TOTAL_CAP\"} 0.0");
    }

    @Test
    void shouldPutALiveOrderDecidedMinutesLateInAFiniteLatencyBucket() {
        // given an order decided five minutes after it was sent (a backlog after a restore, say)
        long fiveMinutesAgo = System.currentTimeMillis() - 300_000;
        // when it is decided
        metrics.decided(decision("o5", Outcome.APPROVED, List.of()), fiveMinutesAgo, false);
        // then the first bucket to hold it is one of minutes, below the top: a quantile over them reads minutes
        double firstHolding = metrics.scrape().lines()
                .filter(line -> line.startsWith("lockup_guard_decision_latency_seconds_bucket{le=\"")
                        && line.endsWith("} 1"))
                .map(line -> line.substring(line.indexOf('"') + 1, line.lastIndexOf('"')))
                .findFirst().map(Double::parseDouble).orElseThrow();
        assertThat(firstHolding).isBetween(300.0, 600.0);
    }

    @Test
    void shouldExposeWhetherTheDecisionFeedReadsAndWhatItSkippedAndHowOftenItRestarted() {
        // given a feed that restarted twice, skipped three records, and is down now
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(false);
        metrics.bindDecisionFeed(reading::get, () -> 3, () -> 2);
        // when scraped, then so it reads
        assertThat(metrics.scrape()).contains("lockup_guard_decision_feed_up 0.0")
                .contains("lockup_guard_decision_feed_skipped_total 3.0")
                .contains("lockup_guard_decision_feed_restarts_total 2.0");
        // and once it reads again, it is up
        reading.set(true);
        assertThat(metrics.scrape()).contains("lockup_guard_decision_feed_up 1.0");
    }

    @Test
    void shouldExposeWhetherTheInstanceIsReady() {
        // given an instance that is not ready (a rebalance, a restore)
        java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean(false);
        metrics.bindReadiness(ready::get);
        // when scraped, then so it reads, and it follows the instance
        assertThat(metrics.scrape()).contains("lockup_guard_ready 0.0");
        ready.set(true);
        assertThat(metrics.scrape()).contains("lockup_guard_ready 1.0");
    }

    @Test
    void shouldCountTheStreamThreadsThatFailedAndWereReplaced() {
        // given a guard that replaced two failed stream threads
        java.util.concurrent.atomic.AtomicInteger replaced = new java.util.concurrent.atomic.AtomicInteger(2);
        metrics.bindReplacedThreads(replaced::get);
        // when scraped, then so it reads, and it follows the guard's count
        assertThat(metrics.scrape()).contains("lockup_guard_stream_threads_replaced_total 2.0");
        replaced.incrementAndGet();
        assertThat(metrics.scrape()).contains("lockup_guard_stream_threads_replaced_total 3.0");
    }

    @Test
    void shouldCountTheTasksRebuiltFromTheirChangelogs() {
        // given a guard that rebuilt one task emptied by a broker outage
        java.util.concurrent.atomic.AtomicLong rebuilt = new java.util.concurrent.atomic.AtomicLong(1);
        metrics.bindRebuiltTasks(rebuilt::get);
        // when scraped, then so it reads, and it follows the guard's count
        assertThat(metrics.scrape()).contains("lockup_guard_tasks_rebuilt_total 1.0");
        rebuilt.addAndGet(2);
        assertThat(metrics.scrape()).contains("lockup_guard_tasks_rebuilt_total 3.0");
    }

    @Test
    void shouldExposeKafkaStreamsMetricsAndStopLookingAtThemWhenClosed() {
        // given a Kafka Streams client (made, not started: it has its metrics from then on)
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("orders").to("out");
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "guard-metrics-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), properties)) {
            GuardMetrics bound = new GuardMetrics();
            // when its metrics are bound, and the guard's metrics closed
            bound.bind(streams);
            String scrape = bound.scrape();
            bound.close();

            // then they were scraped, and nothing goes on looking at them for meters to add
            assertThat(scrape).containsPattern("(?m)^kafka_stream_alive_stream_threads[{ ]");
            await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.isAlive() && thread.getName().equals("lockup-guard-kafka-metrics")));
        }
    }

    @Test
    void shouldExposeTheJvmsAndTheProcesssOwnMetrics() {
        // given / when a fresh guard's metrics are scraped
        String scrape = metrics.scrape();
        // then the JVM's memory, collections, threads and classes, and the process's CPU and uptime are there
        assertThat(scrape).contains("jvm_memory_used_bytes{", "jvm_gc_max_data_size_bytes ",
                "jvm_threads_live_threads ", "jvm_classes_loaded_classes ", "process_cpu_usage ",
                "process_uptime_seconds ");
    }

    @Test
    void shouldLeaveAnOrderStampedAheadOfTheClockOutOfTheLatency() {
        // given an order whose timestamp is a minute ahead of this clock (its producer's clock runs fast)
        long ahead = System.currentTimeMillis() + 60_000;
        // when it is decided
        metrics.decided(decision("o4", Outcome.APPROVED, List.of()), ahead, false);
        // then it is counted as a decision, but no negative latency goes into the histogram
        assertThat(metrics.scrape())
                .contains("lockup_guard_decisions_total{outcome=\"APPROVED\",reason=\"NONE\"} 1.0")
                .contains("lockup_guard_decision_latency_seconds_count 0")
                .contains("lockup_guard_decision_latency_skipped_total 1.0")
                // and counted as stamped ahead, so that a host whose clock runs behind the broker's can be found
                .contains("lockup_guard_orders_stamped_ahead_total 1.0");
    }

    @Test
    void shouldCountAnOrderThatWaitedHoursOnTheBrokerInTheLatencysTopBucket() {
        // given an order the broker stamped as it took it (LogAppendTime, the default) two hours ago: a backlog
        long stamped = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        // when it is decided
        metrics.decided(decision("o7", Outcome.APPROVED, List.of()), stamped, false);
        // then it is latency, above the last finite bucket, so that a p99 over a long backlog is not left empty
        assertThat(metrics.scrape()).contains("lockup_guard_decision_latency_seconds_count 1")
                .contains("lockup_guard_decision_latency_seconds_bucket{le=\"3600.0\"} 0")
                .contains("lockup_guard_decision_latency_seconds_bucket{le=\"+Inf\"} 1")
                .contains("lockup_guard_decision_latency_skipped_total 0.0")
                .contains("lockup_guard_orders_stamped_ahead_total 0.0");
    }

    @Test
    void shouldLeaveAnOrderItsClientStampedHoursBackOutOfTheLatency() {
        try (GuardMetrics clientStamped = new GuardMetrics(false)) {
            // given a guard whose orders carry their clients' time (CreateTime), and an order stamped two hours back
            long stamped = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
            // when it is decided, and a live one
            clientStamped.decided(decision("o8", Outcome.APPROVED, List.of()), stamped, false);
            clientStamped.decided(decision("o9", Outcome.APPROVED, List.of()), System.currentTimeMillis(), false);
            // then the first is replayed history: a decision, but no latency
            assertThat(clientStamped.scrape())
                    .contains("lockup_guard_decisions_total{outcome=\"APPROVED\",reason=\"NONE\"} 2.0")
                    .contains("lockup_guard_decision_latency_seconds_count 1")
                    .contains("lockup_guard_decision_latency_skipped_total 1.0");
        }
    }

    @Test
    void shouldCountAsTheOrdersTopicStampsOrdersOnceTheStartHasReadItsSetting() {
        // given a guard whose setting says the broker stamps orders (LogAppendTime, the default), and a start that
        // found the orders topic CreateTime
        metrics.ordersStampedOnArrival(false);
        long stamped = System.currentTimeMillis() - Duration.ofHours(2).toMillis();

        // when an order its client stamped two hours back is decided
        metrics.decided(decision("o10", Outcome.APPROVED, List.of()), stamped, false);

        // then it is replayed history, not two hours of latency (seen: in the top bucket, paging as slow)
        assertThat(metrics.scrape()).contains("lockup_guard_decision_latency_seconds_count 0")
                .contains("lockup_guard_decision_latency_skipped_total 1.0");
    }

    @Test
    void shouldCountALiveOrderStampedByABrokerWhoseClockIsALittleAheadAsDecidedAtOnce() {
        // given an order the broker stamped half a second ahead of this clock (LogAppendTime, clocks a little apart;
        // far enough ahead that a slow machine does not reach it before the decision)
        long stamped = System.currentTimeMillis() + 500;
        // when it is decided
        metrics.decided(decision("o6", Outcome.APPROVED, List.of()), stamped, false);
        // then it is in the histogram, as a latency of 0, not counted as history
        assertThat(metrics.scrape()).contains("lockup_guard_decision_latency_seconds_count 1")
                .contains("lockup_guard_decision_latency_skipped_total 0.0");
    }

    private static Decision decision(String orderId, Outcome outcome, List<Reason> reasons) {
        return new Decision(new OrderRequest(orderId, "dutchess", "CBYI", OrderKind.PUBLIC_SALE, 1_000L),
                IN_FIRST_WINDOW, outcome, reasons, 500L, null, null);
    }
}
