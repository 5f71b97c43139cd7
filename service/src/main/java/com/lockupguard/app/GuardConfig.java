package com.lockupguard.app;

import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.serde.AvroSerdeConfig;
import com.lockupguard.topology.StoreNames;
import com.lockupguard.topology.TopicNames;
import com.lockupguard.topology.TopologyOptions;
import com.lockupguard.web.LoopbackHost;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting of the guard in one place: its type, default, documentation and validation.
 * Settings not defined here (any Kafka Streams, consumer, producer, admin or security property:
 * {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...) pass through unchanged to
 * Kafka Streams and its clients, and to the Avro serdes; the guard's own clients take theirs as
 * Kafka Streams' clients do ({@link #adminProperties()}, ...).
 */
public final class GuardConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS_CONFIG = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
    public static final String APPLICATION_ID_CONFIG = StreamsConfig.APPLICATION_ID_CONFIG;
    public static final String SCHEMA_REGISTRY_URL_CONFIG = AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG;
    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG;
    public static final String PROCESSING_GUARANTEE_CONFIG = StreamsConfig.PROCESSING_GUARANTEE_CONFIG;
    public static final String NUM_STANDBY_REPLICAS_CONFIG = StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG;
    public static final String REPLICATION_FACTOR_CONFIG = StreamsConfig.REPLICATION_FACTOR_CONFIG;
    public static final String COMMIT_INTERVAL_MS_CONFIG = StreamsConfig.COMMIT_INTERVAL_MS_CONFIG;
    public static final String POLL_MS_CONFIG = StreamsConfig.POLL_MS_CONFIG;
    public static final String NUM_STREAM_THREADS_CONFIG = StreamsConfig.NUM_STREAM_THREADS_CONFIG;
    public static final String STATE_DIR_CONFIG = StreamsConfig.STATE_DIR_CONFIG;

    public static final String TOPIC_AGREEMENTS_CONFIG = "topic.agreements";
    public static final String TOPIC_ORDERS_CONFIG = "topic.orders";
    public static final String TOPIC_APPROVED_CONFIG = "topic.approved";
    public static final String TOPIC_BLOCKED_CONFIG = "topic.blocked";
    public static final String TOPIC_DEAD_LETTERS_CONFIG = "topic.dead.letters";
    public static final String TOPIC_POSITIONS_CONFIG = "topic.positions";
    public static final String TOPIC_AGREEMENT_AUDIT_CONFIG = "topic.agreement.audit";
    public static final String TOPIC_EXECUTION_RESULTS_CONFIG = "topic.execution.results";
    public static final String TOPIC_COMPLIANCE_ALERTS_CONFIG = "topic.compliance.alerts";
    public static final String POSITIONS_PUNCTUATION_INTERVAL_MS_CONFIG = "positions.punctuation.interval.ms";
    public static final String ORDER_IDS_RETENTION_MS_CONFIG = "order.ids.retention.ms";
    public static final String HTTP_HOST_CONFIG = "http.host";
    public static final String HTTP_PORT_CONFIG = "http.port";
    public static final String HTTP_ADVERTISED_HOST_CONFIG = "http.advertised.host";
    public static final String HTTP_CLIENT_IPV6_PREFIX_LENGTH_CONFIG = "http.client.ipv6.prefix.length";
    public static final String API_TOKEN_CONFIG = "api.token";
    public static final String API_DECISION_TIMEOUT_MS_CONFIG = "api.decision.timeout.ms";
    public static final String TOPICS_CREATE_CONFIG = "topics.create";
    public static final String TOPICS_PARTITIONS_CONFIG = "topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR_CONFIG = "topics.replication.factor";
    public static final String ORDERS_TIMESTAMP_TYPE_CONFIG = "orders.timestamp.type";
    public static final String TOPICS_DECISIONS_RETENTION_MS_CONFIG = "topics.decisions.retention.ms";
    public static final String TOPICS_ORDERS_RETENTION_MS_CONFIG = "topics.orders.retention.ms";
    public static final String TOPICS_RETENTION_CHECK_CONFIG = "topics.retention.check";
    public static final String TOPICS_EXISTING_DECISIONS_CHECK_CONFIG = "topics.existing.decisions.check";
    public static final String TOPICS_LOST_STATE_CHECK_CONFIG = "topics.lost.state.check";
    public static final String TOPICS_LOST_POSITIONS_CHECK_CONFIG = "topics.lost.positions.check";
    public static final String TOPICS_CHECK_INTERVAL_MS_CONFIG = "topics.check.interval.ms";
    public static final String INPUTS_WAITING_CHECK_INTERVAL_MS_CONFIG = "inputs.waiting.check.interval.ms";
    /** The {@code segment.bytes} of the changelogs Kafka Streams creates, unless {@code topic.segment.bytes} is set. */
    static final int CHANGELOG_SEGMENT_BYTES = 64 * 1024 * 1024;
    public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "shutdown.timeout.ms";
    public static final String ROCKSDB_MEMORY_BYTES_CONFIG = "rocksdb.memory.bytes";
    public static final String ROCKSDB_MEMORY_WRITE_BUFFER_RATIO_CONFIG = "rocksdb.memory.write.buffer.ratio";
    /** The default {@code rocksdb.memory.bytes}. */
    static final long ROCKSDB_MEMORY_BYTES = 256L * 1024 * 1024;
    /** The least {@code rocksdb.memory.bytes}: its memtables' share then holds a memtable block of 56 stores. */
    static final long ROCKSDB_MEMORY_LEAST_BYTES = 16L * 1024 * 1024;

    public static final String LOG_APPEND_TIME = "LogAppendTime";
    public static final String CREATE_TIME = "CreateTime";
    public static final String RETENTION_CHECK_FAIL = "fail";
    public static final String RETENTION_CHECK_WARN = "warn";
    /** Kafka's own default retention: how long a LogAppendTime orders topic the guard creates keeps orders. */
    public static final long LOG_APPEND_TIME_ORDERS_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

    // ---- security of the HTTP API: authentication (bearer JWTs, static tokens) and TLS

    public static final String API_SERVICE_TOKEN_CONFIG = "api.service.token";
    public static final String API_AUTH_JWT_JWKS_URL_CONFIG = "api.auth.jwt.jwks.url";
    public static final String API_AUTH_JWT_JWKS_FILE_CONFIG = "api.auth.jwt.jwks.file";
    public static final String API_AUTH_JWT_JWKS_CACHE_MS_CONFIG = "api.auth.jwt.jwks.cache.ms";
    public static final String API_AUTH_JWT_ISSUER_CONFIG = "api.auth.jwt.issuer";
    public static final String API_AUTH_JWT_AUDIENCE_CONFIG = "api.auth.jwt.audience";
    public static final String API_AUTH_JWT_ALGORITHMS_CONFIG = "api.auth.jwt.algorithms";
    public static final String API_AUTH_JWT_CLOCK_SKEW_MS_CONFIG = "api.auth.jwt.clock.skew.ms";
    public static final String API_AUTH_JWT_ROLES_CLAIM_CONFIG = "api.auth.jwt.roles.claim";
    public static final String API_AUTH_ROLE_READ_CONFIG = "api.auth.role.read";
    public static final String API_AUTH_ROLE_SUBMIT_CONFIG = "api.auth.role.submit";
    public static final String HTTP_SSL_KEYSTORE_LOCATION_CONFIG = "http.ssl.keystore.location";
    public static final String HTTP_SSL_KEYSTORE_PASSWORD_CONFIG = "http.ssl.keystore.password";
    public static final String HTTP_SSL_KEY_PASSWORD_CONFIG = "http.ssl.key.password";
    public static final String HTTP_SSL_KEYSTORE_TYPE_CONFIG = "http.ssl.keystore.type";
    public static final String HTTP_SSL_ENABLED_PROTOCOLS_CONFIG = "http.ssl.enabled.protocols";
    public static final String HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG = "http.ssl.truststore.location";
    public static final String HTTP_SSL_TRUSTSTORE_PASSWORD_CONFIG = "http.ssl.truststore.password";
    public static final String HTTP_SSL_TRUSTSTORE_TYPE_CONFIG = "http.ssl.truststore.type";

    public static final List<String> API_AUTH_JWT_ALGORITHMS_DEFAULT = List.of("RS256", "ES256");
    public static final long API_AUTH_JWT_CLOCK_SKEW_MS_DEFAULT = 30_000L;
    public static final long API_AUTH_JWT_JWKS_CACHE_MS_DEFAULT = 300_000L;
    public static final String API_AUTH_JWT_ROLES_CLAIM_DEFAULT = "scope";
    public static final String API_AUTH_ROLE_READ_DEFAULT = "lockup-guard:read";
    public static final String API_AUTH_ROLE_SUBMIT_DEFAULT = "lockup-guard:submit";
    public static final String STORE_TYPE_PKCS12 = "PKCS12";
    public static final String STORE_TYPE_JKS = "JKS";
    public static final List<String> HTTP_SSL_ENABLED_PROTOCOLS_DEFAULT = List.of("TLSv1.3", "TLSv1.2");

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, "localhost:9092", Importance.HIGH,
                    "Kafka brokers to connect to, host:port[,host:port...].")
            .define(APPLICATION_ID_CONFIG, Type.STRING, "lockup-guard", new KafkaName(true),
                    Importance.HIGH, "Kafka Streams application id: consumer group, transactional id prefix and "
                            + "internal topic prefix. Every instance of one guard uses the same id.")
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, "http://localhost:8081", new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Confluent-compatible schema registry URL(s), comma-separated; mock://<scope> "
                            + "for an in-memory registry (tests, replay).")
            .define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the guard's schemas at start. Set false in production, where schemas are registered "
                            + "by a deployment step: the guard then refuses to start if one is missing.")
            .define(PROCESSING_GUARANTEE_CONFIG, Type.STRING, StreamsConfig.EXACTLY_ONCE_V2,
                    ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE), Importance.HIGH,
                    "exactly_once_v2: each order's state change and decision commit atomically (needs 3 brokers "
                            + "for the transaction log in production). at_least_once, for tests and development only: "
                            + "after a crash the orders of the last commit interval are decided again, and their "
                            + "shares may be counted twice or, where an order's id was saved but not its holding's "
                            + "counters, not at all, so that the guard may then approve more than the agreement "
                            + "allows.")
            .define(NUM_STANDBY_REPLICAS_CONFIG, Type.INT, 1, Range.atLeast(0), Importance.MEDIUM,
                    "Warm copies of each task's stores kept on other instances, for fast fail-over.")
            .define(REPLICATION_FACTOR_CONFIG, Type.INT, -1, PositiveOrMinusOne.brokerDefault(), Importance.MEDIUM,
                    "Replication of the guard's internal changelog topics; -1 takes the broker's default. More "
                            + "than the cluster has brokers (one stopped for a moment counted) is refused at start.")
            .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 20L, Range.atLeast(1), Importance.MEDIUM,
                    "How often a transaction is committed: the floor of decision latency under exactly_once_v2 "
                            + "(Kafka Streams' default, 100, costs a pre-trade check about 80 ms; see BENCHMARKS.md).")
            .define(POLL_MS_CONFIG, Type.LONG, 10L, Range.between(1, 1_000), Importance.LOW,
                    "How long a stream thread waits for orders before it looks at its commit timer again: a "
                            + "lone order's decision waits up to this long for its commit, and a graceful stop to "
                            + "begin (Kafka Streams' default is 100; a wait far longer kept the guard from ever "
                            + "leaving REBALANCING).")
            .define(NUM_STREAM_THREADS_CONFIG, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Stream threads per instance.")
            .define(STATE_DIR_CONFIG, Type.STRING, System.getProperty("java.io.tmpdir") + "/kafka-streams",
                    new ConfigDef.NonEmptyString(), Importance.HIGH, "Where the RocksDB stores live. Put it on "
                            + "persistent disk: the stores come back from their changelogs if it is lost, but that "
                            + "takes time.")
            .define(TOPIC_AGREEMENTS_CONFIG, Type.STRING, TopicNames.defaults().agreements(),
                    new KafkaName(false), Importance.MEDIUM, "Input: agreement versions, keyed by "
                            + "investorId/securityId (compacted).")
            .define(TOPIC_ORDERS_CONFIG, Type.STRING, TopicNames.defaults().orders(), new KafkaName(false),
                    Importance.MEDIUM, "Input: proposed orders and execution reports, keyed by investorId/securityId.")
            .define(TOPIC_APPROVED_CONFIG, Type.STRING, TopicNames.defaults().approved(),
                    new KafkaName(false), Importance.MEDIUM, "Output: approved decisions.")
            .define(TOPIC_BLOCKED_CONFIG, Type.STRING, TopicNames.defaults().blocked(),
                    new KafkaName(false), Importance.MEDIUM, "Output: blocked decisions.")
            .define(TOPIC_DEAD_LETTERS_CONFIG, Type.STRING, TopicNames.defaults().deadLetters(),
                    new KafkaName(false), Importance.MEDIUM, "Output: records that could not be "
                            + "decided or applied, with the reason in headers.")
            .define(TOPIC_POSITIONS_CONFIG, Type.STRING, TopicNames.defaults().positions(),
                    new KafkaName(false), Importance.MEDIUM, "Output: each holding's position after its "
                            + "decisions, reports, agreements and window boundaries (the latest per holding per "
                            + "commit), keyed by investorId/securityId (compacted).")
            .define(TOPIC_AGREEMENT_AUDIT_CONFIG, Type.STRING, TopicNames.defaults().agreementAudit(),
                    new KafkaName(false), Importance.MEDIUM, "Output: every agreement version the guard "
                            + "applied or rejected, with the outcome, the reason and the version number decisions "
                            + "refer to (never compacted: the compacted agreements topic forgets old versions).")
            .define(TOPIC_EXECUTION_RESULTS_CONFIG, Type.STRING, TopicNames.defaults().executionResults(),
                    new KafkaName(false), Importance.MEDIUM, "Output: one result per execution report "
                            + "(applied, duplicate, refused), with what it covered or released and the position after.")
            .define(TOPIC_COMPLIANCE_ALERTS_CONFIG, Type.STRING, TopicNames.defaults().complianceAlerts(),
                    new KafkaName(false), Importance.MEDIUM, "Output: fills no live approval covered "
                            + "(UNAPPROVED_SALE, LATE_FILL, OVERFILL), saying whether the agreement itself was breached.")
            .define(POSITIONS_PUNCTUATION_INTERVAL_MS_CONFIG, Type.LONG,
                    TopologyOptions.DEFAULT_PUNCTUATION_INTERVAL.toMillis(), Range.between(100, 3_600_000),
                    Importance.LOW, "How often the guard looks for holdings whose window boundary (release) has "
                            + "passed, to publish their new position: the most a boundary position can be late.")
            .define(ORDER_IDS_RETENTION_MS_CONFIG, Type.LONG, TopologyOptions.DEFAULT_ID_RETENTION.toMillis(),
                    PositiveOrMinusOne.forever(), Importance.MEDIUM,
                    "How long the guard remembers an order id (so that a retry gets its first decision and a reused "
                            + "id is blocked) and an execution id (so that a repeated report is ignored), in "
                            + "wall-clock time since it first saw them (by its own clock or, on a LogAppendTime "
                            + "orders topic, by the broker's time of the record when that is later); an order whose "
                            + "reservation closed is remembered this long from the close, and an open reservation is "
                            + "never forgotten. "
                            + "The default, 180 days, is as long as good-till-cancel orders commonly live (Schwab "
                            + "and Fidelity cancel them after 180 calendar days). -1 remembers ids forever: state "
                            + "and changelogs then grow without bound.")
            .define(TOPICS_CREATE_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Create missing topics at start; existing ones are checked either way.")
            .define(TOPICS_PARTITIONS_CONFIG, Type.INT, 6, Range.between(1, 10_000), Importance.MEDIUM,
                    "Partitions of topics the guard creates: the most instances x threads that can share the "
                            + "work. agreements and orders must have the same count.")
            .define(TOPICS_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) -1, PositiveOrMinusOne.brokerDefault(),
                    Importance.MEDIUM,
                    "Replication of topics the guard creates; -1 takes the broker's default.")
            .define(ORDERS_TIMESTAMP_TYPE_CONFIG, Type.STRING, LOG_APPEND_TIME,
                    ValidString.in(LOG_APPEND_TIME, CREATE_TIME), Importance.MEDIUM,
                    "message.timestamp.type of a created orders topic. LogAppendTime: the order's time is the "
                            + "broker's, so a client cannot forward-date an order. CreateTime: the producer's "
                            + "(replaying recorded event times).")
            .define(TOPICS_DECISIONS_RETENTION_MS_CONFIG, Type.LONG, -1L, PositiveOrMinusOne.forever(), Importance.HIGH,
                    "retention.ms of the topics that record what the guard decided (approved, blocked, dead letters, "
                            + "agreement audit, execution results, compliance alerts), when the guard creates them; "
                            + "-1 keeps them forever (broker-dealers keep such records for years: SEC Rule 17a-4). "
                            + "When finite, those topics are created with message.timestamp.type=LogAppendTime, so "
                            + "that the time counts from when the guard wrote a record and not from the order's own, "
                            + "possibly historical, timestamp. At start, existing ones must keep records at least "
                            + "this long and not delete by size.")
            .define(TOPICS_ORDERS_RETENTION_MS_CONFIG, Type.LONG, null, new OrdersRetention(), Importance.MEDIUM,
                    "retention.ms of an orders topic the guard creates. Default: -1 (forever) when "
                            + "orders.timestamp.type=CreateTime, because the broker deletes by record timestamp and "
                            + "would delete replayed or back-dated orders before the guard reads them; "
                            + LOG_APPEND_TIME_ORDERS_RETENTION_MS + " (7 days, Kafka's default) with LogAppendTime, "
                            + "where an order is kept 7 days after it arrived and the decisions carry every field of "
                            + "the order. At start, an existing CreateTime orders topic must not delete by time or "
                            + "size; so a finite value with CreateTime is refused, unless topics.retention.check=warn.")
            .define(TOPICS_RETENTION_CHECK_CONFIG, Type.STRING, RETENTION_CHECK_FAIL,
                    ValidString.in(RETENTION_CHECK_FAIL, RETENTION_CHECK_WARN), Importance.MEDIUM,
                    "What the start-up check does when an existing topic would delete records the guard has not read "
                            + "or must keep (retention, cleanup.policy): fail refuses to start, naming the topic, the "
                            + "setting and the kafka-configs command that fixes it; warn logs the same and starts.")
            .define(TOPICS_EXISTING_DECISIONS_CHECK_CONFIG, Type.STRING, RETENTION_CHECK_FAIL,
                    ValidString.in(RETENTION_CHECK_FAIL, RETENTION_CHECK_WARN), Importance.MEDIUM,
                    "What the start-up check does when this application.id has never run (no state, no position on "
                            + "the inputs) but the approved and blocked topics already hold another guard's "
                            + "decisions, as after a mistyped application.id: it would decide every order the inputs "
                            + "keep again, without that guard's state. fail refuses to start, saying so; warn logs "
                            + "it and starts.")
            .define(TOPICS_LOST_STATE_CHECK_CONFIG, Type.STRING, RETENTION_CHECK_FAIL,
                    ValidString.in(RETENTION_CHECK_FAIL, RETENTION_CHECK_WARN), Importance.MEDIUM,
                    "What the start-up check does when this application.id has decided orders here (Kafka Streams "
                            + "committed its position on the inputs) but the changelogs of its state are gone, "
                            + "deleted since it last ran: it would decide from nothing, blocking every order "
                            + "UNKNOWN_AGREEMENT until its agreement is sent again, then forgetting the shares sold "
                            + "and the approvals open; or when its remembered orders' changelog was created again "
                            + "since (never written, though its approvals were sent), so that a retried order would "
                            + "be decided again; or its holdings' changelog (never written, though their positions "
                            + "were published). fail refuses to start, saying how to rebuild the state from "
                            + "the inputs; warn logs it and starts from empty state. (Deleted while the guard runs, "
                            + "they stop it at the next check of topics.check.interval.ms, whatever this says.)")
            .define(TOPICS_LOST_POSITIONS_CHECK_CONFIG, Type.STRING, RETENTION_CHECK_FAIL,
                    ValidString.in(RETENTION_CHECK_FAIL, RETENTION_CHECK_WARN), Importance.MEDIUM,
                    "What the start-up check does when this application.id has state (its changelogs hold "
                            + "committed records) but no committed position on the inputs, as once the broker "
                            + "deleted them (offsets.retention.minutes after its last instance stopped): it would "
                            + "read every record the inputs keep again, answering each remembered order a second "
                            + "time and deciding each forgotten one again, its shares counted twice. fail refuses to "
                            + "start, saying how to set the positions where it stopped; warn logs it and starts from "
                            + "the first record kept.")
            .define(TOPICS_CHECK_INTERVAL_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "How often the guard reads its topics again while it runs (and whenever a stream thread fails), "
                            + "as it did at start: the max.message.bytes of those it writes, so that a limit an "
                            + "operator lowers is kept to before the broker refuses an answer and one raised is used "
                            + "without a restart; the partition count of its inputs, which must not change: "
                            + "partitions added stop the guard; the topics it writes and the changelogs of its state, "
                            + "by topic id, one deleted (a changelog created again too) stopping it, a topic it writes "
                            + "deleted and created again between two looks being logged and counted for an hour "
                            + "(lockup_guard_topic_problems); and their retention, a change that would lose records "
                            + "being logged and counted; and who writes its decision "
                            + "topics, another application's transactional producer (another guard) being logged "
                            + "and counted the same way. 0: only at start and when a stream thread fails.")
            .define(INPUTS_WAITING_CHECK_INTERVAL_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW,
                    "How often the guard reads from the cluster what waits on its inputs to be decided: its group's "
                    + "committed positions, the inputs' offsets and the first record after each position that it "
                    + "waits for (lockup_guard_input_lag, lockup_guard_input_wait_seconds: the group's, the same "
                    + "from every instance, and there while a rebalance holds the partitions). 0: never.")
            .define(SHUTDOWN_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW,
                    "How long a graceful shutdown may take.")
            .define(ROCKSDB_MEMORY_BYTES_CONFIG, Type.LONG, ROCKSDB_MEMORY_BYTES, new BytesOrUnbounded(),
                    Importance.MEDIUM, "The native memory every RocksDB store of this instance shares, outside the "
                            + "heap: one block cache, which the memtables and the index and filter blocks are "
                            + "charged to as well (lockup_guard_rocksdb_memory_used_bytes). Count it on top of "
                            + "the heap in a container's memory limit. -1: Kafka Streams' own, per store of every "
                            + "task (standbys included), each up to a 50 MiB cache and 48 MiB of memtables, the "
                            + "index and filter blocks beside them: unbounded as partitions and state grow.")
            .define(ROCKSDB_MEMORY_WRITE_BUFFER_RATIO_CONFIG, Type.DOUBLE, 0.5, new Share(0.1, 0.9),
                    Importance.LOW, "The share of rocksdb.memory.bytes the memtables may take before those of "
                            + "the store written to are written to disk; the rest caches blocks read, a tenth of the "
                            + "whole kept for index and filter blocks. The guard warns at start, and config --check "
                            + "says, when the share cannot hold a 128 KiB memtable block for each store it may hold.")
            .define(HTTP_HOST_CONFIG, Type.STRING, "127.0.0.1", new ListenHost(), Importance.MEDIUM,
                    "Interface the HTTP API, dashboard and /metrics listen on; 0.0.0.0 for all.")
            .define(HTTP_PORT_CONFIG, Type.INT, 8080, Range.between(-1, 65_535), Importance.MEDIUM,
                    "Port of the HTTP API, dashboard and /metrics; 0 for any free port, -1 for no HTTP server.")
            .define(HTTP_ADVERTISED_HOST_CONFIG, Type.STRING, "", new HostOnly(), Importance.MEDIUM,
                    "Host other instances use to reach this one's HTTP API (interactive queries); empty: http.host, "
                            + "or this machine's name when http.host is every interface's (0.0.0.0 or ::).")
            .define(HTTP_CLIENT_IPV6_PREFIX_LENGTH_CONFIG, Type.INT, 128, Range.between(32, 128), Importance.LOW,
                    "How many leading bits of an IPv6 client's address name the client that the web server's "
                            + "per-client limits count (256 connections open, 16 answers written at once, 8 request "
                            + "bodies arriving per credential); IPv4 addresses always count alone. 128: each address "
                            + "alone. 64: each /64 network, for an API reachable by hosts that choose their own "
                            + "addresses, one of which could otherwise take a fresh address, and a fresh share, for "
                            + "each connection; every host of one /64 then shares one share, as a proxy's clients "
                            + "share its address: an AWS subnet's instances, a Kubernetes node's pods, the IPv4 "
                            + "clients of a NAT64 prefix.")
            .define(API_TOKEN_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                    "A static bearer token for development and tests: 'Authorization: Bearer <token>' grants read "
                            + "and submit. Setting it (or a JWKS) turns authentication on: every /api/* and /metrics "
                            + "request then needs a credential; /health/* and the dashboard's files stay open. "
                            + "At least 16 characters when the API is served beyond this machine. Production: JWTs "
                            + "(api.auth.jwt.*).")
            .define(API_DECISION_TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, Range.between(1, 600_000),
                    Importance.MEDIUM, "How long POST /api/orders waits for the order's decision before answering "
                            + "504; also the longest it waits to send the order while the brokers do not answer (then "
                            + "502: the order was not sent), less when the producer's max.block.ms says less. At most "
                            + "10 minutes: a stop waits as long for the orders under way.");

    static {
        defineHttpSecurity(DEFINITION);
    }

    private static final Set<String> GUARD_ONLY = guardOnly();
    private static final Logger LOG = LoggerFactory.getLogger(GuardConfig.class);

    private final Map<String, String> originals;
    /** Whether the advertised host fell back to localhost, said once: the settings are read more than once. */
    private final AtomicBoolean unresolvedNameWarned = new AtomicBoolean();

    private static Set<String> guardOnly() {
        Set<String> names = new HashSet<>(DEFINITION.names());
        names.removeAll(StreamsConfig.configDef().names());
        names.removeAll(AvroSerdeConfig.definition().names());
        return Set.copyOf(names);
    }

    public GuardConfig(Map<String, ?> settings) {
        super(DEFINITION, settings, false);
        Map<String, String> strings = new HashMap<>();
        settings.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        this.originals = Map.copyOf(strings);
        refuseATopicOfTwoRoles();
        refuseAnOrdersTopicTheStartRefuses();
        refuseAnEmptyGroupInstanceId();
    }

    /**
     * A {@code group.instance.id} given empty or blank (an unset variable, {@code ${INSTANCE_ID:-}}): Kafka Streams
     * takes it for an id and appends the thread's index, so every instance so configured joins as {@code -1} and
     * fences the others in turn. Refused, naming the setting; leave it out for members Kafka does not keep.
     */
    private void refuseAnEmptyGroupInstanceId() {
        for (String name : GROUP_INSTANCE_ID_NAMES) {
            String value = originals.get(name);
            if (value != null && value.isBlank()) {
                throw new ConfigException(name, value, "is empty: every instance would join under the same id and "
                        + "fence the others; give each instance its own, or leave it out");
            }
        }
    }

    /**
     * The setting that gives the stream threads their {@code group.instance.id}, as {@code name=value}, the one Kafka
     * Streams takes when several are given; empty when none is (members Kafka does not keep through a restart).
     */
    public Optional<String> groupInstanceIdSetting() {
        return GROUP_INSTANCE_ID_NAMES.stream().filter(originals::containsKey)
                .map(name -> name + "=" + originals.get(name)).findFirst();
    }

    /** The stream threads' {@code group.instance.id}, before Kafka Streams appends each thread's index to it. */
    public Optional<String> groupInstanceId() {
        return GROUP_INSTANCE_ID_NAMES.stream().filter(originals::containsKey).map(originals::get).findFirst();
    }

    /**
     * A finite {@code topics.orders.retention.ms} on CreateTime: the guard would create an orders topic that its own
     * start-up check then refuses (the broker deletes by the producers' timestamps, so a replayed or back-dated order
     * older than that is gone before it is read). Refused before anything is created, unless that check warns.
     */
    private void refuseAnOrdersTopicTheStartRefuses() {
        Long retention = getLong(TOPICS_ORDERS_RETENTION_MS_CONFIG);
        if (retention != null && retention != -1 && !ordersStampedOnArrival()
                && RETENTION_CHECK_FAIL.equals(getString(TOPICS_RETENTION_CHECK_CONFIG))) {
            throw new ConfigException(TOPICS_ORDERS_RETENTION_MS_CONFIG, retention, "with "
                    + ORDERS_TIMESTAMP_TYPE_CONFIG + "=" + CREATE_TIME + " the broker deletes orders by their "
                    + "producers' timestamps, so a replayed or back-dated order older than that would be deleted "
                    + "before the guard reads it, and the start-up check refuses such an orders topic: leave it unset "
                    + "(forever), or set "
                    + TOPICS_RETENTION_CHECK_CONFIG + "=" + RETENTION_CHECK_WARN + " to accept it");
        }
    }

    /**
     * Each topic.* names its own topic: an output named like an input would be read back (a dead letter dead-lettered
     * again, for ever), and two outputs sharing one would mix records their readers cannot tell apart or take the
     * other's retention (positions are compacted; the decisions must never be). Two names that differ only by '.'
     * against '_' are one to the broker, which refuses to create the second (they would share metric names). Nor may
     * one be named as Kafka Streams names the changelogs of the guard's state (seen: positions written into the
     * holding-state changelog, accepted).
     */
    private void refuseATopicOfTwoRoles() {
        Map<String, String> roleOf = new HashMap<>();
        for (String setting : List.of(TOPIC_AGREEMENTS_CONFIG, TOPIC_ORDERS_CONFIG, TOPIC_APPROVED_CONFIG,
                TOPIC_BLOCKED_CONFIG, TOPIC_DEAD_LETTERS_CONFIG, TOPIC_POSITIONS_CONFIG, TOPIC_AGREEMENT_AUDIT_CONFIG,
                TOPIC_EXECUTION_RESULTS_CONFIG, TOPIC_COMPLIANCE_ALERTS_CONFIG)) {
            String topic = getString(setting);
            String internal = getString(APPLICATION_ID_CONFIG) + "-";
            if (topic.startsWith(internal) && (topic.endsWith("-changelog") || topic.endsWith("-repartition"))) {
                throw new ConfigException(setting, topic, "is named as Kafka Streams names the guard's own topics "
                        + "(<application.id>-<store>-changelog): its records would mix with the state's, which a "
                        + "restore reads back as state");
            }
            String other = roleOf.putIfAbsent(Topic.unifyCollisionChars(topic), setting);
            if (other != null && getString(other).equals(topic)) {
                throw new ConfigException(setting, topic, "is also " + other + "'s topic: each of the guard's "
                        + "topics has one role (an output named like an input would be read back; two outputs "
                        + "sharing a topic mix records and retention)");
            }
            if (other != null) {
                throw new ConfigException(setting, topic, "collides with " + other + "'s topic " + getString(other)
                        + ": Kafka takes '.' and '_' for one character in its metric names, and refuses to create "
                        + "the second of two topics that differ only so");
            }
        }
    }

    public static ConfigDef definition() {
        return new ConfigDef(DEFINITION);
    }

    /** The HTTP API's authentication and TLS settings: docs/SECURITY.md says how they fit together. */
    private static void defineHttpSecurity(ConfigDef definition) {
        definition
                .define(API_SERVICE_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                        "A secret the instances of one guard share and send each other (interactive queries: a "
                                + "holding, its agreement, its reservations, an order's fate or a what-if asked of "
                                + "the instance that owns it, and the holdings each instance owns). It grants only "
                                + "those forwarded requests, and must differ from api.token. Unset: an instance "
                                + "passes on the caller's own bearer token. At least 16 characters when the API is "
                                + "served beyond this machine.")
                .define(API_AUTH_JWT_JWKS_URL_CONFIG, Type.STRING, "", new JwksUrl(), Importance.HIGH,
                        "The JWKS URL of the issuer of bearer JWTs (OIDC: the jwks_uri of "
                                + "<issuer>/.well-known/openid-configuration). Fetched at start and when needed, "
                                + "and cached; https, trusting the JVM's CAs and http.ssl.truststore.* (http only to "
                                + "localhost, 127.0.0.0/8 or [::1], written so); no credentials in it (none are "
                                + "sent).")
                .define(API_AUTH_JWT_JWKS_FILE_CONFIG, Type.STRING, "", Importance.HIGH,
                        "A JWKS file instead of a URL (air-gapped issuers): read at start, and again when it "
                                + "changes.")
                .define(API_AUTH_JWT_JWKS_CACHE_MS_CONFIG, Type.LONG, API_AUTH_JWT_JWKS_CACHE_MS_DEFAULT,
                        Range.atLeast(1_000), Importance.LOW,
                        "How long fetched keys are used when the JWKS response does not say (Cache-Control). A "
                                + "token with an unknown key id fetches them again, at most every 30 s.")
                .define(API_AUTH_JWT_ISSUER_CONFIG, Type.STRING, "", Importance.HIGH,
                        "The 'iss' a JWT must carry; required with a JWKS.")
                .define(API_AUTH_JWT_AUDIENCE_CONFIG, Type.STRING, "", Importance.HIGH,
                        "An 'aud' a JWT must carry (the guard's client or API id at the issuer); required with a "
                                + "JWKS.")
                .define(API_AUTH_JWT_ALGORITHMS_CONFIG, Type.LIST, API_AUTH_JWT_ALGORITHMS_DEFAULT,
                        new Algorithms(), Importance.MEDIUM,
                        "Signature algorithms accepted. Asymmetric only: 'none' and HMAC (HS256, ...) are never "
                                + "accepted, so a token 'signed' with the issuer's public key is refused.")
                .define(API_AUTH_JWT_CLOCK_SKEW_MS_CONFIG, Type.LONG, API_AUTH_JWT_CLOCK_SKEW_MS_DEFAULT,
                        Range.between(0, 300_000), Importance.LOW,
                        "How far the guard's clock and the issuer's may disagree when exp and nbf are checked "
                                + "(rounded up to whole seconds, as the checks count them).")
                .define(API_AUTH_JWT_ROLES_CLAIM_CONFIG, Type.LIST, API_AUTH_JWT_ROLES_CLAIM_DEFAULT,
                        new NoBlankValues(true), Importance.MEDIUM,
                        "The claim(s) a JWT's roles are read from: a space-separated string (scope) or a JSON array "
                                + "(roles, groups); a dotted name reaches into an object (realm_access.roles).")
                .define(API_AUTH_ROLE_READ_CONFIG, Type.LIST, API_AUTH_ROLE_READ_DEFAULT, new NoBlankValues(),
                        Importance.MEDIUM,
                        "Role-claim values that grant 'read': holdings, their history and reservations, decisions, "
                                + "alerts, report results, the live feed, /metrics.")
                .define(API_AUTH_ROLE_SUBMIT_CONFIG, Type.LIST, API_AUTH_ROLE_SUBMIT_DEFAULT, new NoBlankValues(),
                        Importance.MEDIUM,
                        "Role-claim values that grant 'submit': POST /api/orders and /api/what-if.")
                .define(HTTP_SSL_KEYSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.HIGH,
                        "Key store with the HTTP server's certificate and key: when set, the API, the dashboard "
                                + "and /metrics are served over https only, and instances call each other over https. "
                                + "The file is looked at every 30 s: a key store written over it is served without a "
                                + "restart.")
                .define(HTTP_SSL_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                        "Password of http.ssl.keystore.location.")
                .define(HTTP_SSL_KEY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                        "Password of the private key in the key store; unset: the key store's password.")
                .define(HTTP_SSL_KEYSTORE_TYPE_CONFIG, Type.STRING, STORE_TYPE_PKCS12,
                        ValidString.in(STORE_TYPE_PKCS12, STORE_TYPE_JKS), Importance.LOW,
                        "Type of http.ssl.keystore.location.")
                .define(HTTP_SSL_ENABLED_PROTOCOLS_CONFIG, Type.LIST, HTTP_SSL_ENABLED_PROTOCOLS_DEFAULT,
                        ConfigDef.ValidList.in(false, "TLSv1.3", "TLSv1.2"), Importance.LOW,
                        "TLS versions the HTTP server accepts.")
                .define(HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        "Trust store for the guard's own https calls: other instances (their certificates' CA) "
                                + "and the JWKS URL, in addition to the JVM's CAs.")
                .define(HTTP_SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password of http.ssl.truststore.location: a PKCS12 store's certificates are read only "
                                + "with it (one read without it holds none, and is refused).")
                .define(HTTP_SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, STORE_TYPE_PKCS12,
                        ValidString.in(STORE_TYPE_PKCS12, STORE_TYPE_JKS), Importance.LOW,
                        "Type of http.ssl.truststore.location.");
    }

    /** Empty, or an absolute https URL (http only to a loopback host: a JWKS fetched in clear could be swapped). */
    private static final class JwksUrl implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value == null ? "" : value.toString().trim();
            if (text.isEmpty()) {
                return;
            }
            java.net.URI uri;
            try {
                uri = new java.net.URI(text);
            } catch (java.net.URISyntaxException e) {
                throw new org.apache.kafka.common.config.ConfigException(name, RegistryClientConfig.quoted(text),
                        "not a URL");
            }
            boolean https = "https".equalsIgnoreCase(uri.getScheme());
            if ((https || "http".equalsIgnoreCase(uri.getScheme())) && RegistryClientConfig.hostHoldsUnderscore(uri)) {
                // java.net.URI reads no host in it, and Java's TLS refuses such a name (not a valid host name): the
                // keys could never be fetched, whatever the scheme says
                throw new org.apache.kafka.common.config.ConfigException(name, RegistryClientConfig.quoted(text),
                        "its host name holds a '_', which a host name may not (Java refuses it for https): name the "
                                + "issuer by an alias without '_', or by its address");
            }
            if (uri.getRawUserInfo() != null) {
                // seen: accepted and never sent (the keys are fetched without credentials, as issuers serve them)
                throw new org.apache.kafka.common.config.ConfigException(name, RegistryClientConfig.quoted(text),
                        "credentials in it (user:password@) would not be sent: a JWKS is fetched without any, as "
                                + "issuers serve it; remove them");
            }
            boolean loopbackHttp = "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                    && LoopbackHost.named(uri.getHost()); // written so: a name is looked up at every fetch
            if (uri.getHost() == null || !(https || loopbackHttp)) {
                throw new org.apache.kafka.common.config.ConfigException(name, RegistryClientConfig.quoted(text),
                        "must be an https URL (http only to localhost, 127.0.0.0/8 or [::1], written so: a name is "
                                + "looked up again at every fetch): keys fetched in clear could be replaced");
            }
        }

        @Override
        public String toString() {
            return "https URL, or empty";
        }
    }

    /** Asymmetric JWS algorithms only. */
    private static final class Algorithms implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> algorithms = (List<String>) value;
            if (algorithms.isEmpty()) {
                throw new org.apache.kafka.common.config.ConfigException(name, value, "name at least one algorithm");
            }
            for (String algorithm : algorithms) {
                if (!com.lockupguard.security.JwtVerifier.ASYMMETRIC.contains(algorithm)) {
                    throw new org.apache.kafka.common.config.ConfigException(name, value, algorithm
                            + " is not accepted: only asymmetric signatures (never none or HMAC)");
                }
            }
        }

        @Override
        public String toString() {
            return "of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512";
        }
    }

    public TopicNames topicNames() {
        return new TopicNames(getString(TOPIC_AGREEMENTS_CONFIG), getString(TOPIC_ORDERS_CONFIG),
                getString(TOPIC_APPROVED_CONFIG), getString(TOPIC_BLOCKED_CONFIG),
                getString(TOPIC_DEAD_LETTERS_CONFIG), getString(TOPIC_POSITIONS_CONFIG),
                getString(TOPIC_AGREEMENT_AUDIT_CONFIG), getString(TOPIC_EXECUTION_RESULTS_CONFIG),
                getString(TOPIC_COMPLIANCE_ALERTS_CONFIG));
    }

    /** How long ids are remembered ({@value #ORDER_IDS_RETENTION_MS_CONFIG}); empty for forever. */
    public Optional<Duration> idRetention() {
        long millis = getLong(ORDER_IDS_RETENTION_MS_CONFIG);
        return millis == -1 ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
    }

    /** Whether the broker stamps an order as it takes it (LogAppendTime), not its client (CreateTime). */
    public boolean ordersStampedOnArrival() {
        return LOG_APPEND_TIME.equals(getString(ORDERS_TIMESTAMP_TYPE_CONFIG));
    }

    /** retention.ms of a created orders topic: the setting, or its default for the orders' timestamp type. */
    public long ordersRetentionMs() {
        Long configured = getLong(TOPICS_ORDERS_RETENTION_MS_CONFIG);
        if (configured != null) {
            return configured;
        }
        return CREATE_TIME.equals(getString(ORDERS_TIMESTAMP_TYPE_CONFIG)) ? -1L : LOG_APPEND_TIME_ORDERS_RETENTION_MS;
    }

    /** -1 or a positive number of milliseconds; unset takes the default of the orders' timestamp type. */
    private static final class OrdersRetention implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && (Long) value != -1 && (Long) value < 1) {
                throw new ConfigException(name, value, "must be a positive number of milliseconds, or -1 for forever "
                        + "(0 would delete orders at once, before the guard reads them)");
            }
        }

        @Override
        public String toString() {
            return "-1 (forever), [1,...], or unset: -1 with CreateTime, " + LOG_APPEND_TIME_ORDERS_RETENTION_MS
                    + " with LogAppendTime";
        }
    }

    /** A share within a range: {@link Range} takes NaN, every comparison with which is false. */
    private static final class Share implements ConfigDef.Validator {
        private final Range range;

        Share(double least, double most) {
            this.range = Range.between(least, most);
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value instanceof Double share && share.isNaN()) {
                throw new ConfigException(name, value, "not a number");
            }
            range.ensureValid(name, value);
        }

        @Override
        public String toString() {
            return range.toString();
        }
    }

    /**
     * A list without an empty value: "a," is read as "a" and "", and an empty value would grant a role to a token
     * whose claim holds an empty string.
     */
    private static final class NoBlankValues implements ConfigDef.Validator {
        /** Whether no value at all is refused too: a list that means nothing empty (a role may be granted to none). */
        private final boolean atLeastOne;

        NoBlankValues() {
            this(false);
        }

        NoBlankValues(boolean atLeastOne) {
            this.atLeastOne = atLeastOne;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value instanceof List<?> values && values.stream().anyMatch(v -> v == null || v.toString().isBlank())) {
                throw new ConfigException(name, value, "holds an empty value (a comma too many?)");
            }
            if (atLeastOne && value instanceof List<?> values && values.isEmpty()) {
                throw new ConfigException(name, value, "names nothing: no token could be granted a role");
            }
        }

        @Override
        public String toString() {
            return atLeastOne ? "one value or more, none empty" : "values without an empty one";
        }
    }

    /**
     * A name Kafka takes for a topic (the broker refuses to create any other): 1 to 249 ASCII letters, digits, '.', '_'
     * and '-', neither "." nor "..", and not one of Kafka's own topics. An application id is held to the same rule,
     * short enough that the changelog topics named after it ({@code <application.id>-<store>-changelog}) are topic
     * names too. Checked here, a bad name stops {@code run} and {@code config --check} before the cluster is asked,
     * rather than at the first topic created.
     */
    private static final class KafkaName implements ConfigDef.Validator {
        /** Kafka's own limit (private in its {@code Topic}), which {@link Topic#isValid} checks. */
        private static final int MOST_CHARACTERS = 249;

        private final int most;
        private final boolean applicationId;

        KafkaName(boolean applicationId) {
            this.applicationId = applicationId;
            this.most = MOST_CHARACTERS - (applicationId ? StoreNames.withChangelogs().stream()
                    .mapToInt(store -> StoreNames.changelogTopic("", store).length()).max().orElse(0) : 0);
        }

        @Override
        public void ensureValid(String name, Object value) {
            String text = (String) value;
            if (text == null || !Topic.isValid(text) || text.length() > most) {
                throw new ConfigException(name, value, "must be " + this + (applicationId
                        ? " (Kafka's rule for topic names: the guard's changelog topics are named after it)" : ""));
            }
            if (!applicationId && Topic.isInternal(text)) {
                throw new ConfigException(name, value, "is one of Kafka's internal topics");
            }
        }

        @Override
        public String toString() {
            return "1 to " + most + " of ASCII letters, digits, '.', '_', '-'; not '.' or '..'";
        }
    }

    /** A number of bytes, at least {@link #ROCKSDB_MEMORY_LEAST_BYTES}, or -1 for no bound. */
    private static final class BytesOrUnbounded implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || ((Long) value != -1 && (Long) value < ROCKSDB_MEMORY_LEAST_BYTES)) {
                throw new ConfigException(name, value, "must be " + this);
            }
        }

        @Override
        public String toString() {
            return "-1 (Kafka Streams' own, unbounded), or [" + ROCKSDB_MEMORY_LEAST_BYTES + ",...]";
        }
    }

    /**
     * A host to listen on: a name or address alone, every interface's ({@code 0.0.0.0}, {@code ::}) among them. Checked
     * here, a value with a space or a port was refused as Kafka Streams' {@code application.server}, which the user
     * never set (seen in a review).
     */
    private static final class ListenHost implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String host = value == null ? "" : value.toString().trim();
            if (host.isEmpty() || !host.matches("[A-Za-z0-9._%:\\[\\]-]+")
                    || host.chars().filter(c -> c == ':').count() == 1 || host.contains("]:")) {
                throw new ConfigException(name, value, "must be a host name or address alone, without a scheme or a "
                        + "port (the port is http.port's)");
            }
        }

        @Override
        public String toString() {
            return "a host name or address, without a port";
        }
    }

    /**
     * A host alone, empty for the default: a port or a scheme given with it would make the address other instances
     * are told (host:port) name a host no one can reach, and every query forwarded to this instance fail.
     */
    private static final class HostOnly implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String host = value == null ? "" : value.toString().trim();
            if (host.contains("/") || host.chars().anyMatch(Character::isWhitespace)
                    || host.chars().filter(c -> c == ':').count() == 1 || host.contains("]:")) {
                throw new ConfigException(name, value, "must be a host name or address alone, without a scheme or a "
                        + "port (the port is http.port's)");
            }
            if (host.contains("_")) {
                // no host name holds one, and the JDK's HTTP client, which the other instances ask with, refuses it
                throw new ConfigException(name, value, "holds '_', which no host name may: give a name or address "
                        + "without it");
            }
            if (List.of("0.0.0.0", "::", "[::]").contains(host)) {
                throw new ConfigException(name, value, "is every interface's address, one to listen on, not one the "
                        + "other instances can reach: leave it empty (this machine's name) or give this host's");
            }
        }

        @Override
        public String toString() {
            return "a host name or address, without a port";
        }
    }

    /**
     * A number of at least 1, or -1 for what {@code minusOne} says: a retention of milliseconds (-1 forever), a
     * replication factor (-1 the broker's default; the broker refuses 0 and the rest).
     */
    private static final class PositiveOrMinusOne implements ConfigDef.Validator {
        private final String positive;
        private final String minusOne;

        /** {@code positive}: what a valid number other than -1 is, as the refusal says it. */
        PositiveOrMinusOne(String positive, String minusOne) {
            this.positive = positive;
            this.minusOne = minusOne;
        }

        static PositiveOrMinusOne forever() {
            return new PositiveOrMinusOne("a positive number of milliseconds", "forever");
        }

        static PositiveOrMinusOne brokerDefault() {
            return new PositiveOrMinusOne("at least 1", "the broker's default");
        }

        @Override
        public void ensureValid(String name, Object value) {
            long number = value == null ? 0 : ((Number) value).longValue();
            if (number != -1 && number < 1) {
                throw new ConfigException(name, value, "must be " + positive + ", or -1 for " + minusOne);
            }
        }

        @Override
        public String toString() {
            return "-1 (" + minusOne + "), or [1,...]";
        }
    }

    /**
     * The {@code segment.bytes} Kafka Streams gives the changelogs it creates: topic.segment.bytes, or the guard's;
     * {@link Long#MAX_VALUE} for a value that is no number, which the cluster refuses (ChangelogSettings).
     */
    public long changelogSegmentBytes() {
        Object given = originals.get(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_BYTES_CONFIG));
        try {
            return given == null ? CHANGELOG_SEGMENT_BYTES : Long.parseLong(String.valueOf(given).trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Settings for Kafka Streams: every setting given, with the guard's typed values and defaults. */
    public Properties streamsProperties() {
        Properties properties = new Properties();
        originals.forEach((key, value) -> {
            if (!isGuardOnlySetting(key)) {
                properties.put(key, value);
            }
        });
        typeClientMetricsPush(properties);
        properties.put(BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(BOOTSTRAP_SERVERS_CONFIG)));
        properties.put(APPLICATION_ID_CONFIG, getString(APPLICATION_ID_CONFIG));
        properties.put(PROCESSING_GUARANTEE_CONFIG, getString(PROCESSING_GUARANTEE_CONFIG));
        properties.put(NUM_STANDBY_REPLICAS_CONFIG, getInt(NUM_STANDBY_REPLICAS_CONFIG));
        properties.put(REPLICATION_FACTOR_CONFIG, getInt(REPLICATION_FACTOR_CONFIG));
        properties.put(COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS_CONFIG));
        properties.put(POLL_MS_CONFIG, getLong(POLL_MS_CONFIG));
        properties.put(NUM_STREAM_THREADS_CONFIG, getInt(NUM_STREAM_THREADS_CONFIG));
        properties.put(STATE_DIR_CONFIG, getString(STATE_DIR_CONFIG));
        // the changelogs Kafka Streams creates carry the timestamps of the records the guard answers, as its outputs
        // do (TopicPolicy): however old or far ahead, the broker must not refuse them
        for (String bound : List.of(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG,
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG)) {
            properties.putIfAbsent(StreamsConfig.topicPrefix(bound), Long.toString(Long.MAX_VALUE));
        }
        // and are compacted, but the broker compacts only the segments it has rolled: at its default segment.bytes
        // (1 GiB) each changelog partition gathers up to a GiB of values since replaced and ids since forgotten, which
        // every restore reads. Rolled at 64 MiB, a changelog stays near what its store holds. (Not segment.ms: the
        // broker measures it on the records' timestamps, which are those of the records the guard answers, however
        // old, so a replay of months would roll a segment for every hour of them.)
        properties.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_BYTES_CONFIG),
                Integer.toString(CHANGELOG_SEGMENT_BYTES));
        // the guard has no global store, so no global thread: Kafka Streams 4.4 warns at every start that the
        // processing exception handler is off for one unless this is set (it will be on by default in 5.0). It
        // warns again from the partition assignor, which reads the main consumer's settings as Streams settings:
        // they carry it only with the consumer's prefix
        properties.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        properties.putIfAbsent(StreamsConfig.mainConsumerPrefix(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
                properties.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG));
        if (getInt(HTTP_PORT_CONFIG) > 0 && !originals.containsKey(StreamsConfig.APPLICATION_SERVER_CONFIG)) {
            // interactive queries: where other instances reach this one's stores
            properties.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHost() + ":" + getInt(HTTP_PORT_CONFIG));
        }
        return properties;
    }

    /**
     * A client's {@code enable.metrics.push} ({@code consumer.enable.metrics.push}, ...) as a boolean: Kafka Streams
     * 4.4 checks it against its own by casting it, so that given as text, as every setting from a file or the
     * environment is, it failed with a {@code ClassCastException} that named no setting. Typed, a value that is
     * not a boolean is refused naming the setting, and one at odds with Kafka Streams' own is refused in Kafka
     * Streams' words.
     */
    private static void typeClientMetricsPush(Properties properties) {
        for (String prefix : STREAMS_PREFIXES) {
            String name = prefix + CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG;
            if (properties.get(name) instanceof String text) {
                properties.put(name, ConfigDef.parseType(name, text.trim(), Type.BOOLEAN));
            }
        }
    }

    /** Settings for the Avro serdes and the schema registry client: everything given, typed values applied. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new HashMap<>(originals);
        config.put(SCHEMA_REGISTRY_URL_CONFIG, getString(SCHEMA_REGISTRY_URL_CONFIG));
        config.put(AUTO_REGISTER_SCHEMAS_CONFIG, getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG));
        return config;
    }

    /**
     * Settings for the admin that creates the guard's topics and checks its permissions at start (and for
     * {@code config --check}), built as Kafka Streams builds its own admin's: {@code admin.*} settings win.
     */
    public Properties adminProperties() {
        return clientProperties(ClientRole.ADMIN);
    }

    /** Settings for the producer of {@code POST /api/orders}: {@code producer.*} settings win, no transactional id. */
    public Properties producerProperties() {
        return clientProperties(ClientRole.PRODUCER);
    }

    /** Settings for the decision feed's consumer: {@code consumer.*} settings win, no group settings. */
    public Properties consumerProperties() {
        return clientProperties(ClientRole.CONSUMER);
    }

    /**
     * The guard's own clients, and what each takes: the settings its Kafka configuration defines, the prefix that
     * addresses it alone (Kafka Streams' {@code admin.}, {@code producer.} and {@code consumer.}), and the settings
     * that belong to Kafka Streams' clients only. The feed reads by assignment, outside the guard's group: a
     * {@code group.instance.id} meant for the stream threads, {@code group.protocol=streams}, or {@code
     * enable.auto.commit=true} (Kafka refuses auto-commit to a consumer without a group), would break it.
     * The API's producer is not transactional: with the {@code transactional.id} meant for Kafka Streams (which
     * overrides it anyway) every send would fail. And it writes the guard's inputs (as {@code produce} does, with the
     * same settings), which must be partitioned by key as Kafka's default partitioner does: under a
     * {@code partitioner.class} or {@code partitioner.ignore.keys} meant for the stream threads' outputs, an order
     * would reach another holding's task and be dead-lettered {@code WRONG_PARTITION}, and its caller wait for a
     * decision that never comes.
     */
    private enum ClientRole {
        ADMIN(StreamsConfig.ADMIN_CLIENT_PREFIX, AdminClientConfig.configNames(), Set.of()),
        PRODUCER(StreamsConfig.PRODUCER_PREFIX, ProducerConfig.configNames(),
                Set.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.PARTITIONER_CLASS_CONFIG,
                        ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG)),
        CONSUMER(StreamsConfig.CONSUMER_PREFIX, ConsumerConfig.configNames(),
                Set.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                        ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));

        private final String prefix;
        private final Set<String> names;
        private final Set<String> streamsOwned;

        ClientRole(String prefix, Set<String> names, Set<String> streamsOwned) {
            this.prefix = prefix;
            this.names = names;
            this.streamsOwned = streamsOwned;
        }
    }

    /**
     * A client's settings as Kafka Streams builds its own clients': every setting given that the client defines
     * ({@code client.id}, {@code metadata.max.age.ms}, {@code security.*}, {@code sasl.*}, {@code ssl.*}, ...) and
     * every custom one (a plug-in's, which no Kafka configuration defines), the guard's typed
     * {@code bootstrap.servers}, then the role's prefixed settings on top. Left out: the guard's own settings, Kafka
     * Streams' own ({@code application.id}, {@code commit.interval.ms}, ...), other clients' settings, those
     * under another prefix ({@code producer.}, {@code main.consumer.}, {@code topic.}, ...), and the role's
     * settings that belong to Kafka Streams' clients only.
     */
    private Properties clientProperties(ClientRole role) {
        Properties properties = new Properties();
        originals.forEach((key, value) -> {
            if (!isGuardOnlySetting(key) && (role.names.contains(key) || isCustomSetting(key))) {
                properties.put(key, value);
            }
        });
        properties.put(BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(BOOTSTRAP_SERVERS_CONFIG)));
        originals.forEach((key, value) -> {
            if (key.startsWith(role.prefix) && key.length() > role.prefix.length()) {
                properties.put(key.substring(role.prefix.length()), value);
            }
        });
        role.streamsOwned.forEach(properties::remove);
        return properties;
    }

    /** Where the stream threads' {@code group.instance.id} may be given, in the order Kafka Streams prefers them. */
    private static final List<String> GROUP_INSTANCE_ID_NAMES = List.of(
            StreamsConfig.MAIN_CONSUMER_PREFIX + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            StreamsConfig.CONSUMER_PREFIX + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);

    /** Kafka Streams' prefixes: a setting under one is meant for the client (or topics) it names only. */
    private static final List<String> STREAMS_PREFIXES = List.of(StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX,
            StreamsConfig.TOPIC_PREFIX);

    /** Defined by no Kafka configuration and under none of Kafka Streams' prefixes: a plug-in's, passed to all. */
    private static boolean isCustomSetting(String key) {
        return !KAFKA_DEFINED.contains(key) && STREAMS_PREFIXES.stream().noneMatch(key::startsWith);
    }

    private static final Set<String> KAFKA_DEFINED = kafkaDefined();

    private static Set<String> kafkaDefined() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }

    /**
     * Connection and security settings only ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...), for
     * the tools' own clients (load generators, readers of results), which must not take the guard's client
     * settings. The guard's own clients take {@link #adminProperties()}, {@link #producerProperties()} and
     * {@link #consumerProperties()}.
     */
    public Properties clientProperties() {
        Properties properties = new Properties();
        originals.forEach((key, value) -> {
            if (isClientConnectionSetting(key)) {
                properties.put(key, value);
            }
        });
        properties.put(BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(BOOTSTRAP_SERVERS_CONFIG)));
        return properties;
    }

    /** The host other instances use to reach this one's HTTP API. */
    public String advertisedHost() {
        String advertised = getString(HTTP_ADVERTISED_HOST_CONFIG);
        if (!advertised.isBlank()) {
            return advertised;
        }
        String host = getString(HTTP_HOST_CONFIG);
        if (!isEveryInterface(host)) {
            return host;
        }
        return machineName(() -> java.net.InetAddress.getLocalHost().getHostName());
    }

    /** How this machine's name is found ({@code InetAddress.getLocalHost().getHostName()}; a test's own). */
    interface MachineName {
        String lookUp() throws java.net.UnknownHostException;
    }

    /** This machine's name as {@code lookup} finds it, or localhost, said once, where it does not resolve. */
    String machineName(MachineName lookup) {
        try {
            return lookup.lookUp();
        } catch (java.net.UnknownHostException e) {
            // one instance alone is served as before; beside others, each would take every holding for its own
            if (unresolvedNameWarned.compareAndSet(false, true)) {
                LOG.warn("{}={} names no machine, and this machine's name does not resolve ({}): other instances "
                        + "are told localhost, and cannot ask this one for its holdings; set {}", HTTP_HOST_CONFIG,
                        getString(HTTP_HOST_CONFIG), e.getMessage(), HTTP_ADVERTISED_HOST_CONFIG);
            }
            return "localhost";
        }
    }

    /**
     * Whether {@code host} is the address of every interface, IPv4's 0.0.0.0 or IPv6's ::, which names no machine
     * another instance could call. Only an address is looked at: a name is never resolved here.
     */
    static boolean isEveryInterface(String host) {
        String bare = host.trim();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        if (!bare.contains(":") && !bare.matches("[0-9.]+")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(bare).isAnyLocalAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * The guard's own settings, which mean nothing to Kafka's clients: those it defines that Kafka
     * Streams and the serdes do not. The Kafka settings it defines (bootstrap.servers,
     * application.id, ...) go to Kafka Streams with the guard's typed values and defaults.
     */
    static boolean isGuardOnlySetting(String key) {
        return GUARD_ONLY.contains(key);
    }

    private static boolean isClientConnectionSetting(String key) {
        return key.equals("security.protocol") || key.startsWith("sasl.") || key.startsWith("ssl.")
                || key.equals("client.dns.lookup") || key.equals("request.timeout.ms")
                || key.equals("default.api.timeout.ms");
    }

    public Map<String, String> originalStrings() {
        return originals;
    }
}
