package com.lockupguard.app;

import com.lockupguard.metrics.RuntimeVersions;
import com.lockupguard.registry.SchemaBootstrap;
import com.lockupguard.registry.SchemaRegistryException;
import com.lockupguard.state.NewerGuardStateException;
import com.lockupguard.state.RocksDBMemory;
import com.lockupguard.state.RocksDBMemoryConfigSetter;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.topology.EmptiedStateRepair;
import com.lockupguard.topology.FailureCauses;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.GuardTopology;
import com.lockupguard.topology.InputPartitions;
import com.lockupguard.topology.OrderStamps;
import com.lockupguard.topology.OutputMessageLimit;
import com.lockupguard.topology.RegistryOutage;
import com.lockupguard.topology.RunningPartitions;
import com.lockupguard.topology.StoreNames;
import com.lockupguard.topology.StreamsDefaults;
import com.lockupguard.topology.TopologyOptions;
import com.lockupguard.web.ReadinessReason;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard as a Kafka Streams application: provisions and checks its topics and its Kafka
 * permissions, runs the topology, replaces a stream thread that fails (but stops, naming the
 * ACL, when Kafka refuses it one, and when the schema registry refuses its credentials), and
 * reports readiness. It never wipes local state on start: stores are reused, or restored from
 * their changelogs when missing.
 */
public final class GuardService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuardService.class);
    private static final Duration PERMISSION_CHECK_TIMEOUT = Duration.ofSeconds(30);
    /** Kafka Streams' {@code group.protocol} whose groups the admin API cannot remove a member from. */
    private static final String STREAMS_GROUP_PROTOCOL = "streams";
    private static final String TOPICS_CHANGED = "its topics changed under it (an input's partitions added, or a "
            + "topic it reads, writes or keeps its state in deleted)";
    private static final String CHANGELOGS_REFUSED = "Kafka refuses to create its changelogs";
    private static final String TRANSACTIONS_REFUSED = "Kafka refuses its transactions' timeout";
    private static final String SESSION_REFUSED = "Kafka refuses its consumer group session timeout";
    private static final String STATE_REFUSED = "Kafka refuses a record of its state on a changelog";
    private static final String NEWER_STATE = "a newer guard wrote its state";
    private static final String ANSWER_REFUSED = "Kafka refuses a record it writes on one of its topics";
    /** Kafka Streams' words for a record it could not send: "Error encountered sending record to topic T for ...". */
    private static final java.util.regex.Pattern SENT_TO_TOPIC = java.util.regex.Pattern.compile(
            "sending record to topic ([A-Za-z0-9._-]+) for task");
    /** The producer's words for a record refused only because another one of its batch was. */
    private static final String REFUSED_WITH_ITS_BATCH = "Failed to append record because it was part of a batch";
    private static final String INSTANCE_ID_TAKEN = "another instance of the guard took its group.instance.id";

    /**
     * Why the guard stopped on its own.
     *
     * @param kind   the kind of trouble, naming no topic, principal, ACL or host: for whoever can reach /health/ready,
     *               which needs no credential
     * @param reason what a person must fix, as the log says it
     */
    public record Stop(String kind, String reason) {
    }

    private final GuardConfig config;
    private final GuardTopics topics;
    private final KafkaStreams streams;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicInteger replacedThreads = new AtomicInteger();
    private final RestoreProgress restoreProgress;
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
    private volatile Stop stop;
    private volatile boolean closing;
    private volatile TopicWatch topicWatch;
    /** Set once started, unless inputs.waiting.check.interval.ms=0; taken by the one that closes it. */
    private final AtomicReference<WaitingInputs> waitingInputs = new AtomicReference<>();
    /** Failed stream threads waiting for the schema registry before they are replaced ({@link RegistryRecovery}). */
    private final AtomicInteger awaitingRegistry = new AtomicInteger();
    /** Whether {@link #close()} has run (guarded by this). */
    private boolean closed;

    /** The memory the stores share, closed once Kafka Streams has; null when unbounded. */
    private final RocksDBMemory rocksDBMemory;
    private final InputPartitions inputPartitions;
    private final OrderStamps orderStamps;
    private final OutputMessageLimit outputLimit;
    private final RunningPartitions running;
    private final DecisionObserver observer;

    private GuardService(GuardConfig config, GuardTopics topics, KafkaStreams streams, TopologyOptions options,
            OutputMessageLimit outputLimit, RocksDBMemory rocksDBMemory, DecisionObserver observer) {
        this.config = config;
        this.observer = observer;
        this.rocksDBMemory = rocksDBMemory;
        this.restoreProgress = new RestoreProgress(options.emptiedState());
        this.topics = topics;
        this.streams = streams;
        this.inputPartitions = options.inputPartitions();
        this.orderStamps = options.orderStamps();
        this.outputLimit = outputLimit;
        this.running = options.running();
    }

    /** What {@code run} warns of, and {@code config --check} says, when {@code config} is not exactly-once. */
    public static Optional<String> guaranteeWarning(GuardConfig config) {
        String guarantee = config.getString(GuardConfig.PROCESSING_GUARANTEE_CONFIG);
        return StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee) ? Optional.empty()
                : Optional.of(GuardConfig.PROCESSING_GUARANTEE_CONFIG + "=" + guarantee + ": after a crash this guard "
                        + "may count an order's shares twice or not at all, and then approve more than an agreement "
                        + "allows; use " + StreamsConfig.EXACTLY_ONCE_V2 + " outside tests and development");
    }

    /** A service for {@code config}, not yet started; {@code observer} sees every decision. */
    public static GuardService create(GuardConfig config, DecisionObserver observer) {
        if (config.groupInstanceId().isEmpty() && !STREAMS_GROUP_PROTOCOL.equalsIgnoreCase(String.valueOf(
                config.originals().get(StreamsConfig.GROUP_PROTOCOL_CONFIG)).trim())) {
            // docs/OPERATIONS.md recommends one; without it, the stall below went unexplained in the log (a review,
            // killing one of three instances). The streams group protocol has only the killed member's tasks wait
            // (seen).
            LOG.warn("no group.instance.id: an instance killed and started again within session.timeout.ms (45 s by "
                    + "default) waits for the killed member's session to end before it decides again, and so do "
                    + "the other instances of this guard without one, their own holdings included (36-52 s seen); "
                    + "give each instance a group.instance.id of its own, the same at every start (docs/OPERATIONS.md, "
                    + "'Running against a Kafka cluster')");
        }
        Set<String> unknown = ClientSettings.unknown(config);
        if (!unknown.isEmpty()) {
            // Kafka's clients mention what they did not use at INFO, each client apart, and not the guard's own
            LOG.warn("settings neither the guard nor Kafka's clients know, so without effect (misspelt?): {}",
                    String.join(", ", unknown));
        }
        // what an operator otherwise learns only from config --check: the state directory, the standbys, the
        // advertised host, the topics, every default applied. One line, "; " apart (a list's own commas stay
        // readable): the log writes a line break inside a message as a literal \n
        LOG.info("settings (secrets hidden): {}", ShownSettings.of(config).entrySet().stream()
                .map(setting -> setting.getKey() + "=" + setting.getValue()).collect(Collectors.joining("; ")));
        GuardTopics topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
        InputPartitions inputPartitions = new InputPartitions();
        TopologyOptions options = TopologyOptions.service()
                .withPunctuationInterval(Duration.ofMillis(config.getLong(
                        GuardConfig.POSITIONS_PUNCTUATION_INTERVAL_MS_CONFIG)))
                .withInputPartitions(inputPartitions)
                .withIdRetention(config.idRetention().orElse(null));
        Topology topology = GuardTopology.build(topics, observer, options);
        OutputMessageLimit outputLimit = OutputMessageLimit.unchecked();
        Properties properties = StreamsDefaults.errorHandling(config.topicNames(), observer, outputLimit);
        properties.putAll(config.streamsProperties());
        RocksDBMemory memory = rocksDBMemory(config, properties);
        GuardService service;
        try {
            StreamsConfig streamsConfig = new StreamsConfig(properties); // fails here, naming a bad setting
            service = new GuardService(config, topics, streams(topology, streamsConfig), options, outputLimit, memory,
                    observer);
        } catch (RuntimeException | Error e) {
            if (memory != null) {
                memory.close();
            }
            throw e;
        }
        service.streams.setStateListener(service::onStateChange);
        service.streams.setUncaughtExceptionHandler(service::onThreadFailure);
        service.streams.setGlobalStateRestoreListener(service.restoreProgress);
        return service;
    }

    /**
     * The memory every RocksDB store of the guard shares, put into its Kafka Streams {@code properties} with the
     * user's {@code rocksdb.config.setter}, if any, to run after it; null with {@code rocksdb.memory.bytes=-1}. A
     * setter that is not one is refused here, naming the setting, rather than by every store as it opens.
     */
    private static RocksDBMemory rocksDBMemory(GuardConfig config, Properties properties) {
        String name = StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG;
        Object given = properties.get(name);
        Class<?> userSetter = given == null ? null : (Class<?>) ConfigDef.parseType(name,
                given instanceof String text ? text.trim() : given, ConfigDef.Type.CLASS);
        if (userSetter != null && !RocksDBConfigSetter.class.isAssignableFrom(userSetter)) {
            throw new ConfigException(name, given, "is not a " + RocksDBConfigSetter.class.getName());
        }
        long bytes = config.getLong(GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG);
        if (bytes == -1) {
            if (userSetter == RocksDBMemoryConfigSetter.class) {
                throw new ConfigException(name, given, "is the guard's own, which shares rocksdb.memory.bytes: it "
                        + "cannot with rocksdb.memory.bytes=-1");
            }
            return null;
        }
        RocksDBMemory memory = RocksDBMemory.of(bytes,
                config.getDouble(GuardConfig.ROCKSDB_MEMORY_WRITE_BUFFER_RATIO_CONFIG));
        memory.applyTo(properties, userSetter);
        return memory;
    }

    /** Warns when the memtables' share of the RocksDB memory cannot hold a block of every store it may hold. */
    private void warnOfMemtablesThatDoNotFit(int partitions) {
        if (rocksDBMemory != null) {
            MemtableFit.of(config, partitions).filter(fit -> !fit.fits()).map(MemtableFit::describe)
                    .ifPresent(LOG::warn);
        }
    }

    /** Provisions and checks the topics and the registry's schemas, then starts processing. */
    public void start() throws InterruptedException {
        if (closing) {
            throw new IllegalStateException("the guard was stopped before it started");
        }
        Admin admin = Admin.create(config.adminProperties());
        TopicWatch watch = new TopicWatch(admin, config, outputLimit);
        try {
            provision(admin, watch);
            topicWatch = watch;
            topics.registry().ifPresent(registry -> {
                boolean autoRegister = config.getBoolean(GuardConfig.AUTO_REGISTER_SCHEMAS_CONFIG);
                SchemaBootstrap schemas = new SchemaBootstrap(registry, autoRegister);
                schemas.ensure(topics.subjects());
                if (!autoRegister && config.getInt(GuardConfig.HTTP_PORT_CONFIG) >= 0) {
                    // the orders the API sends: the desks' producers may write them under another version, so a
                    // start is not refused for it, but every POST /api/orders would be answered 502
                    schemas.whyNotWritable(topics.ordersWritten()).ifPresent(why -> LOG.warn("POST /api/orders "
                            + "cannot send orders, and answers 502, until this is mended: {}", why));
                }
            });
            LOG.info("starting guard '{}' on {} with {}, release dates counted with the time-zone rules {} of Java {}",
                    config.getString(GuardConfig.APPLICATION_ID_CONFIG),
                    String.join(",", config.getList(GuardConfig.BOOTSTRAP_SERVERS_CONFIG)),
                    config.getString(GuardConfig.PROCESSING_GUARANTEE_CONFIG), RuntimeVersions.zoneRules(),
                    Runtime.version());
            guaranteeWarning(config).ifPresent(LOG::warn);
            CredentialsInClear.of(config).forEach(LOG::warn);
            streams.start();
            watch.repeatEvery(Duration.ofMillis(config.getLong(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG)),
                    this::stopOnItsOwn);
            if (config.getLong(GuardConfig.INPUTS_WAITING_CHECK_INTERVAL_MS_CONFIG) > 0) {
                WaitingInputs inputs = WaitingInputs.of(config, inputPartitions.count(), Clock.systemUTC());
                waitingInputs.set(inputs);
                inputs.start();
                if (closing) {
                    closeWaitingInputs(); // closed while it started: close() may have looked before it was set
                }
            }
        } catch (RuntimeException | Error | InterruptedException e) {
            topicWatch = null;
            watch.close();
            closeWaitingInputs();
            throw e;
        }
    }

    /** Creates and checks the topics, the permissions, and the limits of what the guard may write to them. */
    private void provision(Admin admin, TopicWatch watch) throws InterruptedException {
        TopicProvisioner provisioner = TopicProvisioner.from(admin, config);
        try {
            provisioner.createMissing(config.getBoolean(GuardConfig.TOPICS_CREATE_CONFIG));
        } catch (IllegalStateException e) {
            throw explained(e, AclOperation.CREATE);
        }
        // every permission Kafka can be asked about, before Kafka Streams meets a missing one mid-way
        KafkaAuthorization.verify(admin, config, PERMISSION_CHECK_TIMEOUT);
        // and the changelogs' replication, before Kafka Streams is refused them at every thread's start
        Optional<String> replication = ChangelogReplication.refusal(admin, config, PERMISSION_CHECK_TIMEOUT);
        if (replication.isPresent()) {
            throw new IllegalStateException(replication.get());
        }
        // and their topic.* settings, which Kafka Streams passes on to them
        Optional<String> settings = ChangelogSettings.refusal(admin, config, PERMISSION_CHECK_TIMEOUT);
        if (settings.isPresent()) {
            throw new IllegalStateException(settings.get());
        }
        // and their producers' transaction timeout, which a broker refuses at every thread's start when too long
        Optional<String> transactions = TransactionTimeout.refusal(admin, config, PERMISSION_CHECK_TIMEOUT);
        if (transactions.isPresent()) {
            throw new IllegalStateException(transactions.get());
        }
        try {
            TopicProvisioner.Verified verified = provisioner.verify();
            inputPartitions.set(verified.partitions());
            // as the topic stamps orders, not as the setting would have created it: the two may differ
            observer.ordersStampedOnArrival(verified.ordersStampedOnArrival());
            orderStamps.set(verified.ordersStampedOnArrival());
            warnOfMemtablesThatDoNotFit(verified.partitions());
            watch.read(verified);
        } catch (IllegalStateException e) {
            throw explained(e, AclOperation.DESCRIBE_CONFIGS);
        }
        checkHistory(admin, watch);
    }

    /**
     * Refuses, or warns, when this guard's state or its positions on the inputs were deleted since it last ran, or when
     * another guard's decisions are on the outputs of this never-run one; hands the watch the changelogs as they are.
     * A check the cluster does not answer is logged and skipped; the others still run.
     */
    private void checkHistory(Admin admin, TopicWatch watch) throws InterruptedException {
        Collection<TopicListing> listings;
        Set<String> existing;
        GuardHistory history;
        try {
            listings = AdminRequests.retrying(PERMISSION_CHECK_TIMEOUT, () -> admin.listTopics().listings());
            existing = listings.stream().map(TopicListing::name).collect(Collectors.toSet());
            history = GuardHistory.read(admin, config, existing, PERMISSION_CHECK_TIMEOUT);
        } catch (IllegalStateException e) {
            // a safety check skipped: the start goes on, as it must where the cluster does not let the guard look
            LOG.warn("whether the guard's state and positions are there, and whether another guard's decisions are on "
                    + "its topics, is not checked, and the guard starts without it: {}", e.getMessage());
            return;
        }
        watch.rememberTopics(listings);
        for (HistoryChecks.Finding finding : HistoryChecks.run(admin, config, history, existing,
                PERMISSION_CHECK_TIMEOUT, (what, failure) -> LOG.warn("{} is not checked, and the guard starts "
                        + "without it: {}", what, failure.getMessage()))) {
            refuseOrWarn(finding);
        }
        try {
            // nothing to refuse for (they are gone, and a restart would not bring them back), but loud
            DeletedUnread.find(admin, history, PERMISSION_CHECK_TIMEOUT).forEach(lost -> LOG.error(
                    "input records lost: {}", lost));
        } catch (IllegalStateException e) {
            LOG.warn("whether input records were deleted before the guard read them is not checked: {}",
                    e.getMessage());
        }
    }

    /** Refuses to start for {@code finding}, or warns of it, as its setting says. */
    private void refuseOrWarn(HistoryChecks.Finding finding) {
        if (finding.refuses(config)) {
            throw new IllegalStateException(finding.reason());
        }
        LOG.warn("{}={}: starting although {}", finding.setting(), GuardConfig.RETENTION_CHECK_WARN,
                finding.warning());
    }

    private void onStateChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        state = newState;
        if (newState == KafkaStreams.State.ERROR) {
            LOG.error("guard state {} -> {}: no stream thread is left; the instance stops", oldState, newState);
        } else {
            LOG.info("guard state {} -> {}", oldState, newState);
        }
        if (newState == KafkaStreams.State.NOT_RUNNING && rocksDBMemory != null) {
            // every stream thread has ended, so no store is open or opens: after a close that outlasted its time too
            rocksDBMemory.close();
        }
        if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
            terminated.countDown();
        }
    }

    private IllegalStateException explained(IllegalStateException failure, AclOperation operation) {
        return KafkaAuthorization.explain(failure, config, operation).<IllegalStateException>map(e -> e)
                .orElse(failure);
    }

    /** The guard stopped on its own, for {@code reason}: said in the log and on /health/ready. */
    private StreamThreadExceptionResponse stopsFor(String kind, String reason) {
        stop = new Stop(kind, reason);
        LOG.error("the guard stops: {}", reason);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /**
     * Why the guard must stop, when {@code failure} is Kafka refusing a record the guard sends, for good: a replaced
     * stream thread would send the same record again (seen: replaced for ever, 45 s apart). On one of its changelogs,
     * for its size or its timestamp: the changelog's own {@code max.message.bytes} or {@code message.timestamp.*}
     * limits, or the producer's own. On a topic it writes, for anything but its size (a timestamp outside what the
     * topic was altered to take: Kafka 4.4 says so with an InvalidTimestampException for one record of a batch, an
     * {@link InvalidRecordException} for several, and a plain KafkaException for their batch-mates): a size the
     * replacement keeps within, reading the topic's limit again.
     */
    private java.util.Optional<Stop> recordRefused(Throwable failure) {
        java.util.Optional<Throwable> refusal = FailureCauses.of(failure).stream()
                .filter(cause -> cause instanceof RecordTooLargeException || cause instanceof InvalidRecordException
                        || cause instanceof org.apache.kafka.common.errors.InvalidTimestampException
                        // the first record of a batch refused for another of its records is what Kafka Streams keeps
                        || cause instanceof KafkaException
                                && String.valueOf(cause.getMessage()).startsWith(REFUSED_WITH_ITS_BATCH))
                .findFirst();
        java.util.Optional<String> topic = FailureCauses.of(failure).stream()
                .map(cause -> SENT_TO_TOPIC.matcher(String.valueOf(cause.getMessage())))
                .filter(java.util.regex.Matcher::find).map(found -> found.group(1)).findFirst();
        if (refusal.isEmpty() || topic.isEmpty()) {
            return java.util.Optional.empty();
        }
        String applicationId = config.getString(GuardConfig.APPLICATION_ID_CONFIG);
        boolean changelog = Stream.concat(StoreNames.withChangelogs().stream(), Stream.of(StoreNames.ID_SWEEP))
                .map(store -> StoreNames.changelogTopic(applicationId, store)).anyMatch(topic.get()::equals);
        String refused = refusal.get().getMessage();
        // the producer's own limits refuse a record before any broker sees it ("... which is the value of the
        // max.request.size configuration"): those are the settings to raise, not the topic's
        boolean producerLimit = String.valueOf(refused).contains("max.request.size")
                || String.valueOf(refused).contains("buffer.memory");
        String raiseProducerLimit = "the producer's max.request.size or buffer.memory (producer.* settings) is too "
                + "small for it; raise it, and start the guard again";
        String relaxChangelog = "the changelog's max.message.bytes or message.timestamp.before.max.ms / after.max.ms "
                + "(a topic.* setting, or altered on the topic) is too strict for it; remove the limit from the "
                + "changelog (and the topic.* setting), and start the guard again";
        if (changelog) {
            return java.util.Optional.of(new Stop(STATE_REFUSED, "Kafka refuses a record of the guard's state on its "
                    + "changelog " + topic.get() + " (" + refused + "): "
                    + (producerLimit ? raiseProducerLimit : relaxChangelog)));
        }
        if (refusal.get() instanceof RecordTooLargeException || !config.topicNames().all().contains(topic.get())
                || config.topicNames().inputs().contains(topic.get())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Stop(ANSWER_REFUSED, "Kafka refuses a record the guard writes on its topic "
                + topic.get() + " (" + refused + "), and a replaced stream thread would send the same record again: "
                + "change on the topic what keeps it out (a message.timestamp.before.max.ms or after.max.ms: each "
                + "answer carries the timestamp of the record it answers, however old or new; `config --check` names "
                + "what the guard needs), and start the guard again"));
    }

    /** What the failure of a stream thread leads to: a replaced thread, or the guard stopped, saying why. */
    StreamThreadExceptionResponse onThreadFailure(Throwable failure) {
        java.util.Optional<MissingPermissionException> denied = KafkaAuthorization.explain(failure, config, null);
        if (denied.isPresent()) {
            // a missing ACL does not come back by itself: a replaced thread would fail the same way, forever
            return stopsFor(ReadinessReason.KAFKA_DENIES, denied.get().getMessage());
        }
        java.util.Optional<SchemaRegistryException.NotAuthorized> refused = RegistryOutage.refusal(failure);
        if (refused.isPresent()) {
            // nor do refused registry credentials: every replacement would stop at the same record
            return stopsFor(ReadinessReason.REGISTRY_REFUSES, refused.get().getMessage());
        }
        java.util.Optional<InvalidReplicationFactorException> replicas = FailureCauses.find(failure,
                InvalidReplicationFactorException.class);
        if (replicas.isPresent()) {
            // brokers gone since the start-up check counted them: each replacement would ask for the same replicas
            String reason = "Kafka refuses to create the guard's changelogs (" + replicas.get().getMessage() + "): set "
                    + "replication.factor to at most the cluster's brokers, or -1, and start it again";
            return stopsFor(CHANGELOGS_REFUSED, reason);
        }
        // that class itself: a record the broker refuses (InvalidRecordException), a failed login
        // (AuthenticationException) and more are InvalidConfigurationExceptions too, and are no setting of a changelog
        java.util.Optional<Throwable> invalid = FailureCauses.of(failure).stream()
                .filter(cause -> cause.getClass() == InvalidConfigurationException.class).findFirst();
        if (invalid.isPresent()) {
            // a topic.* value the broker refuses on every changelog (one the start-up check could not ask about):
            // each replacement would ask for the same
            String reason = "Kafka refuses to create the guard's changelogs (" + invalid.get().getMessage() + "): "
                    + "correct or remove the topic.* setting named, which Kafka Streams passes on to them, and start "
                    + "it again";
            return stopsFor(CHANGELOGS_REFUSED, reason);
        }
        java.util.Optional<NewerGuardStateException> newer = FailureCauses.find(failure,
                NewerGuardStateException.class);
        if (newer.isPresent()) {
            // a replaced thread would meet the same value; stopped, its tasks go to the newer instances
            return stopsFor(NEWER_STATE, "this guard meets state a newer guard wrote (" + newer.get().getMessage()
                    + "): it stops rather than leave the orders of those holdings undecided. Run only the newer "
                    + "version on application.id=" + config.getString(GuardConfig.APPLICATION_ID_CONFIG) + "; its "
                    + "instances decide what this one did not (docs/HOW-IT-WORKS.md, Stores)");
        }
        java.util.Optional<Stop> recordRefused = recordRefused(failure);
        if (recordRefused.isPresent()) {
            // a topic's own limits (topic.* given, or altered since): each replacement would send the same record
            return stopsFor(recordRefused.get().kind(), recordRefused.get().reason());
        }
        java.util.Optional<InvalidSessionTimeoutException> session = FailureCauses.find(failure,
                InvalidSessionTimeoutException.class);
        if (session.isPresent()) {
            // refused before it joins the group: each replacement is refused at once (seen: 30 a second, for ever)
            String given = Stream.of(StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX, "")
                    .map(prefix -> prefix + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)
                    .filter(config.originals()::containsKey).findFirst()
                    .map(name -> name + "=" + config.originals().get(name))
                    .orElse(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG + " (Kafka's default, 45000)");
            String reason = "Kafka refuses the guard's group session (" + session.get().getMessage() + "): set "
                    + given + " within the brokers' group.min.session.timeout.ms and group.max.session.timeout.ms "
                    + "(6000 and 1800000 by default), and start the guard again";
            return stopsFor(SESSION_REFUSED, reason);
        }
        java.util.Optional<String> transactions = TransactionTimeout.stopFor(failure, config);
        if (transactions.isPresent()) {
            // a transaction timeout the brokers do not allow: each replacement would ask for the same
            return stopsFor(TRANSACTIONS_REFUSED, transactions.get());
        }
        java.util.Optional<FencedInstanceIdException> fenced = FailureCauses.find(failure,
                FencedInstanceIdException.class);
        if (fenced.isPresent()) {
            // two instances under one group.instance.id (a copied configuration): a replaced thread would join
            // under the next thread's id, and every later restart of either instance would fence the other's thread
            String reason = "another instance of this guard joined its group under the same "
                    + config.groupInstanceIdSetting().orElse(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
                    + ", and Kafka let that one in: give each instance its own group.instance.id, the same at every "
                    + "restart, and start this one again";
            return stopsFor(INSTANCE_ID_TAKEN, reason);
        }
        TopicWatch watch = topicWatch;
        java.util.Optional<String> mustStop = watch == null ? java.util.Optional.empty() : watch.mustStop();
        if (mustStop.isPresent()) {
            // Kafka Streams fails every rebalance once it sees new input partitions, and would create a deleted
            // changelog again, empty, and restore from it: a replaced thread must not
            return stopsFor(TOPICS_CHANGED, mustStop.get());
        }
        int replaced = replacedThreads.incrementAndGet();
        LOG.error("a stream thread failed; replacing it (replacement #{}). Its open transaction is aborted and its "
                + "tasks resume from the last commit.", replaced, failure);
        if (watch != null && FailureCauses.find(failure, RecordTooLargeException.class).isPresent()) {
            // an operator lowered a topic's max.message.bytes since it was last read: the replacement keeps within it
            watch.readLimitAgain();
        }
        if (RegistryOutage.causes(failure)) {
            // a replacement would restore its tasks only to fail on the same record while the registry is away
            topics.registry().ifPresent(registry -> {
                // meanwhile Kafka Streams still says RUNNING, and the failed thread's stores, open until it is
                // replaced, hold what its aborted transaction wrote: not ready, and no query reads them
                awaitingRegistry.incrementAndGet();
                try {
                    new RegistryRecovery(registry, RegistryRecovery.PROBE_INTERVAL, RegistryRecovery.MAX_WAIT,
                            () -> closing).awaitAnswer();
                } finally {
                    awaitingRegistry.decrementAndGet();
                }
            });
        }
        if (FailureCauses.find(failure, MissingSourceTopicException.class).isEmpty()) {
            // (Kafka Streams keeps a thread that met a missing source topic, whatever the answer)
            removeMemberOnceEnded(Thread.currentThread());
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /**
     * Kafka Streams made for {@code topology}; a state directory another instance holds refused in the guard's words
     * (Kafka Streams says "Unable to initialize state, this can happen if multiple instances of Kafka Streams are
     * running in the same state directory", under its class name).
     */
    private static KafkaStreams streams(Topology topology, StreamsConfig config) {
        try {
            return new KafkaStreams(topology, config);
        } catch (StreamsException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("Unable to initialize state")) {
                throw e;
            }
            String applicationId = config.getString(StreamsConfig.APPLICATION_ID_CONFIG);
            throw new IllegalStateException("the state directory " + java.nio.file.Path.of(config.getString(
                    StreamsConfig.STATE_DIR_CONFIG), applicationId) + " is held by another instance of this guard "
                    + "(application.id=" + applicationId + ") on this machine: give each instance a state.dir of its "
                    + "own, or stop the other", e);
        }
    }

    /**
     * With static membership under the classic group protocol, has the member of {@code failed}, a stream thread about
     * to be replaced, removed from the group once it has ended ({@link FailedThreadMember}).
     */
    private void removeMemberOnceEnded(Thread failed) {
        if (STREAMS_GROUP_PROTOCOL.equalsIgnoreCase(String.valueOf(config.originals().get(
                StreamsConfig.GROUP_PROTOCOL_CONFIG)).trim())) {
            LOG.info("the failed stream thread's member is left to its session: under group.protocol=streams the "
                    + "admin API cannot remove a member");
            return;
        }
        String threadName = failed.getName();
        config.groupInstanceId().flatMap(id -> FailedThreadMember.instanceId(id, threadName)).ifPresent(member ->
                FailedThreadMember.removeOnceEnded(failed, config.getString(GuardConfig.APPLICATION_ID_CONFIG), member,
                        config.adminProperties(), () -> closing ? "the guard stops" : threadRunsNamed(threadName)
                                ? "a new stream thread took its index, and the member is its own" : null));
    }

    /** Whether a stream thread of this guard that has not ended is named {@code name}: one that took its index. */
    private boolean threadRunsNamed(String name) {
        return streams.metadataForLocalThreads().stream().anyMatch(thread -> thread.threadName().equals(name)
                && !"DEAD".equals(thread.threadState()));
    }

    /**
     * Stops the guard, from the topic watch: once partitions were added to its inputs, before Kafka Streams sees them
     * (up to {@code metadata.max.age.ms} later), leaving the orders on the new partitions undecided meanwhile; once a
     * changelog of its state was deleted, before a rebalance creates it again and a task restores nothing from it; once
     * a topic it writes was deleted, on which every transaction with an answer for it waits.
     */
    private void stopOnItsOwn(String reason) {
        stop = new Stop(TOPICS_CHANGED, reason);
        LOG.error("the guard stops: {}", reason);
        // on a thread of its own: the watch's thread must not wait for the stream threads, and a stream thread stuck
        // on a deleted topic never stops, so that only close()'s time limit ends the wait of those who await the end
        Thread closer = new Thread(this::close, "lockup-guard-stop");
        closer.setDaemon(true);
        closer.start();
    }

    /**
     * How many problems the last check of the guard's topics found while it runs: settings that would delete records
     * it has not read or must keep, or refuse its answers (each logged at ERROR with its fix).
     */
    public int topicProblems() {
        TopicWatch watch = topicWatch;
        return watch == null ? 0 : watch.topicProblems();
    }

    /**
     * Ready to decide: every task is running (not rebalancing or restoring), no failed thread waits for the schema
     * registry, and the guard has not decided to stop (Kafka Streams leaves RUNNING a moment after the guard has, on
     * the thread that closes it).
     */
    public boolean isReady() {
        return stop == null && !awaitingRegistry() && state == KafkaStreams.State.RUNNING;
    }

    /** The inputs' partition count, once the start-up check has read it. */
    public InputPartitions inputPartitions() {
        return inputPartitions;
    }

    /**
     * What waits on the inputs to be decided, as the cluster shows it; empty before the start and with
     * {@code inputs.waiting.check.interval.ms=0}.
     */
    public java.util.Optional<WaitingInputs> waitingInputs() {
        return java.util.Optional.ofNullable(waitingInputs.get());
    }

    /** The input partitions whose task runs here, restored: the holdings queries may read from this instance. */
    public RunningPartitions runningPartitions() {
        return running;
    }

    /** Whether a failed stream thread waits for the schema registry to answer again before it is replaced. */
    public boolean awaitingRegistry() {
        return awaitingRegistry.get() > 0;
    }

    public KafkaStreams.State state() {
        return state;
    }

    /** Why the guard stopped on its own, when it did for a reason a person must fix (a missing ACL). */
    public java.util.Optional<String> failure() {
        return stopped().map(Stop::reason);
    }

    /** What kind of {@link #failure()} stopped the guard: its {@link Stop#kind()}. */
    public java.util.Optional<String> failureKind() {
        return stopped().map(Stop::kind);
    }

    /** Why the guard stopped on its own, and its kind, as one: both were set together. */
    public java.util.Optional<Stop> stopped() {
        return java.util.Optional.ofNullable(stop);
    }

    public int replacedThreads() {
        return replacedThreads.get();
    }

    /**
     * Tasks rebuilt from their changelogs' start since start, after Kafka Streams began restoring one into an empty
     * store from the middle of its changelog ({@link EmptiedStateRepair}).
     */
    public long rebuiltTasks() {
        return restoreProgress.rebuiltTasks();
    }

    /** Records restored from changelogs since start: non-zero after a start without local state. */
    public long restoredRecords() {
        return restoreProgress.restoredRecords();
    }

    /** Waits until the guard is running; false if it did not get there in time. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady() && System.nanoTime() < deadline) {
            if (terminated.await(50, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return isReady();
    }

    /** The memory the RocksDB stores share, unless {@code rocksdb.memory.bytes=-1}. */
    public Optional<RocksDBMemory> rocksDBMemory() {
        return Optional.ofNullable(rocksDBMemory);
    }

    /** Blocks until the guard stops (closed, or failed with no thread left). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public GuardTopics topics() {
        return topics;
    }

    public GuardConfig config() {
        return config;
    }

    /**
     * Stops gracefully: commits what is processed, leaves the group, keeps local state for the next start. Once: a
     * second call (the shutdown hook, after the guard stopped on its own) waits for the first to end, and does not
     * wait out {@code shutdown.timeout.ms} again for a stream thread that did not stop within the first.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration timeout = Duration.ofMillis(config.getLong(GuardConfig.SHUTDOWN_TIMEOUT_MS_CONFIG));
        LOG.info("stopping guard (up to {} s)", timeout.toSeconds());
        closing = true;
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(timeout));
        if (!clean) {
            LOG.warn("guard did not stop within {} s", timeout.toSeconds());
        } else if (rocksDBMemory != null) {
            // else a stream thread still running could open a store yet: freed once Kafka Streams is NOT_RUNNING
            rocksDBMemory.close();
        }
        TopicWatch watch = topicWatch;
        if (watch != null) {
            watch.close();
        }
        closeWaitingInputs();
        terminated.countDown();
    }

    private void closeWaitingInputs() {
        WaitingInputs inputs = waitingInputs.getAndSet(null);
        if (inputs != null) {
            inputs.close();
        }
    }
}
