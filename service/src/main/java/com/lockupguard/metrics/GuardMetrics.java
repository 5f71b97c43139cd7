package com.lockupguard.metrics;

import com.lockupguard.rules.Alert;
import com.lockupguard.rules.AlertType;
import com.lockupguard.rules.Decision;
import com.lockupguard.rules.ExecutionRequest;
import com.lockupguard.rules.ExecutionResult;
import com.lockupguard.rules.ExecutionRuling;
import com.lockupguard.rules.Reason;
import com.lockupguard.security.AuthFailure;
import com.lockupguard.topology.DeadLetterReason;
import com.lockupguard.topology.DecisionObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The guard's metrics in Prometheus form: decisions by outcome and primary reason (a retry answered
 * with its first decision again counted apart, as repeated), execution reports by result,
 * compliance alerts by type and whether they breached the agreement, dead letters by reason,
 * decision latency (order record timestamp to decision produced), the pre-trade API's latency, refused API credentials by reason, Kafka Streams' own metrics and the JVM's.
 */
public final class GuardMetrics implements DecisionObserver, AutoCloseable {

    /**
     * Orders stamped longer ago by their clients (CreateTime) are replays of recorded history, not latency: they are
     * counted apart. The histogram's top bucket: a broker's stamp (LogAppendTime) older than this is an order that
     * waited longer, in the +Inf bucket.
     */
    static final Duration MAX_LIVE_LATENCY = Duration.ofHours(1);
    /**
     * How often Kafka Streams' metrics are looked at for meters to add or remove (Micrometer's default: a minute): a
     * restore consumer's per-partition lag, or a task's meters after a rebalance, show this long after they appear.
     */
    static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);
    /**
     * How far ahead of this clock an order's timestamp may be and still be a live order decided at once: the broker's
     * clock (LogAppendTime, the default) a few milliseconds ahead of this host's. Its latency is then counted as 0,
     * rather than the decision left out of the histogram as history, which kept only the slower decisions.
     */
    static final Duration CLOCK_SKEW_TOLERATED = Duration.ofSeconds(1);

    /** How Kafka Streams tags the metrics of a store whose metrics scope is "outbox": the positions outbox's. */
    static final String OUTBOX_STORE_TAG = "outbox.state.id";
    /** How Kafka Streams tags the metrics of an in-memory store: the id sweep's. */
    static final String IN_MEMORY_STORE_TAG = "in.memory.state.id";
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private final Map<String, Counter> repeatedDecisions = new ConcurrentHashMap<>();
    private final Map<ExecutionResult, Counter> reports = new EnumMap<>(ExecutionResult.class);
    private final Map<String, Counter> alerts = new ConcurrentHashMap<>();
    private final Map<DeadLetterReason, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Timer> apiTimers = new ConcurrentHashMap<>();
    private final Map<AuthFailure, Counter> authFailures = new EnumMap<>(AuthFailure.class);
    private final Timer decisionLatency;
    private final Counter historicalOrders;
    private final Counter stampedAhead;
    /** Listens to the JVM's collections until closed: one left bound keeps its registry. */
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final SharedScrapes scrapes = new SharedScrapes(registry::scrape);
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Whether an order's timestamp is when the broker took it, so that all of its age is waiting: as the setting
     * says until the start has read the orders topic's own ({@link #ordersStampedOnArrival(boolean)}).
     */
    private volatile boolean ordersStampedOnArrival;
    private KafkaStreamsMetrics streamsMetrics;
    private ScheduledExecutorService streamsMetricsRefresh;

    /** The metrics of a guard whose orders the broker stamps as it takes them (LogAppendTime, the default). */
    public GuardMetrics() {
        this(true);
    }

    /**
     * The metrics of a guard whose orders are stamped by the broker as it takes them ({@code ordersStampedOnArrival}:
     * orders.timestamp.type=LogAppendTime), each order's age then counted in the latency however long it waited; or
     * by their clients (CreateTime), an order stamped more than {@link #MAX_LIVE_LATENCY} back then counted apart, as
     * history replayed.
     */
    public GuardMetrics(boolean ordersStampedOnArrival) {
        this.ordersStampedOnArrival = ordersStampedOnArrival;
        // the positions outbox is a record cache with nothing stored behind it, so its store metrics say nothing; and
        // tagged outbox.state.id where the stores' are rocksdb.state.id, they kept the RocksDB stores' meters of the
        // same names (put, flush, ...) out of the scrape: Prometheus takes one set of tag keys per name
        registry.config().meterFilter(MeterFilter.deny(id -> id.getTag(OUTBOX_STORE_TAG) != null));
        // so would the id sweep's in-memory store's, tagged in.memory.state.id: whichever registered first kept the
        // other's out, with a WARN at each start ("registration has failed", seen on a broker), the RocksDB stores'
        // at times; the sweep's store holds where each walk stands, and its metrics say nothing of the guard's state
        registry.config().meterFilter(MeterFilter.deny(id -> id.getTag(IN_MEMORY_STORE_TAG) != null));
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        decisionLatency = Timer.builder("lockup.guard.decision.latency")
                .description("Time from an order record's timestamp to its decision being produced")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                // a backlog after a restore reads as minutes, not as the top bucket; one over an hour as +Inf
                .maximumExpectedValue(MAX_LIVE_LATENCY)
                .register(registry);
        historicalOrders = Counter.builder("lockup.guard.decision.latency.skipped")
                .description("Decisions left out of the latency histogram: orders their clients stamped more than an "
                        + "hour back (CreateTime: replayed history), or more than a second ahead of this clock")
                .register(registry);
        stampedAhead = Counter.builder("lockup.guard.orders.stamped.ahead")
                .description("Orders stamped more than a second ahead of this instance's clock: on a LogAppendTime "
                        + "orders topic, this host's clock runs behind the broker's")
                .register(registry);
        // a series for every outcome and reason from the start, so that dashboards and alerts see zeros
        decisionCounter("APPROVED", "NONE");
        repeatedCounter("APPROVED", "NONE");
        for (Reason reason : Reason.values()) {
            decisionCounter("BLOCKED", reason.name());
            repeatedCounter("BLOCKED", reason.name());
        }
        for (ExecutionResult result : ExecutionResult.values()) {
            reports.put(result, Counter.builder("lockup.guard.execution.reports")
                    .description("Execution reports (fills and cancels) by how they were taken")
                    .tag("result", result.name()).register(registry));
        }
        for (AlertType type : AlertType.values()) {
            alertCounter(type, true);
            alertCounter(type, false);
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetterCounter(reason);
        }
        for (AuthFailure failure : AuthFailure.values()) {
            authFailures.put(failure, Counter.builder("lockup.guard.api.auth.failures")
                    .description("API requests refused for their credential, by reason (401s and 403s)")
                    .tag("reason", failure.tag()).register(registry));
        }
    }

    /** Kafka Streams' own metrics (threads, tasks, stores, clients). */
    public void bind(KafkaStreams streams) {
        streamsMetricsRefresh = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "lockup-guard-kafka-metrics");
            thread.setDaemon(true);
            return thread;
        });
        streamsMetrics = new KafkaStreamsMetrics(streams, List.of(), streamsMetricsRefresh, KAFKA_METRICS_REFRESH);
        streamsMetrics.bindTo(registry);
    }

    /**
     * The problems the last check of the guard's topics found ({@code lockup_guard_topic_problems}): settings changed
     * while it runs that would delete records it has not read or must keep, or refuse its answers, another
     * application writing its decision topics, and, for an hour, each topic it writes found deleted and created again.
     * Alert on &gt; 0.
     */
    public void bindTopicProblems(IntSupplier problems) {
        Gauge.builder("lockup.guard.topic.problems", problems::getAsInt)
                .description("Settings of the guard's topics that would lose records or refuse its answers, another "
                        + "application writing its decisions, and topics it writes deleted and created again (for an "
                        + "hour)")
                .register(registry);
    }

    /**
     * Stream threads that failed and were replaced ({@code lockup_guard_stream_threads_replaced_total}): each
     * replacement resumes from the last commit, so a failure that comes back at every record keeps the guard up,
     * its threads alive, and nothing decided.
     */
    public void bindReplacedThreads(IntSupplier replaced) {
        // a function counter holds its object weakly: this one lives as long as its registry
        FunctionCounter.builder("lockup.guard.stream.threads.replaced", this, metrics -> replaced.getAsInt())
                .description("Stream threads that failed and were replaced, resuming from the last commit")
                .register(registry);
    }

    /**
     * Tasks rebuilt from their changelogs' start ({@code lockup_guard_tasks_rebuilt_total}) because Kafka Streams
     * began restoring one into an empty store from the middle of its changelog, after a broker outage: each is
     * repaired before it decides anything, but says the brokers were away long enough to corrupt a task.
     */
    public void bindRebuiltTasks(LongSupplier rebuilt) {
        FunctionCounter.builder("lockup.guard.tasks.rebuilt", this, metrics -> rebuilt.getAsLong())
                .description("Tasks rebuilt from their changelogs' start, found restored into an empty store from "
                        + "the middle of a changelog")
                .register(registry);
    }

    /**
     * {@code lockup_guard_info}: 1, labelled with the guard's {@code application.id}, its version, the time-zone rules
     * it counts release dates with (the JVM's tz database, not the operating system's), the Java runtime, and its
     * {@code processing.guarantee}, so that the instances of one guard that differ in them can be found, and one that
     * does not commit exactly once (which may approve more than an agreement allows after a crash) is seen.
     */
    public void bindInfo(String applicationId, String processingGuarantee) {
        Gauge.builder("lockup.guard.info", () -> 1)
                .description("1, labelled with this guard's application.id and version, the time-zone rules it counts "
                        + "release dates with (the JVM's tz database, not the operating system's), the Java runtime "
                        + "and its processing.guarantee")
                .tags("application", applicationId, "version", RuntimeVersions.guard(),
                        "zone_rules", RuntimeVersions.zoneRules(), "java", Runtime.version().toString(),
                        "processing_guarantee", processingGuarantee)
                .register(registry);
    }

    /**
     * Whether the instance is ready ({@code lockup_guard_ready}): 1 while its {@code /health/ready} says 200 (Kafka
     * Streams running, its holdings readable, the API's decision feed reading), 0 otherwise. Prometheus does not see
     * a probe's answers: one not ready for long (a rebalance that does not end, a restore, a stream thread waiting for
     * its group) decides nothing it is given, yet is up and scraped.
     */
    public void bindReadiness(BooleanSupplier ready) {
        Gauge.builder("lockup.guard.ready", () -> ready.getAsBoolean() ? 1 : 0)
                .description("1 while the instance is ready (/health/ready 200), 0 otherwise")
                .register(registry);
    }

    /**
     * What waits on the guard's inputs to be decided, per input partition, as the cluster shows it: the offsets from
     * its group's committed position to the end of the log ({@code lockup_guard_input_lag}) and how long the first
     * record among them the guard waits for has waited ({@code lockup_guard_input_wait_seconds}); NaN while they
     * cannot be read. The group's figures, the same from every instance: alert on their largest.
     */
    public void bindWaitingInputs(List<TopicPartition> partitions, ToDoubleFunction<TopicPartition> lag,
            ToDoubleFunction<TopicPartition> seconds) {
        for (TopicPartition partition : partitions) {
            Tags tags = Tags.of("topic", partition.topic(), "partition", Integer.toString(partition.partition()));
            Gauge.builder("lockup.guard.input.lag", () -> lag.applyAsDouble(partition)).tags(tags)
                    .description("Offsets from the guard's committed position on an input partition to the end "
                            + "of the log, 0 when no record among them waits to be decided")
                    .register(registry);
            Gauge.builder("lockup.guard.input.wait.seconds", () -> seconds.applyAsDouble(partition)).tags(tags)
                    .description("How long the first record not yet decided on an input partition has waited")
                    .register(registry);
        }
    }

    /**
     * The native memory the RocksDB stores share (rocksdb.memory.bytes): its bound ({@code
     * lockup_guard_rocksdb_memory_limit_bytes}), what is in use of it ({@code lockup_guard_rocksdb_memory_used_bytes}:
     * blocks read, index and filter blocks, memtables) and what of that the stores hold so that it cannot be evicted
     * ({@code lockup_guard_rocksdb_memory_pinned_bytes}). Kafka Streams' own per-store figures ({@code
     * kafka_stream_state_block_cache_usage} and the like) each show the whole shared cache: do not add them up.
     */
    public void bindRocksDBMemory(long limit, LongSupplier used, LongSupplier pinned) {
        Gauge.builder("lockup.guard.rocksdb.memory.limit", () -> limit).baseUnit("bytes")
                .description("The native memory the RocksDB stores share (rocksdb.memory.bytes)")
                .register(registry);
        Gauge.builder("lockup.guard.rocksdb.memory.used", used::getAsLong).baseUnit("bytes")
                .description("Native memory in use by the RocksDB stores: blocks, index and filter blocks, memtables")
                .register(registry);
        Gauge.builder("lockup.guard.rocksdb.memory.pinned", pinned::getAsLong).baseUnit("bytes")
                .description("Of the RocksDB memory in use, what the stores hold and cannot be evicted")
                .register(registry);
    }

    /**
     * The API's decision feed, which {@code POST /api/orders} waits on and the page reads: whether it reads now
     * ({@code lockup_guard_decision_feed_up}, 0 while it restarts after a failure: orders then answer 503), the
     * records it went past because it could not decode or take them in, and its restarts.
     */
    public void bindDecisionFeed(BooleanSupplier reading, LongSupplier skipped, LongSupplier restarts) {
        Gauge.builder("lockup.guard.decision.feed.up", () -> reading.getAsBoolean() ? 1 : 0)
                .description("1 while the API's decision feed reads, 0 while it restarts after a failure")
                .register(registry);
        // a function counter holds its object weakly: this one lives as long as its registry
        FunctionCounter.builder("lockup.guard.decision.feed.skipped", this, metrics -> skipped.getAsLong())
                .description("Records the decision feed could not decode or take in, and went past")
                .register(registry);
        FunctionCounter.builder("lockup.guard.decision.feed.restarts", this, metrics -> restarts.getAsLong())
                .description("Times the decision feed failed and restarted its consumer")
                .register(registry);
    }

    /**
     * {@code lockup_guard_api_peers_unreachable}: how many other instances this one could not reach when it last asked
     * them for their holdings, in the past five minutes.
     */
    public void bindUnreachablePeers(IntSupplier unreachable) {
        Gauge.builder("lockup.guard.api.peers.unreachable", unreachable::getAsInt)
                .description("Other instances this one could not reach when it last asked them for their holdings, "
                        + "in the past five minutes")
                .register(registry);
    }

    /**
     * The HTTP server's certificate: {@code lockup_guard_http_certificate_not_before_timestamp_seconds} and
     * {@code ..._not_after_timestamp_seconds} of the one served that expires first, and
     * {@code lockup_guard_http_keystore_refused}, 1 while the key store's file holds one that cannot be served.
     */
    public void bindHttpCertificate(Supplier<Instant> notBefore, Supplier<Instant> notAfter, BooleanSupplier refused) {
        Gauge.builder("lockup.guard.http.certificate.not.before.timestamp", () -> seconds(notBefore.get()))
                .baseUnit("seconds").description("When the HTTP server's certificate that expires first became valid")
                .register(registry);
        Gauge.builder("lockup.guard.http.certificate.not.after.timestamp", () -> seconds(notAfter.get()))
                .baseUnit("seconds").description("When the HTTP server's certificate that expires first expires")
                .register(registry);
        Gauge.builder("lockup.guard.http.keystore.refused", () -> refused.getAsBoolean() ? 1 : 0)
                .description("1 while the HTTP key store's file holds a key store that cannot be served (the one "
                        + "loaded before is served), 0 otherwise")
                .register(registry);
    }

    private static double seconds(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }

    @Override
    public void decided(Decision decision, long orderTimestamp) {
        decided(decision, orderTimestamp, false);
    }

    /**
     * A retry's repeated decision is counted apart: the order was decided once, and counted then, and answering
     * its retry took no decision, so it has no decision latency either.
     */
    @Override
    public void decided(Decision decision, long orderTimestamp, boolean repeated) {
        String outcome = decision.outcome().name();
        String reason = decision.reasons().isEmpty() ? "NONE" : decision.reasons().get(0).name();
        if (repeated) {
            repeatedCounter(outcome, reason).increment();
            return;
        }
        decisionCounter(outcome, reason).increment();
        long latency = System.currentTimeMillis() - orderTimestamp;
        if (latency >= -CLOCK_SKEW_TOLERATED.toMillis()
                && (ordersStampedOnArrival || latency <= MAX_LIVE_LATENCY.toMillis())) {
            decisionLatency.record(Duration.ofMillis(Math.max(0, latency)));
        } else {
            historicalOrders.increment();
            if (latency < -CLOCK_SKEW_TOLERATED.toMillis()) {
                stampedAhead.increment();
            }
        }
    }

    @Override
    public void ordersStampedOnArrival(boolean onArrival) {
        ordersStampedOnArrival = onArrival;
    }

    @Override
    public void reported(ExecutionRequest report, ExecutionRuling ruling, long reportTimestamp) {
        reports.get(ruling.result()).increment();
        Alert alert = ruling.alert();
        if (alert != null) {
            alertCounter(alert.type(), alert.breachesAgreement()).increment();
        }
    }

    @Override
    public void deadLettered(DeadLetterReason reason) {
        deadLetterCounter(reason).increment();
    }

    private Counter deadLetterCounter(DeadLetterReason reason) {
        return deadLetters.computeIfAbsent(reason, r -> Counter.builder("lockup.guard.dead.letters")
                .description("Records dead-lettered, by reason: the guard's refusals of records it read, UNDECODABLE "
                        + "(could not be read) and PROCESSING_FAILURE (processing threw)")
                .tag("reason", r.name()).register(registry));
    }

    /** A request refused for its credential (none, invalid, expired, lacking the role...). */
    public void authFailed(AuthFailure failure) {
        authFailures.get(failure).increment();
    }

    /** The latency of one pre-trade API endpoint, by HTTP status. */
    public Timer apiTimer(String endpoint, int status) {
        return apiTimers.computeIfAbsent(endpoint + '/' + status, key -> Timer.builder("lockup.guard.api.requests")
                .description("Pre-trade API requests")
                .tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30)) // a request ends by api.decision.timeout.ms
                .register(registry));
    }

    private Counter alertCounter(AlertType type, boolean breachesAgreement) {
        return alerts.computeIfAbsent(type.name() + '/' + breachesAgreement, key -> Counter.builder(
                "lockup.guard.compliance.alerts")
                .description("Compliance alerts raised (one per alert, whatever its shares): sales and fills "
                        + "without a live approval, by alert type and whether they breached the agreement")
                .tag("type", type.name()).tag("breaches_agreement", Boolean.toString(breachesAgreement))
                .register(registry));
    }

    private Counter decisionCounter(String outcome, String reason) {
        return decisions.computeIfAbsent(outcome + '/' + reason, key -> Counter.builder("lockup.guard.decisions")
                .description("Decisions by outcome and primary reason")
                .tag("outcome", outcome).tag("reason", reason)
                .register(registry));
    }

    private Counter repeatedCounter(String outcome, String reason) {
        return repeatedDecisions.computeIfAbsent(outcome + '/' + reason, key -> Counter.builder(
                "lockup.guard.decisions.repeated")
                .description("Retries answered with their order id's first decision again, by its outcome and primary "
                        + "reason; not counted in lockup_guard_decisions_total")
                .tag("outcome", outcome).tag("reason", reason)
                .register(registry));
    }

    /**
     * The Prometheus text exposition of every metric, built after this call began; concurrent calls share builds
     * ({@link SharedScrapes}).
     */
    public String scrape() {
        return scrapes.text();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return; // closed by the application already, and again by a start that failed after it
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
            streamsMetricsRefresh.shutdownNow(); // given to it, so not shut down by it
        }
        gcMetrics.close();
        registry.close();
    }
}
