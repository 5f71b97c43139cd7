package com.lockupguard.app;

import com.lockupguard.topology.TopicNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka ACLs a guard with a given configuration needs, and nothing more: what README's
 * "Security" section lists (generated from here by {@code config --acls}; a test keeps it in
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

    private static final Pattern JAAS_USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

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

    /**
     * The guard's principal as Kafka will see it: {@code User:<username>} of a PLAIN or SCRAM login; null when
     * the settings do not say (mTLS, Kerberos, OAUTHBEARER). Only the user name is read from the JAAS text.
     */
    public static String principal(GuardConfig config) {
        Map<String, String> settings = config.originalStrings();
        String mechanism = settings.getOrDefault("sasl.mechanism", "GSSAPI").toUpperCase(Locale.ROOT);
        String jaas = settings.get("sasl.jaas.config");
        if (jaas == null || !(mechanism.equals("PLAIN") || mechanism.startsWith("SCRAM-"))) {
            return null;
        }
        Matcher user = JAAS_USERNAME.matcher(jaas);
        return user.find() ? "User:" + user.group(1) : null;
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
                    .append("kafka-acls --bootstrap-server ").append(bootstrapServers)
                    .append(" --add --allow-principal ").append(principal).append(" \\\n   ");
            key.operations().forEach(operation -> out.append(" --operation ")
                    .append(KafkaPermission.cliOperation(operation)));
            if (key.pattern() == PatternType.PREFIXED) {
                out.append(" --resource-pattern-type prefixed");
            }
            for (String name : names) {
                out.append(' ').append(KafkaPermission.cliResource(key.type())).append(' ').append(name);
            }
            out.append('\n');
        });
        return out.toString();
    }

    /** The commands for everything {@code config} needs. */
    public static String commands(GuardConfig config, String principal) {
        return commands(required(config), principal,
                String.join(",", config.getList(GuardConfig.BOOTSTRAP_SERVERS_CONFIG)));
    }
}
