package com.lockupguard.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.ClientSettings;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.GuardService;
import com.lockupguard.app.TopicProvisioner;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.metrics.GuardMetrics;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineParser;
import com.lockupguard.timeline.TimelineProducer;
import com.lockupguard.timeline.TimelineReader;
import com.lockupguard.tools.timeline.SyntheticTimeline;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.StreamsDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * One topology (the guard service, or the pass-through) on a broker, on its own topics and
 * application id: first the throughput of a backlog of orders (from the first committed
 * decisions readable to the last), then decision latency at a fixed rate
 * (order record timestamp, stamped when sent, to the decision being readable
 * {@code read_committed}; one clock, this process's).
 */
final class BrokerBenchmark {

    /**
     * What one run measured. During the backlog: how busy the stream threads were (1 = one core
     * all the time), and CPU time per order in microseconds: of the whole process (broker,
     * streams, clients, JIT and GC), of the stream threads, and of the broker's request handler,
     * network and transaction marker threads.
     */
    record Result(String name, long orders, double ordersPerSecond, double streamThreadBusy,
            double processCpuMicrosPerOrder, double streamCpuMicrosPerOrder, double brokerCpuMicrosPerOrder,
            double recordsPerOrder, Percentiles latencyMs) {

        /**
         * The figures of a backlog of {@code backlog} orders whose decisions were read in batches, the first
         * ({@code firstBatchCount} decisions) {@code nanos} before the last. Throughput and CPU per order count the
         * decisions after the first batch, which were decided before the clocks started; records per order, every
         * record the topology sent for the backlog.
         *
         * @throws RoundFailedException when the first batch held the whole backlog: nothing was timed, and every
         *     figure would be NaN or infinite
         */
        static Result ofBacklog(String name, long backlog, long firstBatchCount, long nanos, CpuClock.Usage usage,
                double recordsSent, Percentiles latencyMs) throws RoundFailedException {
            long timed = backlog - firstBatchCount;
            if (timed <= 0 || nanos <= 0) {
                throw new RoundFailedException(name, "its " + backlog + " decisions were read in one batch, before "
                        + "any clock could start: nothing was timed; give a larger --backlog");
            }
            double seconds = nanos / 1e9;
            return new Result(name, backlog, timed / seconds, usage.streamThreadNanos() / (seconds * 1e9),
                    usage.processNanos() / 1e3 / timed, usage.streamThreadNanos() / 1e3 / timed,
                    usage.brokerNanos() / 1e3 / timed, recordsSent / backlog, latencyMs);
        }
    }

    /** The shape of one run; no latency phase when it is zero. */
    record Load(int holdings, int backlog, int rate, Duration latencyPhase) {
    }

    private static final Duration WARM_UP = Duration.ofSeconds(BrokerComparison.LATENCY_WARM_UP_SECONDS);

    private final String bootstrapServers;
    private final String registryUrl;
    private final Map<String, String> tuning;
    private final Path stateRoot;
    private final BooleanSupplier stopRequested;

    BrokerBenchmark(String bootstrapServers, String registryUrl, Map<String, String> tuning, Path stateRoot,
            BooleanSupplier stopRequested) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.tuning = tuning;
        this.stateRoot = stateRoot;
        this.stopRequested = stopRequested;
    }

    Result run(String name, boolean guard, Load load) throws Exception {
        BenchStoppedException.check(stopRequested);
        GuardConfig config = config(name);
        GuardTopics topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
        try (Admin admin = Admin.create(config.clientProperties())) {
            TopicProvisioner.from(admin, config).provision(true);
        }
        SyntheticTimeline timeline = new SyntheticTimeline(7, load.holdings());
        // the backlog lies in the past, so that the orders timed later are the newest
        Instant start = Instant.now().minusMillis(load.backlog() + 60_000L);
        produceBacklog(config, topics, timeline, start, load.backlog());

        // the guard counts its decisions as in production
        GuardMetrics metrics = new GuardMetrics(config.ordersStampedOnArrival());
        GuardService service = guard ? GuardService.create(config, metrics) : null;
        KafkaStreams streams = guard ? service.streams() : passThrough(config, topics);
        // the guard replaces a failed stream thread itself (and stops on a failure a person must fix): its decisions
        // then stop coming; the pass-through's streams stop on the first failure, which the watch keeps
        RoundWatch watch = new RoundWatch(name, streams, guard ? () -> guardTrouble(service) : () -> null,
                RoundWatch.STALL);
        if (!guard) {
            streams.setUncaughtExceptionHandler(failure -> {
                watch.threadFailed(failure);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
        }
        try (DecisionCounter decisions = new DecisionCounter(config, topics, "bench-" + name + "-", stopRequested,
                watch)) {
            if (guard) {
                service.start();
            } else {
                streams.start();
            }
            awaitRunning(streams, stopRequested, watch);
            decisions.awaitCount(load.backlog(), Duration.ofMinutes(5));
            // the backlog's figures, taken before the latency phase adds records, CPU time and batches
            CpuClock.Usage usage = decisions.cpuSinceFirstBatch();
            double recordsSent = RecordsSent.of(streams.metrics());
            long backlogNanos = decisions.lastBatchAt() - decisions.firstBatchAt();
            Percentiles latency = load.latencyPhase().isZero() ? Percentiles.of(new long[0])
                    : latencyAtRate(config, topics, timeline, load, decisions, watch);
            return Result.ofBacklog(name, load.backlog(), decisions.firstBatchCount(), backlogNanos, usage,
                    recordsSent, latency);
        } finally {
            if (guard) {
                service.close();
            } else {
                streams.close(Duration.ofSeconds(30));
            }
            metrics.close();
        }
    }

    /** What the guard says of a failure that would stop its decisions, or null. */
    private static String guardTrouble(GuardService service) {
        if (service.failure().isPresent()) {
            return service.failure().get();
        }
        int replaced = service.replacedThreads();
        return replaced == 0 ? null : replaced + " stream thread(s) failed and were replaced (logged above)";
    }

    /**
     * Throws the {@link ConfigException} that {@code tuning} would stop the first round with, naming the setting,
     * without a broker: the guard's settings, Kafka Streams' and its clients', as both topologies take them.
     */
    static void checkSettings(Map<String, String> tuning) {
        ClientSettings.check(new GuardConfig(settings(tuning, "localhost:9092", "mock://bench-settings", "settings",
                Path.of("bench-settings"))));
    }

    /** The guard's settings for one run's own application id, state directory and topics. */
    GuardConfig config(String name) throws Exception {
        return new GuardConfig(settings(tuning, bootstrapServers, registryUrl, name,
                Files.createDirectories(stateRoot.resolve(name))));
    }

    /** The topics the bench names for each round, as {@code topic.<name>} settings. */
    private static final List<String> ROUND_TOPICS = List.of("agreements", "orders", "approved", "blocked",
            "dead.letters", "positions");

    /**
     * Whether the bench sets {@code key} itself, for each round: a {@code --set} of it would be overwritten, or, for
     * {@code client.id}, would rename the stream threads the CPU columns are measured on. The decision topics keep
     * the order's time (no retention, so not the broker's LogAppendTime): a decision's latency is measured from it.
     */
    static boolean isSetByTheBench(String key) {
        return List.of(GuardConfig.BOOTSTRAP_SERVERS_CONFIG, GuardConfig.SCHEMA_REGISTRY_URL_CONFIG,
                GuardConfig.APPLICATION_ID_CONFIG, GuardConfig.STATE_DIR_CONFIG,
                GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG, GuardConfig.TOPICS_DECISIONS_RETENTION_MS_CONFIG,
                GuardConfig.HTTP_PORT_CONFIG, "client.id").contains(key)
                || key.startsWith("topic.") && ROUND_TOPICS.contains(key.substring("topic.".length()));
    }

    /** {@code tuning} under what the bench sets for a run called {@code name}: its broker, registry, id and topics. */
    private static Map<String, String> settings(Map<String, String> tuning, String bootstrapServers,
            String registryUrl, String name, Path stateDir) {
        Map<String, String> settings = new HashMap<>(tuning);
        settings.put(GuardConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        settings.put(GuardConfig.APPLICATION_ID_CONFIG, "bench-" + name);
        settings.put(GuardConfig.STATE_DIR_CONFIG, stateDir.toString());
        settings.put(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG, GuardConfig.CREATE_TIME);
        settings.put(GuardConfig.TOPICS_DECISIONS_RETENTION_MS_CONFIG, "-1");
        settings.put(GuardConfig.HTTP_PORT_CONFIG, "-1");
        settings.putIfAbsent(GuardConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        for (String topic : ROUND_TOPICS) {
            settings.put("topic." + topic, "bench-" + name + "-" + topic);
        }
        return settings;
    }

    private static KafkaStreams passThrough(GuardConfig config, GuardTopics topics) {
        Properties properties = StreamsDefaults.errorHandling(config.topicNames());
        properties.putAll(config.streamsProperties());
        return new KafkaStreams(PassThroughTopology.build(topics), new StreamsConfig(properties));
    }

    private static void produceBacklog(GuardConfig config, GuardTopics topics, SyntheticTimeline timeline,
            Instant start, int backlog) throws InterruptedException {
        List<String> lines = new ArrayList<>(timeline.agreements(start));
        for (int n = 0; n < backlog; n++) {
            lines.add(timeline.order(n, start.plusMillis(n + 1)));
        }
        List<TimelineEntry> entries = new TimelineReader(new ObjectMapper()).parse(lines);
        try (TimelineProducer producer = new TimelineProducer(config.clientProperties(), topics)) {
            producer.send(entries, n -> { }).orFail();
        }
    }

    private static void awaitRunning(KafkaStreams streams, BooleanSupplier stopRequested, RoundWatch watch)
            throws InterruptedException, BenchStoppedException, RoundFailedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            BenchStoppedException.check(stopRequested);
            watch.check();
            if (System.nanoTime() > deadline) {
                throw watch.failed("not RUNNING within 60 s");
            }
            Thread.sleep(2);
        }
    }

    /**
     * Sends {@code rate} orders a second, each stamped with the moment it was due, and times each decision's arrival
     * from there: an order sent late (a pause of this JVM, the producer blocked) counts its delay, instead of
     * starting its clock when the pause is over (coordinated omission).
     */
    private Percentiles latencyAtRate(GuardConfig config, GuardTopics topics, SyntheticTimeline timeline,
            Load load, DecisionCounter decisions, RoundWatch watch) throws Exception {
        Properties producerConfig = config.clientProperties();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        TimelineParser parser = new TimelineParser(new ObjectMapper());
        long total = load.rate() * load.latencyPhase().toSeconds();
        decisions.timeFrom(System.currentTimeMillis() + WARM_UP.toMillis());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(producerConfig,
                topics.orders().keySerde().serializer(), topics.orders().valueSerde().serializer())) {
            long begin = System.nanoTime();
            Instant wallBegin = Instant.now();
            for (long sent = 0; sent < total; sent++) {
                BenchStoppedException.check(stopRequested);
                watch.check();
                long due = sent * 1_000_000_000L / load.rate();
                long wait = begin + due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Instant now = wallBegin.plusNanos(due);
                TimelineEntry.OrderLine line = (TimelineEntry.OrderLine) parser.parse(1,
                        timeline.order(load.backlog() + sent, now)).orElseThrow();
                ProposedOrder order = line.order();
                producer.send(new ProducerRecord<>(topics.orders().name(), null, now.toEpochMilli(),
                        order.getInvestorId() + "/" + order.getSecurityId(), order), (metadata, error) -> {
                            if (error != null) {
                                throw new IllegalStateException("an order was not sent", error);
                            }
                        });
            }
            producer.flush();
        }
        decisions.awaitCount(load.backlog() + total, Duration.ofMinutes(2));
        return decisions.latencies();
    }

    /**
     * Reads the decision topics {@code read_committed} from the beginning, counting decisions and
     * timing those whose order was sent after the warm-up.
     */
    private static final class DecisionCounter implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Long> latencies = new ArrayList<>();
        private final CompletableFuture<Void> loop;
        private volatile long timingFrom = Long.MAX_VALUE;
        private volatile long count;
        private volatile long firstBatchAt;
        private volatile long firstBatchCount;
        private volatile long lastBatchAt;
        private final String streamThreadPrefix;
        private volatile CpuClock cpu;
        private final BooleanSupplier stopRequested;
        private final RoundWatch watch;

        DecisionCounter(GuardConfig config, GuardTopics topics, String streamThreadPrefix,
                BooleanSupplier stopRequested, RoundWatch watch) {
            this.streamThreadPrefix = streamThreadPrefix;
            this.stopRequested = stopRequested;
            this.watch = watch;
            Properties properties = config.clientProperties();
            properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
            properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
            consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.approved().name(), topics.blocked().name())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            loop = CompletableFuture.runAsync(this::poll);
        }

        private void poll() {
            try {
                while (running.get()) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                    long arrived = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        if (record.timestamp() >= timingFrom) {
                            synchronized (latencies) {
                                latencies.add(arrived - record.timestamp());
                            }
                        }
                    }
                    if (!records.isEmpty()) {
                        lastBatchAt = System.nanoTime();
                        if (count == 0) {
                            cpu = CpuClock.start(streamThreadPrefix);
                            firstBatchAt = lastBatchAt;
                            firstBatchCount = records.count();
                        }
                        count += records.count();
                    }
                }
            } finally {
                consumer.close();
            }
        }

        void timeFrom(long epochMillis) {
            timingFrom = epochMillis;
        }

        /** Waits until {@code expected} decisions have been read; fails once the topology or this reader stops. */
        void awaitCount(long expected, Duration timeout)
                throws InterruptedException, BenchStoppedException, RoundFailedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count < expected) {
                BenchStoppedException.check(stopRequested);
                watch.check(count, expected);
                if (loop.isDone()) {
                    throw watch.failed("the decisions' reader stopped after " + count + " of " + expected + ": "
                            + loop.handle((ok, error) -> String.valueOf(error)).join());
                }
                if (System.nanoTime() > deadline) {
                    throw watch.failed("only " + count + " of " + expected + " decisions within " + timeout);
                }
                Thread.sleep(2);
            }
        }

        /** CPU time used from the first batch of decisions read until now. */
        CpuClock.Usage cpuSinceFirstBatch() {
            return cpu.stop();
        }

        /** When the first batch of decisions was read, and how many it held. */
        long firstBatchAt() {
            return firstBatchAt;
        }

        long firstBatchCount() {
            return firstBatchCount;
        }

        /** When the last batch of decisions was read: the end of a backlog, once no more orders come. */
        long lastBatchAt() {
            return lastBatchAt;
        }

        Percentiles latencies() {
            synchronized (latencies) {
                return Percentiles.of(latencies.stream().mapToLong(Long::longValue).toArray());
            }
        }

        @Override
        public void close() {
            running.set(false);
            loop.join();
        }
    }
}
