package com.lockupguard.app;

import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.registry.SchemaRegistryClients;
import com.lockupguard.serde.AvroSerdeConfig;
import com.lockupguard.serde.SpecificAvroSerde;
import com.lockupguard.serde.SubjectNames;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.StreamsDefaults;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.auth.Login;
import org.apache.kafka.common.security.auth.SslEngineFactory;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.assignment.TaskAssignor;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/**
 * The settings as every client of the guard takes them: Kafka Streams and the clients it makes (producer, main and
 * restore consumers, admin), the API's own producer and consumer, and the schema registry's serdes. A value one of
 * them refuses stops {@code run} at start, checked here before anything starts (and before {@code config --check},
 * {@code produce}, {@code demo} and {@code bench} ask the cluster anything), with the same message.
 */
public final class ClientSettings {

    /**
     * What a consumer of Kafka Streams reads of its settings: its own, and the one of Kafka Streams' that its partition
     * assignor reads from them and Kafka Streams does not put there itself (the guard gives it, GuardConfig).
     */
    private static final Set<String> CONSUMER_READS = consumerReads();

    private static Set<String> consumerReads() {
        Set<String> names = new TreeSet<>(ConsumerConfig.configNames());
        names.add(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG);
        return Set.copyOf(names);
    }

    /** Prefixes by which a setting addresses one client of Kafka Streams alone. */
    static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    /**
     * Kafka Streams' older names of its deserialization and production handlers, read (4.4) only where the new ones are
     * not given, which the guard gives both: refused all the same, as a handler of another's meant to replace its own.
     */
    private static final String DEPRECATED_DESERIALIZATION_HANDLER = "default.deserialization.exception.handler";
    private static final String DEPRECATED_PRODUCTION_HANDLER = "default.production.exception.handler";

    private static final String STREAMS_GROUP_PROTOCOL = "streams";

    /** A config provider's own settings ({@code config.providers.<name>.class}, ...): every client takes them. */
    private static final String CONFIG_PROVIDERS = "config.providers.";

    /**
     * Where only the guard's own settings are, and its registry client's ({@code http.connect.timeout.ms}, as
     * Confluent's names it): no Kafka client, nor Kafka Streams, has a setting under these.
     */
    static final List<String> GUARD_NAMESPACES = List.of("api.", "http.", "topics.", "order.ids.", "orders.",
            "inputs.", "positions.", "shutdown.");

    /**
     * What the variables Kubernetes gives every pod for a Service ({@code LOCKUP_GUARD_HTTP_SERVICE_PORT=8080},
     * {@code LOCKUP_GUARD_HTTP_PORT_8080_TCP_ADDR=10.96.0.12} for one named {@code lockup-guard-http}) read as: not
     * settings, and not refused, or the guard would not start because of a Service's name. (Those whose value is a
     * link, {@code tcp://...}, are left out as they are read.)
     */
    private static final Pattern KUBERNETES_SERVICE_LINK = Pattern.compile("(?:.+\\.)?service\\.(?:host|port)(?:\\..+)?"
            + "|.+\\.port\\.[0-9]+\\.(?:tcp|udp|sctp)(?:\\.(?:proto|port|addr))?");

    /** The settings a topic takes: Kafka's {@link TopicConfig}, and the replication throttles it keeps with quotas. */
    private static final Set<String> TOPIC_SETTINGS = topicSettings();

    private ClientSettings() {
    }

    /**
     * What a command that asks the schema registry alone ({@code schemas}) reads of the settings: the registry
     * client's and the serdes', and the names under the guard's own, where a misspelt {@code topic.order} would have
     * it register the subjects of the default topic (seen in a review). Kafka's clients' settings are left to the
     * commands that make them: a TLS store of theirs may not be there where the schemas are registered.
     */
    public static void checkRegistryAndNames(GuardConfig config) {
        new AvroSerdeConfig(config.serdeConfig());
        SchemaRegistryClients.check(config.serdeConfig());
        refuseUnknownSubjectStrategy(config.serdeConfig());
        refuseMisspeltTopicSettings(config);
        refuseUnknownGuardSettings(config);
    }

    /** Throws the {@link ConfigException} the first client to refuse a value of {@code config} throws. */
    public static void check(GuardConfig config) {
        checkRegistryAndNames(config);
        Properties properties = StreamsDefaults.errorHandling(config.topicNames());
        properties.putAll(config.streamsProperties());
        StreamsConfig streams;
        try {
            streams = new StreamsConfig(properties);
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            // a check of Kafka Streams that fails so on a setting it reads without parsing: run would stop at the
            // same place
            throw new ConfigException("Kafka Streams cannot read these settings: " + e);
        }
        refuseNoRecordCache(streams);
        STREAMS_PLUGGED_IN.forEach((setting, kind) -> pluggedIn("Kafka Streams", streams.originals(), setting, kind));
        refuseTheGuardsOwnHandling(config);
        refuseChangelogsThatDelete(config);
        String client = "settings-check";
        Map<String, Object> given = config.originals();
        // each checked as soon as it is built: Kafka Streams parses its producer's settings as it builds its
        // consumers' (seen: producer.batch.size=big a NumberFormatException, not the producer's refusal)
        Map<String, Object> streamsProducer = namedAsGiven(given, () -> {
            Map<String, Object> settings = streams.getProducerConfigs(client);
            producer("Kafka Streams' producer", settings);
            return settings;
        }, StreamsConfig.PRODUCER_PREFIX, "");
        Map<String, Object> mainConsumer = namedAsGiven(given, () -> {
            Map<String, Object> settings = streams.getMainConsumerConfigs(client, client, 0);
            consumer("Kafka Streams' main consumer", settings);
            refuseHeartbeatsThatFail(streams, settings);
            return settings;
        }, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX, "");
        Map<String, Object> restoreConsumer = namedAsGiven(given, () -> {
            Map<String, Object> settings = streams.getRestoreConsumerConfigs(client);
            consumer("Kafka Streams' restore consumer", settings);
            return settings;
        }, StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX, "");
        namedAsGiven(given, () -> {
            madeAs("Kafka Streams' admin", new AdminClientConfig(streams.getAdminConfigs(client)).values());
            return null;
        }, StreamsConfig.ADMIN_CLIENT_PREFIX, "");
        namedAsGiven(given, () -> {
            producer("the API's producer", config.producerProperties());
            return null;
        }, StreamsConfig.PRODUCER_PREFIX, "");
        namedAsGiven(given, () -> {
            consumer("the decision feed's consumer", config.consumerProperties());
            return null;
        }, StreamsConfig.CONSUMER_PREFIX, "");
        namedAsGiven(given, () -> {
            madeAs("the guard's admin", new AdminClientConfig(config.adminProperties()).values());
            return null;
        }, StreamsConfig.ADMIN_CLIENT_PREFIX, "");
        // after the clients' own checks: Kafka Streams parses its producer's settings as it builds its consumers'
        refuseReadingUncommitted(streams, mainConsumer, restoreConsumer);
        refuseSkippingInputs(given, mainConsumer);
        refuseOtherPartitioners(given, streamsProducer);
        refuseFetchesThatTimeOut("Kafka Streams' main consumer", config.originals(), mainConsumer,
                StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX, "");
        refuseFetchesThatTimeOut("the decision feed's consumer", config.originals(), config.consumerProperties(),
                StreamsConfig.CONSUMER_PREFIX, "");
    }

    /**
     * Refuses a consumer whose fetches wait on the broker as long as, or longer than, the consumer waits for an answer:
     * on quiet topics each fetch then times out before the broker answers it. The decision feed takes fetches
     * unanswered for three {@code fetch.max.wait.ms} for brokers that hang (seen: fetch.max.wait.ms=40000, "no fetch
     * answered for 120 s" every two minutes on a healthy, idle cluster), and Kafka Streams' main consumer reads
     * nothing while its fetches time out. Named as {@code given} has it, under the first of {@code prefixes} (each
     * addresses this client, the closest first) that has it: the one of the two settings given closer to this client
     * (the fetch wait when both are given as close), and the other as given too.
     */
    private static void refuseFetchesThatTimeOut(String client, Map<String, ?> given, Map<?, ?> settings,
            String... prefixes) {
        ConsumerConfig values = consumerValues(settings);
        int fetchWait = values.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
        int requestTimeout = values.getInt(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        if (fetchWait >= requestTimeout) {
            int fetchAt = givenAt(given, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, prefixes);
            int timeoutAt = givenAt(given, ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, prefixes);
            String fetch = named(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchAt, prefixes);
            String timeout = named(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutAt, prefixes);
            String why = client + " would time out each fetch of quiet topics before the broker answers it";
            if (timeoutAt < fetchAt) {
                // the timeout given closer to this client than the fetch wait, or the fetch wait not given at all
                throw new ConfigException(timeout, requestTimeout, why + " (" + fetch + "=" + fetchWait + "): keep "
                        + "it well above that (Kafka's default: 30000)");
            }
            throw new ConfigException(fetch, fetchWait, why + " (" + timeout + "=" + requestTimeout + "): keep it well "
                    + "below that (Kafka's default: 500)");
        }
    }

    /** Which of {@code prefixes} (the closest to a client first) {@code setting} was given under; past them, none. */
    private static int givenAt(Map<String, ?> given, String setting, String... prefixes) {
        int at = 0;
        while (at < prefixes.length && !given.containsKey(prefixes[at] + setting)) {
            at++;
        }
        return at;
    }

    /**
     * What {@code check} of one client returns, a setting it refuses named as it was given among {@code given}, under
     * the first of {@code prefixes} (each addresses the client, the closest first) that has it: Kafka names a value
     * it refuses as the client reads it ({@code linger.ms} for a {@code producer.linger.ms=abc}; a list's own checks,
     * {@code Configuration 'ssl.cipher.suites' values ...}), and so do this class's own checks of a client's login
     * and stores ({@code ssl.keystore.location (of ...)}).
     */
    private static <T> T namedAsGiven(Map<String, ?> given, Supplier<T> check, String... prefixes) {
        try {
            return check.get();
        } catch (ConfigException e) {
            String message = String.valueOf(e.getMessage());
            for (String prefix : prefixes) {
                if (prefix.isEmpty()) {
                    continue; // as Kafka names it already
                }
                for (Map.Entry<String, ?> setting : given.entrySet()) {
                    String name = setting.getKey();
                    if (!name.startsWith(prefix)) {
                        continue;
                    }
                    String bare = name.substring(prefix.length());
                    // as ConfigException(name, value, message) says it: the value as given, so that a message quoting
                    // a value that reads like another setting's is not taken for that setting's
                    String refused = "Invalid value " + setting.getValue() + " for configuration " + bare;
                    if (message.startsWith(refused) && (message.length() == refused.length()
                            || message.charAt(refused.length()) == ':')) {
                        throw renamed(e, "Invalid value " + setting.getValue() + " for configuration " + name
                                + message.substring(refused.length()));
                    }
                    if (message.startsWith(bare + " (of ")) {
                        throw renamed(e, name + message.substring(bare.length()));
                    }
                    String listed = "Configuration '" + bare + "' "; // a list's checks: "values must not be empty"
                    if (message.startsWith(listed)) {
                        throw renamed(e, "Configuration '" + name + "' " + message.substring(listed.length()));
                    }
                }
            }
            throw e;
        }
    }

    private static ConfigException renamed(ConfigException refusal, String message) {
        ConfigException renamed = new ConfigException(message);
        renamed.initCause(refusal);
        return renamed;
    }

    /** {@code setting} as it was given, under the prefix at {@code at}; its bare name when it was not given. */
    private static String named(String setting, int at, String... prefixes) {
        return at < prefixes.length ? prefixes[at] + setting : setting;
    }

    /**
     * Refuses a main consumer that starts a partition without a committed position anywhere but its first record:
     * with {@code latest} (given plainly, for every consumer or for the main one), a first start after records came,
     * or a position the topic no longer holds, skips orders and agreements without a word, where every order must get
     * its decision (seen: 9 orders on the topic, none decided, nothing logged).
     */
    private static void refuseSkippingInputs(Map<String, ?> given, Map<String, Object> mainConsumer) {
        Object reset = mainConsumer.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
        if (reset != null && !"earliest".equalsIgnoreCase(String.valueOf(reset).trim())) {
            // named as given (seen in a review: auto.offset.reset=latest was told as main.consumer.auto.offset.reset)
            String[] prefixes = {StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX, ""};
            throw new ConfigException(named(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    givenAt(given, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, prefixes), prefixes), reset,
                    "the guard decides every record on its inputs, from the first one it has not: a consumer that "
                            + "starts elsewhere skips orders and agreements. Leave it unset (earliest)");
        }
    }

    /**
     * Refuses a partitioner of Kafka Streams' producer: the guard's outputs go to the partition of their holding's key,
     * as its inputs came, so that a reader of one holding reads its decisions, results and positions in order and a
     * compacted positions topic keeps one position of a holding (seen: one holding's decisions spread over five
     * partitions).
     */
    private static void refuseOtherPartitioners(Map<String, ?> given, Map<String, Object> producer) {
        String[] prefixes = {StreamsConfig.PRODUCER_PREFIX, ""};
        for (String setting : List.of(ProducerConfig.PARTITIONER_CLASS_CONFIG,
                ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG)) {
            Object value = producer.get(setting);
            boolean asDefault = value == null || (setting.equals(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG)
                    && "false".equalsIgnoreCase(String.valueOf(value).trim()));
            if (!asDefault) {
                throw new ConfigException(named(setting, givenAt(given, setting, prefixes), prefixes), value,
                        "the guard writes each answer to its holding's partition, as Kafka's default partitioner puts "
                        + "the key: leave it unset");
            }
        }
    }

    /**
     * Refuses a record cache of no bytes: the positions reach their topic only as the cache flushes them (the outbox in
     * {@code GuardTopology}, so that a holding's many positions within a commit are published once), and without one
     * Kafka Streams builds the outbox uncached: no position would ever be published, and nothing said so.
     */
    @SuppressWarnings("deprecation") // cache.max.bytes.buffering: Kafka Streams 4.4 still takes it, when alone
    private static void refuseNoRecordCache(StreamsConfig streams) {
        String setting = streams.originals().containsKey(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)
                ? StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG : StreamsConfig.CACHE_MAX_BYTES_BUFFERING_CONFIG;
        if (streams.originals().containsKey(setting) && streams.getLong(setting) == 0) {
            throw new ConfigException(setting, 0, "the guard publishes positions as its record cache is flushed, "
                    + "and with no cache would publish none: give it at least 1 byte (a small cache publishes more of "
                    + "them: every position a holding takes, not only its last of each commit)");
        }
    }

    /**
     * Refuses a setting of how Kafka Streams handles a record it cannot take, which the guard sets itself
     * ({@link StreamsDefaults#errorHandling}): a value given would replace its handling without a word. Kafka
     * Streams' {@code LogAndContinueExceptionHandler}, common in copied settings, skips a record it cannot read while
     * the registry is away, where the guard waits for it: an agreement lost, an order never decided. A production
     * handler that continues drops a decision Kafka cannot take.
     */
    private static void refuseTheGuardsOwnHandling(GuardConfig config) {
        Properties guards = StreamsDefaults.errorHandling(config.topicNames());
        for (String setting : List.of(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DEPRECATED_DESERIALIZATION_HANDLER, StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DEPRECATED_PRODUCTION_HANDLER,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG,
                StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)) {
            Object given = config.originals().get(setting);
            if (given != null && !String.valueOf(given).trim().equalsIgnoreCase(String.valueOf(guards.get(setting)))) {
                throw new ConfigException(setting, given, "the guard sets how Kafka Streams handles a record it "
                        + "cannot take (it waits out a registry outage, dead-letters a bad record to "
                        + GuardConfig.TOPIC_DEAD_LETTERS_CONFIG + " with the error in its headers, and stops rather "
                        + "than drop a decision): leave it unset");
            }
        }
    }

    /**
     * Refuses a main or restore consumer that would read records a transaction aborted, under exactly-once: Kafka
     * Streams reads committed records only, and overrides {@code isolation.level} given plainly or for every consumer
     * ({@code consumer.}), but not given for its main or restore consumer alone (4.4): an order an aborted transaction
     * wrote would be decided, and a changelog's aborted writes restored into the state.
     */
    private static void refuseReadingUncommitted(StreamsConfig streams, Map<String, Object> main,
            Map<String, Object> restore) {
        if (StreamsConfig.AT_LEAST_ONCE.equals(streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))) {
            return;
        }
        for (Map.Entry<String, Map<String, Object>> consumer : Map.of(StreamsConfig.MAIN_CONSUMER_PREFIX, main,
                StreamsConfig.RESTORE_CONSUMER_PREFIX, restore).entrySet()) {
            Object isolation = consumer.getValue().get(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
            if (isolation != null && !"read_committed".equalsIgnoreCase(String.valueOf(isolation).trim())) {
                throw new ConfigException(consumer.getKey() + ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                        "under exactly-once the guard reads committed records only: leave it unset");
            }
        }
    }

    /**
     * Refuses a {@code value.subject.name.strategy} the guard's own Avro serdes do not know, as they would at start;
     * with another class's serde ({@code default.value.serde}), that class reads the setting.
     */
    private static void refuseUnknownSubjectStrategy(Map<String, Object> serdeConfig) {
        Object pluggedIn = serdeConfig.get(GuardTopics.VALUE_SERDE_CONFIG);
        if (pluggedIn == null || pluggedIn.toString().equals(SpecificAvroSerde.class.getName())) {
            SubjectNames.fromConfig(SubjectNames.VALUE_STRATEGY_CONFIG,
                    serdeConfig.get(SubjectNames.VALUE_STRATEGY_CONFIG));
        }
    }

    /**
     * Refuses a {@code topic.cleanup.policy} that deletes: Kafka Streams passes it on to the changelogs of the guard's
     * state, which the broker would then delete by age (the broker's {@code retention.ms}, a week by default, counted
     * from the timestamps of the records they answer, which may be years back) or by size, and a restore would
     * bring back part of the state: holdings without their agreements or the shares they sold.
     */
    private static void refuseChangelogsThatDelete(GuardConfig config) {
        String setting = StreamsConfig.topicPrefix(TopicConfig.CLEANUP_POLICY_CONFIG);
        String policy = config.originalStrings().get(setting);
        if (policy != null && List.of(policy.toLowerCase(Locale.ROOT).split(",")).stream().map(String::trim)
                .anyMatch(TopicConfig.CLEANUP_POLICY_DELETE::equals)) {
            throw new ConfigException(setting, policy, "Kafka Streams would create the changelogs of the guard's "
                    + "state with it, and the broker delete their records by age or size: a restore would bring back "
                    + "only part of the state. Leave it unset (the changelogs are compacted)");
        }
    }

    /**
     * Refuses a {@code topic.*} setting that is neither one of the guard's (its topics' names) nor a topic setting
     * Kafka knows, but within two letters of one: misspelt. Kafka Streams passes every {@code topic.*} setting on to
     * the changelogs it creates, a broker refuses to create them with a setting it does not know, and the guard would
     * replace its stream thread over and over without ever starting. A name further from every known one may be a
     * setting of another broker (Confluent Server's {@code confluent.*}): it is only named as unknown
     * ({@link #unknown}).
     */
    private static void refuseMisspeltTopicSettings(GuardConfig config) {
        Set<String> guards = GuardConfig.definition().names();
        Set<String> known = new TreeSet<>(TOPIC_SETTINGS);
        guards.stream().filter(name -> name.startsWith(StreamsConfig.TOPIC_PREFIX))
                .forEach(name -> known.add(name.substring(StreamsConfig.TOPIC_PREFIX.length())));
        for (Map.Entry<String, String> setting : config.originalStrings().entrySet()) {
            String name = setting.getKey();
            if (!name.startsWith(StreamsConfig.TOPIC_PREFIX) || guards.contains(name)) {
                continue;
            }
            String bare = name.substring(StreamsConfig.TOPIC_PREFIX.length());
            if (TOPIC_SETTINGS.contains(bare)) {
                continue;
            }
            Optional<String> meant = known.stream().filter(candidate -> lettersApart(bare, candidate) <= 2)
                    .min(Comparator.comparingInt(candidate -> lettersApart(bare, candidate)));
            if (meant.isPresent()) {
                throw new ConfigException(name, setting.getValue(), "Kafka has no topic setting '" + bare + "' and "
                        + "the guard no such topic: did you mean " + StreamsConfig.TOPIC_PREFIX + meant.get() + "? (a "
                        + "broker would refuse it on every changelog of the guard's state, and the guard never start)");
            }
        }
    }

    /**
     * Refuses a setting under one of the {@link #GUARD_NAMESPACES}, which no Kafka client reads, that is not one the
     * guard or its registry client knows: misspelt, or left from another version, it would have no effect, often
     * unseen ({@code topics.partition=12} created the topics with the default partitions, which cannot be taken
     * back; {@code topics.decisions.retention.msec} kept decisions for ever). Its value is not shown: it may be a
     * secret.
     */
    private static void refuseUnknownGuardSettings(GuardConfig config) {
        Set<String> guards = new TreeSet<>(GuardConfig.definition().names());
        guards.addAll(RegistryClientConfig.names()); // http.connect.timeout.ms, ...
        for (String name : unknown(config)) {
            Optional<String> namespace = GUARD_NAMESPACES.stream().filter(name::startsWith).findFirst();
            if (namespace.isEmpty() || KUBERNETES_SERVICE_LINK.matcher(name).matches()) {
                continue;
            }
            Optional<String> meant = guards.stream().filter(candidate -> lettersApart(name, candidate) <= 2)
                    .min(Comparator.comparingInt(candidate -> lettersApart(name, candidate)));
            throw new ConfigException(name + ": the guard has no such setting, and nothing else reads settings under "
                    + namespace.get() + ", so it would have no effect" + meant.map(m -> ": did you mean " + m + "?")
                    .orElse(" (`lockup-guard config` lists the guard's settings)"));
        }
    }

    /** How many letters must be inserted, deleted or replaced to make {@code a} into {@code b} (Levenshtein). */
    private static int lettersApart(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Set<String> topicSettings() {
        Set<String> names = new TreeSet<>(List.of("leader.replication.throttled.replicas",
                "follower.replication.throttled.replicas"));
        for (Field field : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && field.getName().endsWith("_CONFIG")) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read " + field, e);
                }
            }
        }
        return names;
    }

    /**
     * The settings given that neither the guard, nor Kafka Streams, nor a Kafka client, nor the registry's serdes
     * know, with or without a client's prefix ({@code producer.}, {@code consumer.}, ...): misspelt, most likely,
     * and so without effect. A {@code topic.*} setting is known when it is the guard's or one Kafka's topics take
     * (another broker's, such as Confluent Server's {@code topic.confluent.*}, is named: an Apache Kafka broker
     * would refuse it), client tags ({@code client.tag.*}) are Kafka Streams', and a config provider's
     * ({@code config.providers.*}) every client's.
     */
    public static Set<String> unknown(GuardConfig config) {
        Set<String> known = new TreeSet<>(GuardConfig.definition().names());
        known.addAll(StreamsConfig.configDef().names());
        known.addAll(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        known.addAll(AvroSerdeConfig.definition().names());
        known.addAll(RegistryClientConfig.names());
        known.add(SubjectNames.VALUE_STRATEGY_CONFIG); // read by the guard's Avro serdes
        Set<String> unknown = new TreeSet<>();
        for (String name : config.originalStrings().keySet()) {
            String bare = name;
            Set<String> knownHere = known;
            for (String prefix : CLIENT_PREFIXES) {
                if (name.startsWith(prefix)) {
                    bare = name.substring(prefix.length());
                    // only that client reads it: a setting of the guard's or of Kafka Streams' under its prefix
                    // (producer.topics.partitions) has no effect (seen in a review: not warned of)
                    knownHere = prefix.equals(StreamsConfig.PRODUCER_PREFIX) ? ProducerConfig.configNames()
                            : prefix.equals(StreamsConfig.ADMIN_CLIENT_PREFIX) ? AdminClientConfig.configNames()
                            : CONSUMER_READS;
                    break;
                }
            }
            boolean topicSetting = name.startsWith(StreamsConfig.TOPIC_PREFIX)
                    && TOPIC_SETTINGS.contains(name.substring(StreamsConfig.TOPIC_PREFIX.length()));
            if (!knownHere.contains(bare) && !topicSetting && !bare.startsWith(StreamsConfig.CLIENT_TAG_PREFIX)
                    && !bare.startsWith(CONFIG_PROVIDERS)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    private static void producer(String client, Map<?, ?> settings) {
        Map<String, Object> producer = copy(settings);
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        ProducerConfig values = new ProducerConfig(producer);
        refuseProducersThatCannotSend(values, producer.keySet());
        pluggedIn(client, values.values(), ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, ProducerInterceptor.class);
        madeAs(client, values.values());
    }

    /**
     * Refuses what a producer refuses only as it is made, or takes and then cannot send with: each passed
     * {@code config --check} and left the guard replacing its stream thread for ever, or never ready (seen: a
     * batch.size above buffer.memory failed every send, "Attempt to allocate ... bytes"; request.timeout.ms=0
     * timed every request out, said as a broker in bad state; max.block.ms=0, "not present in metadata after 0 ms").
     * Named as Kafka names them: the caller renames them as given.
     */
    private static void refuseProducersThatCannotSend(ProducerConfig values, Set<String> given) {
        int batch = values.getInt(ProducerConfig.BATCH_SIZE_CONFIG);
        long buffer = values.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG);
        if (batch > buffer) {
            // named as given: the one of the two the client was given, batch.size if both
            if (!given.contains(ProducerConfig.BATCH_SIZE_CONFIG)) {
                throw new ConfigException(ProducerConfig.BUFFER_MEMORY_CONFIG, buffer, "below batch.size (" + batch
                        + "): the producer could not hold one batch, and every send would fail");
            }
            throw new ConfigException(ProducerConfig.BATCH_SIZE_CONFIG, batch, "above buffer.memory (" + buffer
                    + "): the producer could not hold one batch, and every send would fail");
        }
        int requestTimeout = values.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        if (requestTimeout == 0) {
            throw new ConfigException(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 0, "every request would time out "
                    + "before the broker answers it (Kafka's default: 30000)");
        }
        if (values.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG) == 0) {
            throw new ConfigException(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0, "the producer could not wait even "
                    + "for the brokers to name a topic's partitions (Kafka's default: 60000)");
        }
        // what the producer's constructor refuses, as the client is made, capped as it caps it
        long least = Math.min(Math.min(values.getLong(ProducerConfig.LINGER_MS_CONFIG), Integer.MAX_VALUE)
                + requestTimeout, Integer.MAX_VALUE);
        int delivery = values.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        if (given.contains(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG) && delivery < least) {
            throw new ConfigException(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery, "must be at least "
                    + "linger.ms + request.timeout.ms (" + least + ")");
        }
    }

    private static void consumer(String client, Map<?, ?> settings) {
        Map<String, ?> values = consumerValues(settings).values();
        pluggedIn(client, values, ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerInterceptor.class);
        madeAs(client, values);
    }

    /** A consumer's settings as it reads them, given the byte deserializers a check needs (no consumer is made). */
    private static ConsumerConfig consumerValues(Map<?, ?> settings) {
        Map<String, Object> consumer = copy(settings);
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new ConsumerConfig(consumer);
    }

    /**
     * Refuses heartbeats a group member cannot keep: at 0 the heartbeat thread spun and the guard hung, never ready,
     * without a word; at or above the session timeout the consumer's constructor refuses them, as the client is
     * made. Kafka Streams' own group protocol ({@code group.protocol=streams}) has the brokers set both.
     */
    private static void refuseHeartbeatsThatFail(StreamsConfig streams, Map<String, Object> mainConsumer) {
        if (STREAMS_GROUP_PROTOCOL.equalsIgnoreCase(streams.getString(StreamsConfig.GROUP_PROTOCOL_CONFIG))) {
            return;
        }
        ConsumerConfig values = consumerValues(mainConsumer);
        int heartbeat = values.getInt(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
        int session = values.getInt(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        if (heartbeat <= 0) {
            throw new ConfigException(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, heartbeat, "a group member must "
                    + "send heartbeats some time apart (Kafka's default: 3000)");
        }
        if (heartbeat >= session) {
            // named as given: the heartbeat if it was, else the session timeout that fell to it
            if (!mainConsumer.containsKey(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)) {
                throw new ConfigException(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session, "must be above "
                        + "heartbeat.interval.ms (" + heartbeat + "), three times it at least as Kafka advises");
            }
            throw new ConfigException(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, heartbeat, "must be below "
                    + "session.timeout.ms (" + session + "), a third of it at most as Kafka advises");
        }
    }

    /**
     * What {@code client} reads only as it is made: its brokers' addresses, the classes it loads, its SASL login and
     * its TLS stores.
     */
    private static void madeAs(String client, Map<String, ?> settings) {
        addresses(client, settings);
        pluggedIn(client, settings, CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, MetricsReporter.class);
        pluggedIn(client, settings, SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslEngineFactory.class);
        pluggedIn(client, settings, SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS,
                AuthenticateCallbackHandler.class);
        pluggedIn(client, settings, SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS,
                AuthenticateCallbackHandler.class);
        pluggedIn(client, settings, SaslConfigs.SASL_LOGIN_CLASS, Login.class);
        login(client, settings);
        stores(client, settings);
    }

    /** The classes Kafka Streams loads by setting, and what each must be. */
    private static final Map<String, Class<?>> STREAMS_PLUGGED_IN = Map.of(
            StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serde.class,
            StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serde.class,
            StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, TimestampExtractor.class,
            StreamsConfig.TASK_ASSIGNOR_CLASS_CONFIG, TaskAssignor.class,
            StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, DslStoreSuppliers.class,
            StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, ProcessorWrapper.class,
            StreamsConfig.DEFAULT_CLIENT_SUPPLIER_CONFIG, KafkaClientSupplier.class,
            CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, MetricsReporter.class);

    /**
     * Refuses a class that {@code client} would load by {@code setting} and that is not a {@code kind}, or that is not
     * there. Kafka checks, with the other settings, only that a class setting's class exists, and a list's not at all;
     * that it is of the right kind only as it makes the client or uses the class (seen in a review:
     * default.value.serde=...StringSerializer and metric.reporters=java.lang.String stopped run with exit 1 under a
     * ClassCastException, and a task.assignor.class that is no assignor left the guard replacing its stream thread
     * for ever, all of them passing config --check).
     */
    private static void pluggedIn(String client, Map<String, ?> settings, String setting, Class<?> kind) {
        Object value = settings.get(setting);
        List<?> classes = value instanceof List<?> list ? list
                : value instanceof String text ? List.of(text.split(",")) : value == null ? List.of() : List.of(value);
        for (Object plugged : classes) {
            Class<?> type;
            if (plugged instanceof Class<?> given) {
                type = given;
            } else {
                String name = String.valueOf(plugged).trim();
                if (name.isEmpty()) {
                    continue;
                }
                try {
                    type = Class.forName(name, false, Utils.getContextOrKafkaClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new ConfigException(setting + " (of " + client + "): no class " + name
                            + " on the class path");
                }
            }
            if (!kind.isAssignableFrom(type)) {
                throw new ConfigException(setting + " (of " + client + "): " + type.getName() + " is not a "
                        + kind.getSimpleName() + " (" + kind.getName() + ")");
            }
        }
    }

    /**
     * A client's {@code bootstrap.servers} as Kafka parses them when the client is made: each {@code host:port}, the
     * port at most 65535. Kafka checks them only then, so "localhost" (no port) stopped {@code run} with exit 1 under
     * "Failed to create new KafkaAdminClient", and {@code config --check} said the cluster had refused (seen in a
     * review). Whether the names resolve is left to the start: a name not resolving yet is not a setting's fault.
     */
    private static void addresses(String client, Map<String, ?> settings) {
        Object servers = settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        List<?> addresses = servers instanceof List<?> list ? list
                : servers == null ? List.of() : List.of(servers.toString().split(","));
        for (Object given : addresses) {
            String address = String.valueOf(given).trim();
            if (address.isEmpty()) {
                continue;
            }
            String host = Utils.getHost(address);
            Integer port;
            try {
                port = Utils.getPort(address);
            } catch (NumberFormatException e) {
                port = null; // more digits than an int holds (seen in a review: a stack trace, exit 1)
            }
            // an empty host is taken, as Kafka takes it: this machine (":9092")
            if (host == null || port == null || port > 65535) {
                throw new ConfigException(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG + " (of " + client + "): "
                        + RegistryClientConfig.quoted(address) + " is not a broker's host:port (kafka-1:9092, "
                        + "10.0.0.5:9092, [fd42::5]:9092)");
            }
        }
    }

    /**
     * A TLS client's key and trust stores, which the client loads as it is made: a file named must be there to read.
     * Kafka reads them only then, so a path mistyped stopped {@code run} once its clients were made, under Kafka's
     * stack trace, and {@code config --check} said "topics not checked" and exited 0. Their content (type, password,
     * certificates) is still Kafka's to read; a client with an engine factory of its own is left to it.
     */
    private static void stores(String client, Map<String, ?> settings) {
        String protocol = String.valueOf(settings.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG))
                .toUpperCase(Locale.ROOT);
        if (!protocol.equals("SSL") && !protocol.equals("SASL_SSL")
                || settings.get(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG) != null) {
            return;
        }
        for (String setting : List.of(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG)) {
            Object location = settings.get(setting);
            if (location == null || location.toString().isBlank()) {
                continue;
            }
            Path path;
            try {
                path = Path.of(location.toString());
            } catch (InvalidPathException e) {
                throw new ConfigException(setting + " (of " + client + "): not a file name: " + e.getMessage());
            }
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new ConfigException(setting + " (of " + client + "): " + location
                        + (Files.exists(path) ? " is not a file this process can read" : " does not exist"));
            }
        }
    }

    /**
     * A SASL client's login as the client reads it when it is made: {@code sasl.jaas.config}, or the JVM's JAAS file
     * without it, must hold one entry that parses, whose login module Kafka allows and can load. Kafka checks none of
     * it with the other settings, so a semicolon left out stopped {@code run} only once its clients were made, and
     * {@code config --check} said "topics not checked". The message names {@code client}, since a prefix
     * ({@code producer.sasl.jaas.config}) may have given it its login, and never a word of the login itself.
     */
    private static void login(String client, Map<String, ?> settings) {
        Object protocol = settings.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        if (!String.valueOf(protocol).toUpperCase(Locale.ROOT).startsWith("SASL_")) {
            return; // Kafka takes the protocol's name in any case
        }
        String setting = SaslConfigs.SASL_JAAS_CONFIG + " (of " + client + ")";
        List<AppConfigurationEntry> entries;
        try {
            entries = JaasContext.loadClientContext(settings).configurationEntries();
        } catch (IllegalArgumentException | SecurityException e) {
            // the parser quotes a token it stumbled on ("Value not specified for key 'x' in JAAS config"): with an
            // unquoted value of two words, the second word of a password
            String message = String.valueOf(e.getMessage());
            throw new ConfigException(setting + ": "
                    + (message.endsWith("in JAAS config") ? message.replaceAll("'[^']*'", "'...'") : message));
        }
        ClassLoader loader = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElseGet(ClassLoader::getSystemClassLoader); // where JAAS looks without one
        for (AppConfigurationEntry entry : entries) {
            try {
                Class.forName(entry.getLoginModuleName(), false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ConfigException(setting + ": no login module " + entry.getLoginModuleName()
                        + " on the class path");
            }
        }
    }

    private static Map<String, Object> copy(Map<?, ?> settings) {
        Map<String, Object> copy = new HashMap<>();
        settings.forEach((key, value) -> copy.put(String.valueOf(key), value));
        return copy;
    }
}
