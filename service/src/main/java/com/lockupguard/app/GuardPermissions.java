package com.lockupguard.app;

import com.lockupguard.topology.TopicNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka ACLs a guard with a given configuration needs, and nothing more: what docs/SECURITY.md
 * lists (generated from here by {@code config --acls}; a test keeps it in
 * sync) and what the secured broker test grants.
 */
public final class GuardPermissions {

    static final String READ_INPUTS = "read its inputs, check their settings at start";
    static final String WRITE_OUTPUTS = "write its decisions and other outputs, check their settings at start";
    static final String API_READS = "the API and the dashboard read what they show";
    static final String API_WRITES = "POST /api/orders sends orders";
    static final String CREATE_TOPICS = "create its missing topics at start (topics.create=true)";
    static final String INTERNAL_TOPICS = "Kafka Streams' internal topics: the stores' changelogs";
    static final String GROUP = "its consumer group";
    static final String TRANSACTIONS = "exactly-once transactions";

    /** Characters no POSIX shell takes for its own anywhere in a word. */
    private static final Pattern SHELL_PLAIN = Pattern.compile("[A-Za-z0-9_.,:/=@%+-]+");

    private GuardPermissions() {
    }

    /** Every permission the guard needs with {@code config}, grouped by what it is for. */
    public static List<KafkaPermission> required(GuardConfig config) {
        TopicNames topics = config.topicNames();
        String applicationId = config.getString(GuardConfig.APPLICATION_ID_CONFIG);
        boolean api = config.getInt(GuardConfig.HTTP_PORT_CONFIG) >= 0;
        List<String> outputs = new ArrayList<>(topics.all());
        outputs.removeAll(topics.inputs());
        List<KafkaPermission> required = new ArrayList<>();
        grant(required, READ_INPUTS, ResourceType.TOPIC, PatternType.LITERAL,
                List.of(AclOperation.READ, AclOperation.DESCRIBE_CONFIGS), topics.inputs());
        grant(required, WRITE_OUTPUTS, ResourceType.TOPIC, PatternType.LITERAL,
                List.of(AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS), outputs);
        if (api) {
            grant(required, API_READS, ResourceType.TOPIC, PatternType.LITERAL, List.of(AclOperation.READ),
                    List.of(topics.approved(), topics.blocked(), topics.positions(), topics.executionResults(),
                            topics.complianceAlerts()));
            grant(required, API_WRITES, ResourceType.TOPIC, PatternType.LITERAL, List.of(AclOperation.WRITE),
                    List.of(topics.orders()));
        }
        if (config.getBoolean(GuardConfig.TOPICS_CREATE_CONFIG)) {
            grant(required, CREATE_TOPICS, ResourceType.TOPIC, PatternType.LITERAL, List.of(AclOperation.CREATE),
                    topics.all());
        }
        grant(required, INTERNAL_TOPICS, ResourceType.TOPIC, PatternType.PREFIXED,
                List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE), List.of(applicationId + "-"));
        grant(required, GROUP, ResourceType.GROUP, PatternType.LITERAL, List.of(AclOperation.READ),
                List.of(applicationId));
        if (StreamsConfig.EXACTLY_ONCE_V2.equals(config.getString(GuardConfig.PROCESSING_GUARANTEE_CONFIG))) {
            grant(required, TRANSACTIONS, ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED,
                    List.of(AclOperation.WRITE), List.of(applicationId + "-"));
        }
        return required;
    }

    private static void grant(List<KafkaPermission> into, String why, ResourceType type, PatternType pattern,
            List<AclOperation> operations, List<String> names) {
        for (String name : names) {
            for (AclOperation operation : operations) {
                into.add(new KafkaPermission(operation, type, name, pattern, why));
            }
        }
    }

    /** The guard's Kafka clients, as {@link #principals} names them. */
    public static final String ADMIN = "admin (Kafka Streams' and the guard's: topics, permission checks)";
    public static final String PRODUCER = "producer (Kafka Streams': outputs, changelogs, transactions; "
            + "POST /api/orders)";
    public static final String MAIN_CONSUMER = "main consumer (Kafka Streams': inputs, group)";
    public static final String RESTORE_CONSUMER = "restore consumer (Kafka Streams': changelogs)";
    public static final String FEED_CONSUMER = "decision feed consumer (the API)";

    /**
     * The guard's principal as Kafka will see it, when every one of its clients logs in as the same one:
     * {@code User:<username>} of a PLAIN or SCRAM login; null when the settings do not say (mTLS, Kerberos,
     * OAUTHBEARER, no SASL) or the clients log in as different principals ({@link #principals}).
     */
    public static String principal(GuardConfig config) {
        Set<String> distinct = new LinkedHashSet<>(principals(config).values());
        return distinct.size() == 1 ? distinct.iterator().next() : null;
    }

    /**
     * Each of the guard's Kafka clients with the principal it logs in as (null where its settings do not say), from
     * the settings that client takes: unprefixed ones, then its role's prefixed ones on top ({@code admin.},
     * {@code producer.}, {@code consumer.}, then {@code main.consumer.} or {@code restore.consumer.}), as Kafka
     * Streams builds its clients and {@link GuardConfig} the guard's own.
     */
    public static Map<String, String> principals(GuardConfig config) {
        Map<String, String> principals = new LinkedHashMap<>();
        principals.put(ADMIN, principalOf(config.adminProperties()));
        principals.put(PRODUCER, principalOf(config.producerProperties()));
        principals.put(MAIN_CONSUMER, principalOf(streamsConsumer(config, StreamsConfig.MAIN_CONSUMER_PREFIX)));
        principals.put(RESTORE_CONSUMER, principalOf(streamsConsumer(config, StreamsConfig.RESTORE_CONSUMER_PREFIX)));
        if (config.getInt(GuardConfig.HTTP_PORT_CONFIG) >= 0) {
            principals.put(FEED_CONSUMER, principalOf(config.consumerProperties()));
        }
        return principals;
    }

    /**
     * The login settings of one of Kafka Streams' consumers, as {@code StreamsConfig} builds them: unprefixed, then
     * {@code consumer.}, then the consumer's own {@code prefix} on top (without building a {@code StreamsConfig},
     * which warns of settings that concern the stream threads only).
     */
    private static Map<String, String> streamsConsumer(GuardConfig config, String prefix) {
        Map<String, String> originals = config.originalStrings();
        Map<String, String> client = new HashMap<>();
        for (String name : List.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SaslConfigs.SASL_MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG)) {
            String value = originals.get(name);
            value = originals.getOrDefault(StreamsConfig.CONSUMER_PREFIX + name, value);
            value = originals.getOrDefault(prefix + name, value);
            if (value != null) {
                client.put(name, value);
            }
        }
        return client;
    }

    /** {@code User:<username>} of a client's SASL PLAIN or SCRAM login; null when its settings do not say. */
    private static String principalOf(Map<?, ?> client) {
        String protocol = setting(client, CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL).toUpperCase(Locale.ROOT);
        String mechanism = setting(client, SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM)
                .toUpperCase(Locale.ROOT);
        Object jaas = client.get(SaslConfigs.SASL_JAAS_CONFIG);
        if (!protocol.startsWith("SASL_") || jaas == null
                || !(mechanism.equals("PLAIN") || mechanism.startsWith("SCRAM-"))) {
            return null;
        }
        Password login = jaas instanceof Password password ? password : new Password(String.valueOf(jaas));
        try {
            // read as the client reads it: a username unquoted or in single quotes is as good as in double ones
            List<AppConfigurationEntry> entries = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG,
                    login)).configurationEntries();
            Object username = entries.isEmpty() ? null : entries.get(0).getOptions().get("username");
            return username == null ? null : "User:" + username;
        } catch (IllegalArgumentException | SecurityException e) {
            return null; // a login that does not parse: ClientSettings refuses it, naming the client
        }
    }

    private static String setting(Map<?, ?> client, String name, String otherwise) {
        Object value = client.get(name);
        return value == null ? otherwise : String.valueOf(value);
    }

    /** {@code kafka-acls} commands that grant {@code permissions} to {@code principal}, one per purpose. */
    public static String commands(List<KafkaPermission> permissions, String principal, String bootstrapServers) {
        record Key(String why, ResourceType type, PatternType pattern, Set<AclOperation> operations) {
        }
        Map<String, Map<AclOperation, Boolean>> byResource = new LinkedHashMap<>();
        Map<String, KafkaPermission> firstOf = new LinkedHashMap<>();
        for (KafkaPermission permission : permissions) {
            String resource = permission.why() + '\u0000' + permission.resourceType() + '\u0000'
                    + permission.pattern() + '\u0000' + permission.name();
            byResource.computeIfAbsent(resource, r -> new LinkedHashMap<>()).put(permission.operation(), true);
            firstOf.putIfAbsent(resource, permission);
        }
        Map<Key, Set<String>> commands = new LinkedHashMap<>();
        byResource.forEach((resource, operations) -> {
            KafkaPermission first = firstOf.get(resource);
            commands.computeIfAbsent(new Key(first.why(), first.resourceType(), first.pattern(),
                    new LinkedHashSet<>(operations.keySet())), k -> new LinkedHashSet<>()).add(first.name());
        });
        StringBuilder out = new StringBuilder();
        commands.forEach((key, names) -> {
            out.append("# ").append(key.why()).append('\n')
                    .append("kafka-acls --bootstrap-server ").append(shellWord(bootstrapServers))
                    .append(" --add --allow-principal ").append(shellWord(principal)).append(" \\\n   ");
            key.operations().forEach(operation -> out.append(" --operation ")
                    .append(KafkaPermission.cliOperation(operation)));
            if (key.pattern() == PatternType.PREFIXED) {
                out.append(" --resource-pattern-type prefixed");
            }
            for (String name : names) {
                out.append(' ').append(KafkaPermission.cliResource(key.type())).append(' ').append(shellWord(name));
            }
            out.append('\n');
        });
        return out.toString();
    }

    /**
     * {@code text} as one word of a POSIX shell: as it is when no character of it means anything to the shell, else
     * in single quotes. A principal is whatever its certificate or login says ({@code User:CN=guard, OU=Trading}):
     * printed bare, its space would split the command, and a quote or a {@code $} in it would be the shell's.
     */
    static String shellWord(String text) {
        return SHELL_PLAIN.matcher(text).matches() ? text : "'" + text.replace("'", "'\\''") + "'";
    }

    /** The commands for everything {@code config} needs. */
    public static String commands(GuardConfig config, String principal) {
        return commands(required(config), principal,
                String.join(",", config.getList(GuardConfig.BOOTSTRAP_SERVERS_CONFIG)));
    }
}
