package com.lockupguard.tools.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.TopicProvisioner;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineProducer;
import com.lockupguard.timeline.TimelineReader;
import com.lockupguard.tools.embedded.EmbeddedKafkaCluster;
import com.lockupguard.tools.registry.SchemaRegistryServer;
import com.lockupguard.tools.timeline.CommittedReader;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.tools.timeline.ExecutionDesk;
import com.lockupguard.tools.timeline.SyntheticTimeline;
import com.lockupguard.topology.GuardTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A crash soak: a 3-broker cluster in this process, N guard instances as separate JVMs (same
 * application id, a standby each), a producer of a random timeline over many holdings — orders, and
 * a trading desk's execution reports for them ({@link ExecutionDesk}) — and chaos: instances killed
 * with SIGKILL and restarted at random moments, brokers bounced. Then, in the order of Kafka's
 * EosTestDriver: all transactions finished, the group empty, and every output record — decisions,
 * report results, compliance alerts, and each holding's final position — checked against the replay
 * of the same input.
 */
public final class Soak {

    /** How hard and how long to push. */
    public record Options(int instances, int holdings, int ratePerSecond, Duration duration, int kills, int bounces,
            long seed, int partitions, Path workDir) {
    }

    static final String APPLICATION_ID = "lockup-guard-soak";
    private static final Set<TransactionState> OPEN = Set.of(TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    /** The soak was asked to stop (Ctrl-C) before it had a verdict: its guards are killed, its brokers' data deleted. */
    public static final class StoppedException extends Exception {
        private static final long serialVersionUID = 1L;

        StoppedException() {
            super("the soak was stopped before its verdict");
        }
    }

    private final Options options;
    private final PrintWriter out;
    private final BooleanSupplier stopRequested;
    private final ObjectMapper json = new ObjectMapper();
    private final long started = System.nanoTime();

    /** @param stopRequested asked between two steps of the soak: when true, it cleans up and stops */
    public Soak(Options options, PrintWriter out, BooleanSupplier stopRequested) {
        this.options = options;
        this.out = out;
        this.stopRequested = stopRequested;
    }

    /** @throws StoppedException when asked to stop before the verdict; the work dir is then kept */
    public SoakReport run() throws Exception {
        Files.createDirectories(options.workDir());
        String scope = "soak-" + UUID.randomUUID();
        List<GuardProcess> instances = new ArrayList<>();
        Thread reaper = new Thread(() -> instances.forEach(i -> {
            try {
                i.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Runtime.getRuntime().addShutdownHook(reaper);
        log("starting 3 brokers and a controller (KRaft) in this process");
        Chaos chaos = null;
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(3, Map.of());
                SchemaRegistryServer registry = new SchemaRegistryServer.Builder(InMemorySchemaRegistry.scope(scope))
                        .start()) {
            Map<String, String> settings = settings(kafka.allBootstrapServers(), registry.url());
            GuardConfig config = new GuardConfig(settings);
            try (Admin admin = Admin.create(config.clientProperties())) {
                TopicProvisioner.from(admin, config).provision(true);
            }
            GuardTopics topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
            SyntheticTimeline generator = new SyntheticTimeline(options.seed(), options.holdings());
            List<String> timeline = Collections.synchronizedList(new ArrayList<>());
            TimelineReader timelineReader = new TimelineReader(json);
            chaos = new Chaos(kafka, instances);
            Instant start = Instant.now();
            // halfway through producing, the window of every tenth holding ends: some approvals fill late
            Instant windowEnd = start.plusSeconds(2).plus(options.duration().dividedBy(2));
            long orders;
            long reports;
            Resends resends = new Resends(generator, options.seed());
            try (TimelineProducer producer = new TimelineProducer(config.clientProperties(), topics);
                    ExecutionDesk desk = generator.desk(windowEnd)) {
                List<String> agreements = generator.agreements(start, windowEnd);
                desk.appended(agreements);
                timeline.addAll(agreements);
                producer.send(parse(timelineReader, timeline), n -> { }).orFail();
                log("%d agreements sent; starting %d guard instances", options.holdings(), options.instances());
                for (int i = 0; i < options.instances(); i++) {
                    Map<String, String> own = new HashMap<>(settings);
                    own.put(GuardConfig.STATE_DIR_CONFIG, options.workDir().resolve("instance-" + i).toString());
                    GuardProcess instance = new GuardProcess(i, own, options.workDir().resolve("instance-" + i + ".log"));
                    instance.start();
                    instances.add(instance);
                }
                chaos.start();
                orders = produce(new Lines(producer, timelineReader, timeline), generator, resends, desk);
                checkStop();
                chaos.stop();
                reports = desk.reports();
                log("stopped producing after %d orders (and %d sent again: %d retries, %d reused ids) and %d "
                        + "execution reports; %d kills, %d broker bounces", orders,
                        resends.retries() + resends.reuses(), resends.retries(), resends.reuses(), reports,
                        chaos.kills.get(), chaos.bounces.get());
            }
            for (GuardProcess instance : instances) {
                if (!instance.isAlive()) {
                    instance.start();
                }
            }
            Path timelineFile = options.workDir().resolve("timeline.jsonl");
            Files.write(timelineFile, timeline);
            ReplayedTimeline expected = ReplayedTimeline.of(timeline);
            log("replayed the %d lines through the topology test driver: %d decisions (%d repeated) and %d report "
                    + "results expected %s", timeline.size(), expected.decisionCount(), expected.repeatedCount(),
                    expected.results().size(), expected.resultCounts());

            // wait for the guard to catch up: every decision, and the reports after the last order
            try (DecisionReader reader = new DecisionReader(config.clientProperties(), topics);
                    CommittedReader<ReportResult> results = new CommittedReader<>(config.clientProperties(),
                            topics.executionResults())) {
                log("read %d decisions and %d report results read_committed",
                        readUntil(expected.decisionCount(), Duration.ofMinutes(5),
                                (count, timeout) -> reader.readUntil((int) count, timeout, d -> { }).size()),
                        readUntil(expected.results().size(), Duration.ofMinutes(2),
                                (count, timeout) -> results.readUntil(count, timeout).size()));
            }
            boolean transactionsFinished;
            boolean groupEmpty;
            try (Admin admin = Admin.create(config.clientProperties())) {
                transactionsFinished = awaitTransactionsFinished(admin);
                for (GuardProcess instance : instances) {
                    checkStop();
                    instance.stop();
                }
                groupEmpty = awaitGroupEmpty(admin);
            }
            checkStop();
            // everything committed, with what a last commit before the stop may have added
            List<Decision> decisions = readAll(config, topics.approved(), topics.blocked());
            List<ReportResult> results = readAll(config, topics.executionResults());
            List<ComplianceAlert> alerts = readAll(config, topics.complianceAlerts());
            Map<String, Position> published = lastByKey(config, topics.positions());
            // an order or report dead-lettered instead of answered, or besides: none of the others shows it
            List<DeadLetterCheck.Letter> deadLetters = deadLetters(config, topics);
            log("read %d decisions (%d repeated), %d report results, %d compliance alerts, %d dead letters and the "
                    + "positions of %d holdings read_committed", decisions.size(),
                    decisions.stream().filter(Decision::getRepeated).count(), results.size(), alerts.size(),
                    deadLetters.size(), published.size());
            SoakReport report = verify(expected, decisions, results, alerts, published, orders,
                    resends.retries() + resends.reuses(), reports, chaos, transactionsFinished, groupEmpty,
                    deadLetters);
            if (report.passed()) {
                Utils.delete(options.workDir().toFile());
            } else {
                log("kept %s (timeline, instance logs) for inspection", options.workDir());
            }
            return report;
        } catch (StoppedException stopped) {
            log("stopped before the verdict: killing the guard instances, deleting the brokers' data; kept %s",
                    options.workDir());
            throw stopped;
        } finally {
            if (chaos != null) {
                chaos.abort(); // no restart after the kills below
            }
            for (GuardProcess instance : instances) {
                instance.kill();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the reaper has run or runs now, and finds the instances dead
            }
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    private Map<String, String> settings(String bootstrapServers, String registryUrl) {
        Map<String, String> settings = new HashMap<>();
        settings.put(GuardConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(GuardConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        settings.put(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG, GuardConfig.CREATE_TIME);
        settings.put(GuardConfig.TOPICS_PARTITIONS_CONFIG, Integer.toString(options.partitions()));
        settings.put(GuardConfig.TOPICS_REPLICATION_FACTOR_CONFIG, "3");
        settings.put(GuardConfig.REPLICATION_FACTOR_CONFIG, "3");
        settings.put(GuardConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        settings.put(GuardConfig.HTTP_PORT_CONFIG, "-1");
        settings.put("session.timeout.ms", "6000");
        settings.put("heartbeat.interval.ms", "1000");
        return settings;
    }

    /**
     * Sends orders at the configured rate for the configured time, each stamped with its send time, now and then
     * one sent again ({@link Resends}), and the desk's reports as they come due; then the reports still planned, as
     * they come due. Returns the orders sent, not counting those sent again.
     */
    private long produce(Lines lines, SyntheticTimeline generator, Resends resends, ExecutionDesk desk)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + options.duration().toNanos();
        long nextLog = start + TimeUnit.SECONDS.toNanos(10);
        long sent = 0;
        long tickStart = start;
        while (System.nanoTime() < deadline && !stopRequested.getAsBoolean()) {
            // as many as are due by now at the rate, not a tenth of it per tick: 5 a second is 5, not 10
            long due = ordersDue(options.ratePerSecond(), System.nanoTime() - start);
            List<String> orders = new ArrayList<>();
            Instant now = Instant.now();
            for (int i = 0; sent < due; i++) {
                String order = generator.order(sent++, now.plusMillis(i));
                orders.add(order);
                resends.after(order, now.plusMillis(i)).ifPresent(orders::add);
            }
            lines.send(desk.batch(now, orders));
            resends.batchSent(System.nanoTime());
            if (System.nanoTime() - nextLog >= 0) {
                log("%d orders and %d execution reports sent", sent, desk.reports());
                nextLog += TimeUnit.SECONDS.toNanos(10);
            }
            tickStart = sleepUntilNextTick(tickStart);
        }
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!desk.idle() && System.nanoTime() < drainDeadline && !stopRequested.getAsBoolean()) {
            lines.send(desk.batch(Instant.now(), List.of()));
            tickStart = sleepUntilNextTick(tickStart);
        }
        return sent;
    }

    private void checkStop() throws StoppedException {
        if (stopRequested.getAsBoolean()) {
            throw new StoppedException();
        }
    }

    /** Reads a second at a time, until {@code expected} were read, {@code timeout} passed or a stop is asked. */
    private long readUntil(long expected, Duration timeout, Reading reading) throws StoppedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long read = 0;
        while (read < expected && System.nanoTime() < deadline) {
            checkStop();
            read += reading.read(expected - read, Duration.ofSeconds(1));
        }
        return read;
    }

    /** One bounded read: how many records it read. */
    private interface Reading {
        int read(long count, Duration timeout);
    }

    /** The orders due {@code elapsedNanos} after the start, at {@code perSecond}: the first at once. */
    static long ordersDue(int perSecond, long elapsedNanos) {
        long second = TimeUnit.SECONDS.toNanos(1);
        // in two parts, so that no product of an int rate and a duration of int seconds overflows
        return elapsedNanos / second * perSecond + elapsedNanos % second * perSecond / second + 1;
    }

    private static long sleepUntilNextTick(long tickStart) throws InterruptedException {
        long next = tickStart + 100_000_000L;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
        }
        return next;
    }

    /** Appends lines to the timeline and sends them, in order. */
    private record Lines(TimelineProducer producer, TimelineReader reader, List<String> timeline) {
        void send(List<String> lines) throws InterruptedException {
            if (!lines.isEmpty()) {
                timeline.addAll(lines);
                producer.send(parse(reader, lines), n -> { }).orFail();
            }
        }
    }

    private static List<TimelineEntry> parse(TimelineReader reader, List<String> lines) {
        synchronized (lines) {
            return reader.parse(lines);
        }
    }

    @SafeVarargs
    private static <V> List<V> readAll(GuardConfig config, GuardTopics.Topic<String, V>... topics) {
        try (CommittedReader<V> reader = new CommittedReader<>(config.clientProperties(), topics)) {
            return reader.readToEnd(Duration.ofMinutes(1)).stream().map(CommittedReader.Read::value).toList();
        }
    }

    /**
     * The dead letters committed, each named by its key, the id of the record it holds (decoded as the orders topic's:
     * none when it cannot be) and the guard's reason (none for a record Kafka Streams could not read).
     */
    private static List<DeadLetterCheck.Letter> deadLetters(GuardConfig config, GuardTopics topics) {
        // the topics' own deserializer, shared: not closed here
        Deserializer<SpecificRecord> records = topics.orders().valueSerde().deserializer();
        try (CommittedReader<byte[]> reader = new CommittedReader<>(config.clientProperties(), topics.deadLetters())) {
            return reader.readToEnd(Duration.ofMinutes(1)).stream().map(read -> {
                SpecificRecord record;
                try {
                    record = read.value() == null ? null : records.deserialize(topics.orders().name(), read.value());
                } catch (RuntimeException unreadable) {
                    record = null; // its id unknown: it matches no expected letter
                }
                return DeadLetterCheck.Letter.of(read.key(), read.headers(), record);
            }).toList();
        }
    }

    /** The last value of each key of {@code topic}, committed: a partition is read in order, and a key is on one. */
    private static <V> Map<String, V> lastByKey(GuardConfig config, GuardTopics.Topic<String, V> topic) {
        Map<String, V> last = new HashMap<>();
        try (CommittedReader<V> reader = new CommittedReader<>(config.clientProperties(), topic)) {
            reader.readToEnd(Duration.ofMinutes(1)).forEach(read -> last.put(read.key(), read.value()));
        }
        return last;
    }

    private boolean awaitTransactionsFinished(Admin admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            checkStop();
            long open = 0;
            for (TransactionListing listing : admin.listTransactions().all().get(30, TimeUnit.SECONDS)) {
                if (listing.transactionalId().startsWith(APPLICATION_ID) && OPEN.contains(listing.state())) {
                    open++;
                }
            }
            if (open == 0) {
                log("all transactions finished");
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private boolean awaitGroupEmpty(Admin admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            checkStop();
            GroupState state = admin.describeConsumerGroups(List.of(APPLICATION_ID)).all().get(30, TimeUnit.SECONDS)
                    .get(APPLICATION_ID).groupState();
            if (state == GroupState.EMPTY || state == GroupState.DEAD) {
                log("consumer group %s is %s", APPLICATION_ID, state);
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private SoakReport verify(ReplayedTimeline expected, List<Decision> decisions, List<ReportResult> results,
            List<ComplianceAlert> alerts, Map<String, Position> published, long orders, long resent, long reports,
            Chaos chaos, boolean transactionsFinished, boolean groupEmpty, List<DeadLetterCheck.Letter> deadLetters) {
        Tally decided = new DecisionCheck(this::log).decisions(expected.decisions(), decisions);
        PositionCheck positionCheck = new PositionCheck(this::log);
        long positionsMismatched = positionCheck.mismatched(expected.finalPositions(), decisions, results);
        long publishedMismatched = positionCheck.publishedMismatched(expected.finalPositions(), published);
        ReportCheck reportCheck = new ReportCheck(this::log);
        Tally answered = reportCheck.results(expected.results(), results);
        Tally alerted = reportCheck.alerts(expected.results(), alerts);
        Tally deadLettered = new DeadLetterCheck(this::log).deadLetters(expected.deadLetters(), expected.unanswered(),
                deadLetters);
        return new SoakReport(options.instances(), orders, resent, chaos.kills.get(), options.kills(),
                chaos.bounces.get(), options.bounces(), decided.read(), decided.lost(), decided.duplicated(),
                decided.mismatched(), positionsMismatched, publishedMismatched, transactionsFinished, groupEmpty,
                (System.nanoTime() - started) / 1e9, reports, answered, alerted, deadLettered,
                expected.deadLettered());
    }

    /**
     * Kills instances that decide and bounces brokers at random moments of the soak; never two brokers down at once.
     */
    private final class Chaos {
        /** How long a kill waits for an instance that decides, before it is skipped (and the soak fails). */
        private static final Duration KILL_WAIT = Duration.ofSeconds(180);
        final AtomicInteger kills = new AtomicInteger();
        final AtomicInteger bounces = new AtomicInteger();
        private final EmbeddedKafkaCluster kafka;
        private final List<GuardProcess> instances;
        private final Random random = new Random(options.seed() ^ 0x5eed);
        private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        Chaos(EmbeddedKafkaCluster kafka, List<GuardProcess> instances) {
            this.kafka = kafka;
            this.instances = instances;
        }

        void start() {
            long durationMs = options.duration().toMillis();
            List<long[]> events = new ArrayList<>(); // {at ms, 0 kill | 1 bounce}
            for (int i = 0; i < options.kills(); i++) {
                events.add(new long[] {(long) (durationMs * (0.1 + 0.75 * random.nextDouble())), 0});
            }
            for (int i = 0; i < options.bounces(); i++) {
                events.add(new long[] {(long) (durationMs * (0.15 + 0.6 * random.nextDouble())), 1});
            }
            events.sort(Comparator.comparingLong(e -> e[0]));
            long begin = System.currentTimeMillis();
            thread = new Thread(() -> {
                try {
                    for (long[] event : events) {
                        long wait = begin + event[0] - System.currentTimeMillis();
                        if (wait > 0) {
                            Thread.sleep(wait);
                        }
                        if (!running.get()) {
                            return;
                        }
                        try {
                            if (event[1] == 0) {
                                kill();
                            } else {
                                bounce();
                            }
                        } catch (IOException e) {
                            // the next events still happen; the report counts what was done
                            log("chaos event failed: %s", e);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "soak-chaos");
            thread.start();
        }

        private void kill() throws InterruptedException {
            // only an instance that decides: killing a dead one would schedule a second restart of it, and two JVMs
            // on one state directory; and one still booting was killed before it decided anything (seen: ten kills,
            // none of a guard that had run, and the soak passed). With none deciding (their restarts pending, or
            // booting), wait for one
            List<GuardProcess> deciding = deciding();
            long waitUntil = System.nanoTime() + KILL_WAIT.toNanos();
            while (deciding.isEmpty() && running.get() && System.nanoTime() < waitUntil) {
                Thread.sleep(200);
                deciding = deciding();
            }
            if (deciding.isEmpty()) {
                log("kill skipped: no instance reached RUNNING since its last start within %d s",
                        KILL_WAIT.toSeconds());
                return;
            }
            GuardProcess victim = deciding.get(random.nextInt(deciding.size()));
            victim.kill();
            int n = kills.incrementAndGet();
            long restartIn = 1_000 + random.nextInt(3_000);
            log("kill #%d: instance %d (SIGKILL), restarting it in %d ms", n, victim.number(), restartIn);
            restarts.schedule(() -> {
                try {
                    victim.start();
                } catch (IOException e) {
                    log("restart of instance %d failed: %s", victim.number(), e);
                }
                return null;
            }, restartIn, TimeUnit.MILLISECONDS);
        }

        private List<GuardProcess> deciding() {
            return instances.stream().filter(GuardProcess::decides).toList();
        }

        private void bounce() throws InterruptedException, IOException {
            int broker = kafka.brokerIds().get(random.nextInt(kafka.brokerIds().size()));
            long down = 2_000 + random.nextInt(3_000);
            int n = bounces.get() + 1;
            log("broker bounce #%d: stopping broker %d for %d ms", n, broker, down);
            kafka.stopBroker(broker);
            Thread.sleep(down);
            kafka.startBroker(broker);
            bounces.incrementAndGet(); // counted once done: the report compares it with the bounces asked for
            log("broker %d back", broker);
        }

        /** After the last event: waits for it to end and for the restarts still pending. */
        void stop() throws InterruptedException {
            // every event happens, however late the ones before made it: the report holds the soak to all of them
            thread.join();
            running.set(false);
            restarts.shutdown();
            restarts.awaitTermination(10, TimeUnit.SECONDS);
        }

        /** At once, on the way out: no further kill, bounce or restart. */
        void abort() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            restarts.shutdownNow();
            restarts.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private void log(String message) {
        log("%s", message);
    }

    private void log(String format, Object... args) {
        out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - started) / 1e9,
                String.format(Locale.ROOT, format, args));
        out.flush();
    }
}
