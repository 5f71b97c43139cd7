package com.lockupguard.tools.bench;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.GuardService;
import com.lockupguard.app.TopicProvisioner;
import com.lockupguard.avro.Decision;
import com.lockupguard.contract.DecisionMapper;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.Ruling;
import com.lockupguard.state.RememberedOrder;
import com.lockupguard.state.RocksDBMemory;
import com.lockupguard.state.StateCodec;
import com.lockupguard.state.StoredHolding;
import com.lockupguard.tools.embedded.EmbeddedKafkaCluster;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.InputPartitions;
import com.lockupguard.topology.StoreNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the guard's state costs at scale, measured where it can be: the changelogs of {@code holdings}
 * holdings (each with its agreement, counters and clock) and {@code idsPerHolding} remembered order
 * ids each (with the decision as sent), written as the guard writes them; then a guard started on an
 * empty state directory restores them, on one embedded broker. Prints bytes per holding and per id
 * (in the changelog, and on disk in RocksDB after the restore) and the restore rate.
 */
public final class RestoreBenchmark {

    private static final String APPLICATION_ID = "restore-bench";
    private static final int PARTITIONS = 6;
    private static final double MIB = 1024 * 1024;
    /** What the restore sets for its guard itself: its broker, registry, id, state, partitions and checks. */
    private static final Set<String> SET_BY_THE_BENCH = Set.of(GuardConfig.BOOTSTRAP_SERVERS_CONFIG,
            GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, GuardConfig.APPLICATION_ID_CONFIG, GuardConfig.STATE_DIR_CONFIG,
            GuardConfig.HTTP_PORT_CONFIG, GuardConfig.TOPICS_PARTITIONS_CONFIG, GuardConfig.NUM_STANDBY_REPLICAS_CONFIG,
            GuardConfig.TOPICS_LOST_POSITIONS_CHECK_CONFIG);
    /** How long a restore may go without restoring a record (a start, the last step to running) before it fails. */
    private static final Duration RESTORE_STALL = Duration.ofMinutes(5);

    /**
     * The figures of one run. {@code readySeconds}: from the guard's start to running, its start-up (topic checks, the
     * group's join) included; {@code restoreSeconds}: from the first record restored to the last, over which
     * {@code restoredRecords} less those of the first batch seen ({@code firstBatch}) came, so that a fixed start-up
     * does not pass for a slow restore in a projection to more holdings.
     */
    public record Result(int holdings, long ids, double changelogBytesPerHolding, double changelogBytesPerId,
            double rocksDbBytesPerHolding, double rocksDbBytesPerId, double readySeconds, double restoreSeconds,
            long restoredRecords, long firstBatch, long rocksDbMemoryLimit, long rocksDbMemoryPeak) {

        double recordsPerSecond() {
            return restoreSeconds > 0 ? (restoredRecords - firstBatch) / restoreSeconds : Double.NaN;
        }
    }

    private final PrintWriter out;
    private final BooleanSupplier stopRequested;

    /** @param stopRequested asked while it writes and while it waits for the restore: when true, it closes all */
    public RestoreBenchmark(PrintWriter out, BooleanSupplier stopRequested) {
        this.out = out;
        this.stopRequested = stopRequested;
    }

    /** Refuses {@code settings} the restoring guard would not start with, naming the first wrong one. */
    public static void checkSettings(Map<String, String> settings) {
        new GuardConfig(settings);
    }

    /** Whether the restore sets {@code key} itself, so that a {@code --set} of it is refused. */
    public static boolean isSetByTheBench(String key) {
        return SET_BY_THE_BENCH.contains(key);
    }

    /**
     * @param tuning settings of the restoring guard (rocksdb.memory.bytes, ...), beside those the bench sets itself
     * @throws BenchStoppedException when asked to stop: no figures
     */
    public Result run(int holdings, int idsPerHolding, Map<String, String> tuning) throws Exception {
        Path stateRoot = Files.createTempDirectory("lockup-guard-restore-");
        String scope = "restore-bench-" + UUID.randomUUID();
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, Map.of())) {
            GuardConfig config = config(kafka.bootstrapServers(), scope, stateRoot.resolve("guard"), tuning);
            GuardTopics topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
            try (Admin admin = Admin.create(config.clientProperties())) {
                TopicProvisioner.from(admin, config).provision(true);
                admin.createTopics(List.of(changelog(StoreNames.HOLDING_STATE), changelog(StoreNames.SEEN_ORDERS)))
                        .all().get();
            }
            long started = System.nanoTime();
            long ids = writeChangelogs(config, topics, holdings, idsPerHolding);
            out.printf(Locale.ROOT, "wrote the changelogs of %d holdings and %d order ids in %.0f s%n", holdings, ids,
                    (System.nanoTime() - started) / 1e9);
            out.flush();
            long holdingBytes;
            long idBytes;
            try (Admin admin = Admin.create(config.clientProperties())) {
                holdingBytes = topicBytes(admin, changelogName(StoreNames.HOLDING_STATE));
                idBytes = topicBytes(admin, changelogName(StoreNames.SEEN_ORDERS));
            }
            // a guard with no local state: every store comes back from its changelog
            long restoreStart = System.nanoTime();
            long restored;
            double readySeconds;
            long firstSeenAt = 0;
            long firstBatch = 0;
            long lastRestoredAt = 0;
            long memoryLimit = -1;
            long memoryPeak = 0;
            try (GuardService guard = GuardService.create(config, DecisionObserver.NONE)) {
                RocksDBMemory memory = guard.rocksDBMemory().orElse(null);
                memoryLimit = memory == null ? -1 : memory.limit();
                guard.start();
                long expected = holdings + ids;
                long lastCount = -1;
                long lastProgress = System.nanoTime();
                while (guard.restoredRecords() < expected || !guard.isReady()) {
                    BenchStoppedException.check(stopRequested);
                    if (guard.failure().isPresent() || guard.state() == KafkaStreams.State.ERROR
                            || guard.state() == KafkaStreams.State.NOT_RUNNING) {
                        throw new IllegalStateException("the guard stopped while restoring (" + guard.state()
                                + ", restored " + guard.restoredRecords() + " of " + expected + " records)"
                                + guard.failure().map(why -> ": " + why).orElse(""));
                    }
                    long count = guard.restoredRecords();
                    memoryPeak = memory == null ? 0 : Math.max(memoryPeak, memory.used());
                    if (count != lastCount) {
                        lastCount = count;
                        lastProgress = System.nanoTime();
                        if (firstBatch == 0) {
                            firstBatch = count;
                            firstSeenAt = lastProgress;
                        }
                        lastRestoredAt = lastProgress;
                    } else if (System.nanoTime() - lastProgress > RESTORE_STALL.toNanos()) {
                        // a stalled restore is not waited on for half an hour, as it was; a slow one still finishes
                        throw new IllegalStateException("restored " + count + " of " + expected + " records, none in "
                                + "the last " + RESTORE_STALL.toMinutes() + " minutes (" + guard.state() + ")");
                    }
                    Thread.sleep(20);
                }
                readySeconds = (System.nanoTime() - restoreStart) / 1e9;
                restored = guard.restoredRecords();
                if (restored != lastCount) {
                    lastRestoredAt = System.nanoTime(); // the last records came since the last look
                }
            }
            long holdingDisk = directoryBytes(stateRoot.resolve("guard"), StoreNames.HOLDING_STATE);
            long idDisk = directoryBytes(stateRoot.resolve("guard"), StoreNames.SEEN_ORDERS);
            return new Result(holdings, ids, (double) holdingBytes / holdings, ids == 0 ? 0 : (double) idBytes / ids,
                    (double) holdingDisk / holdings, ids == 0 ? 0 : (double) idDisk / ids, readySeconds,
                    (lastRestoredAt - firstSeenAt) / 1e9, restored, firstBatch, memoryLimit, memoryPeak);
        } finally {
            com.lockupguard.registry.InMemorySchemaRegistry.dropScope(scope);
            Utils.delete(stateRoot.toFile());
        }
    }

    public void print(Result result) {
        out.printf(Locale.ROOT, "%n%-50s %12s%n", "state", "measured");
        out.printf(Locale.ROOT, "%-50s %12d%n", "holdings", result.holdings());
        out.printf(Locale.ROOT, "%-50s %12d%n", "remembered order ids", result.ids());
        out.printf(Locale.ROOT, "%-50s %12.0f%n", "changelog bytes per holding (key, value, headers)",
                result.changelogBytesPerHolding());
        out.printf(Locale.ROOT, "%-50s %12.0f%n", "changelog bytes per order id", result.changelogBytesPerId());
        out.printf(Locale.ROOT, "%-50s %12.0f%n", "RocksDB bytes per holding (after restore)",
                result.rocksDbBytesPerHolding());
        out.printf(Locale.ROOT, "%-50s %12.0f%n", "RocksDB bytes per order id (after restore)",
                result.rocksDbBytesPerId());
        out.printf(Locale.ROOT, "%-50s %12.1f%n", "start to running, start-up included (s)", result.readySeconds());
        out.printf(Locale.ROOT, "%-50s %12.1f%n", "first record restored to last (s)", result.restoreSeconds());
        out.printf(Locale.ROOT, "%-50s %12.0f%n", "restored records/s over those (one instance)",
                result.recordsPerSecond());
        if (result.rocksDbMemoryLimit() > 0) {
            out.printf(Locale.ROOT, "%-50s %12s%n", "RocksDB memory in use, most seen / bound (MiB)",
                    String.format(Locale.ROOT, "%.0f / %.0f", result.rocksDbMemoryPeak() / MIB,
                            result.rocksDbMemoryLimit() / MIB));
        } else {
            out.printf(Locale.ROOT, "%-50s %12s%n", "RocksDB memory", "unbounded");
        }
        out.flush();
    }

    private static GuardConfig config(String bootstrapServers, String scope, Path stateDir, Map<String, String> tuning)
            throws IOException {
        Map<String, String> settings = new HashMap<>(tuning);
        settings.put(GuardConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + scope);
        settings.put(GuardConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        settings.put(GuardConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir).toString());
        settings.put(GuardConfig.HTTP_PORT_CONFIG, "-1");
        settings.put(GuardConfig.TOPICS_PARTITIONS_CONFIG, Integer.toString(PARTITIONS));
        settings.put(GuardConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        // the state is written straight to the changelogs, so no position was ever committed on the inputs
        settings.put(GuardConfig.TOPICS_LOST_POSITIONS_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN);
        return new GuardConfig(settings);
    }

    private static String changelogName(String store) {
        return StoreNames.changelogTopic(APPLICATION_ID, store);
    }

    private static NewTopic changelog(String store) {
        return new NewTopic(changelogName(store), PARTITIONS, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /**
     * Writes each holding's state — the letter's agreement, effective, after one approved sale — and its remembered
     * order ids, each with a decision as the guard sends it, to the partition of the holding's task.
     */
    private long writeChangelogs(GuardConfig config, GuardTopics topics, int holdings, int idsPerHolding)
            throws Exception {
        Properties properties = new Properties();
        properties.putAll(config.clientProperties());
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        StateCodec codec = topics.stateCodec();
        LockupRules rules = new LockupRules();
        Instant effective = Instant.parse("2003-07-10T20:30:00Z");
        Instant sold = Instant.parse("2003-07-11T13:45:00Z");
        long ids = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int h = 0; h < holdings; h++) {
                if (h % 1_000 == 0) {
                    BenchStoppedException.check(stopRequested);
                }
                HoldingKey holding = new HoldingKey("investor-" + h, "CBYI");
                String key = holding.asString();
                int partition = InputPartitions.expectedPartition(key, PARTITIONS);
                HoldingState fresh = HoldingState.fresh(AgreementTerms.letter(holding, LocalDate.parse("2003-04-28"),
                        effective));
                Ruling ruling = rules.decide(new OrderRequest("o-" + h, holding.investorId(), holding.securityId(),
                        OrderKind.PUBLIC_SALE, 1_000L), sold, fresh, null);
                producer.send(new ProducerRecord<>(changelogName(StoreNames.HOLDING_STATE), partition, key,
                        codec.encode(new StoredHolding(ruling.stateAfter(), Instant.parse("2003-08-09T04:00:00Z")))));
                Decision decision = DecisionMapper.toAvro(ruling.decision());
                for (int i = 0; i < idsPerHolding; i++) {
                    String orderId = "order-" + h + "-" + i;
                    decision.setOrderId(orderId);
                    byte[] sent = topics.approved().valueSerde().serializer().serialize(topics.approved().name(),
                            decision);
                    RememberedOrder remembered = RememberedOrder.decided(OrderKind.PUBLIC_SALE, 1_000,
                            ruling.decision().outcome(), sent, null, System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(changelogName(StoreNames.SEEN_ORDERS), partition,
                            StoreNames.idKey(key, orderId), codec.encode(remembered)));
                    ids++;
                }
            }
            producer.flush();
        }
        return ids;
    }

    private static long topicBytes(Admin admin, String topic) throws Exception {
        long bytes = 0;
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
        for (var broker : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (var dir : broker.values()) {
                for (Map.Entry<org.apache.kafka.common.TopicPartition, ReplicaInfo> replica
                        : dir.replicaInfos().entrySet()) {
                    if (replica.getKey().topic().equals(topic)) {
                        bytes += replica.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    /** Bytes of the files of {@code store} in every task directory under the state directory. */
    private static long directoryBytes(Path stateDir, String store) throws IOException {
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.filter(Files::isRegularFile)
                    .filter(path -> path.toString().contains("/" + store + "/"))
                    .mapToLong(path -> path.toFile().length())
                    .sum();
        }
    }
}
