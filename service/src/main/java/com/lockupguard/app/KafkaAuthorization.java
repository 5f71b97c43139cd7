package com.lockupguard.app;

import com.lockupguard.topology.FailureCauses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the guard may do on its cluster. At start it asks the brokers which operations its
 * principal is allowed on its topics and group ({@code includeAuthorizedOperations}) and refuses
 * to start, naming every missing permission, rather than fail on the first decision it cannot
 * write — which on a quiet day could come hours later. What cannot be asked (transactional ids,
 * internal topics not yet created) shows up as Kafka's authorization exceptions, which
 * {@link #explain} turns into the same message.
 */
public final class KafkaAuthorization {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAuthorization.class);
    private static final Pattern CREATE_TOPIC = Pattern.compile("(?i)(?:could not|cannot) create topic '?([^\\s':]+?)'?[.:]?(?:\\s|$)");

    private KafkaAuthorization() {
    }

    /**
     * Refuses to start, naming them all, when the principal lacks permissions it can be asked about. The brokers
     * answer for the admin's principal; when the guard's clients log in as different principals, that answer says
     * nothing of the others, and nothing is asked (Kafka's own authorization errors, explained, remain).
     */
    public static void verify(Admin admin, GuardConfig config, Duration timeout) throws InterruptedException {
        Map<String, String> principals = GuardPermissions.principals(config);
        if (new HashSet<>(principals.values()).size() > 1) {
            LOG.info("Kafka permissions not checked at start: the guard's clients log in as different principals "
                    + "({}), and the brokers answer only for the admin's", principals);
            return;
        }
        List<KafkaPermission> required = GuardPermissions.required(config);
        List<KafkaPermission> missing = new ArrayList<>();
        missing.addAll(missingOnTopics(admin, required, timeout));
        missing.addAll(missingOnGroup(admin, required, timeout));
        if (!missing.isEmpty()) {
            throw new MissingPermissionException(GuardPermissions.principal(config), missing,
                    bootstrap(config), null);
        }
        LOG.info("Kafka permissions checked: {} may do what the guard needs on its topics and group",
                Optional.ofNullable(GuardPermissions.principal(config)).orElse("the guard's principal"));
    }

    private static List<KafkaPermission> missingOnTopics(Admin admin, List<KafkaPermission> required,
            Duration timeout) throws InterruptedException {
        Set<String> topics = new LinkedHashSet<>();
        for (KafkaPermission permission : required) {
            if (permission.resourceType() == ResourceType.TOPIC && permission.pattern() == PatternType.LITERAL) {
                topics.add(permission.name());
            }
        }
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(topics,
                new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues();
        List<KafkaPermission> missing = new ArrayList<>();
        for (String topic : topics) {
            Set<AclOperation> allowed;
            try {
                allowed = described.get(topic).get(timeout.toMillis(), TimeUnit.MILLISECONDS).authorizedOperations();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    // not even DESCRIBE, so surely none of READ and WRITE (which imply it); whether the rest is
                    // granted cannot be told until one of them is
                    missing.addAll(withoutDescribe(topic, required));
                }
                continue; // otherwise missing, or the cluster is unwell: provisioning says so
            } catch (TimeoutException e) {
                continue;
            }
            if (allowed == null || allowed.isEmpty()) {
                continue; // the broker did not say (a described topic allows at least DESCRIBE)
            }
            for (KafkaPermission permission : required) {
                if (permission.resourceType() == ResourceType.TOPIC && permission.pattern() == PatternType.LITERAL
                        && permission.name().equals(topic) && permission.operation() != AclOperation.CREATE
                        && !allowed.contains(permission.operation())) {
                    missing.add(permission);
                }
            }
        }
        return missing;
    }

    private static List<KafkaPermission> withoutDescribe(String topic, List<KafkaPermission> required) {
        List<KafkaPermission> missing = new ArrayList<>();
        for (KafkaPermission permission : required) {
            if (permission.covers(permission.operation(), ResourceType.TOPIC, topic)
                    && permission.pattern() == PatternType.LITERAL
                    && (permission.operation() == AclOperation.READ || permission.operation() == AclOperation.WRITE)) {
                missing.add(permission);
            }
        }
        if (missing.isEmpty()) {
            missing.add(new KafkaPermission(AclOperation.DESCRIBE, ResourceType.TOPIC, topic, PatternType.LITERAL,
                    "see the topic at all"));
        }
        return missing;
    }

    private static List<KafkaPermission> missingOnGroup(Admin admin, List<KafkaPermission> required,
            Duration timeout) throws InterruptedException {
        List<KafkaPermission> missing = new ArrayList<>();
        for (KafkaPermission permission : required) {
            if (permission.resourceType() != ResourceType.GROUP) {
                continue;
            }
            try {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(permission.name()),
                        new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                        .describedGroups().get(permission.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Set<AclOperation> allowed = group.authorizedOperations();
                if (allowed != null && !allowed.isEmpty() && !allowed.contains(permission.operation())) {
                    missing.add(permission);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupAuthorizationException) {
                    missing.add(permission);
                }
                // a group that does not exist yet cannot be asked about: Kafka Streams' own error will say
            } catch (TimeoutException e) {
                // the start-up checks that follow report an unresponsive cluster
            }
        }
        return missing;
    }

    /**
     * Kafka's authorization exception (or Kafka Streams' wrapper of one) in {@code failure}, as the permission
     * it means; {@code operation}, when known, is what the guard was doing (CREATE, DESCRIBE_CONFIGS).
     */
    public static Optional<MissingPermissionException> explain(Throwable failure, GuardConfig config,
            AclOperation operation) {
        AuthorizationException denied = null;
        StringBuilder context = new StringBuilder();
        for (Throwable t : FailureCauses.of(failure)) {
            context.append(' ').append(t.getMessage());
            if (denied == null && t instanceof AuthorizationException authorization) {
                denied = authorization;
            }
        }
        if (denied == null) {
            return Optional.empty();
        }
        String text = context.toString();
        String applicationId = config.getString(GuardConfig.APPLICATION_ID_CONFIG);
        List<KafkaPermission> required = GuardPermissions.required(config);
        List<KafkaPermission> missing = new ArrayList<>();
        if (denied instanceof GroupAuthorizationException group) {
            String name = group.groupId() == null ? applicationId : group.groupId();
            missing.add(new KafkaPermission(AclOperation.READ, ResourceType.GROUP, name, PatternType.LITERAL,
                    GuardPermissions.GROUP));
        } else if (denied instanceof TransactionalIdAuthorizationException) {
            missing.add(new KafkaPermission(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, applicationId + "-",
                    PatternType.PREFIXED, GuardPermissions.TRANSACTIONS));
        } else if (denied instanceof TopicAuthorizationException topic) {
            Set<String> topics = new LinkedHashSet<>(topic.unauthorizedTopics());
            Matcher created = CREATE_TOPIC.matcher(text);
            if (topics.isEmpty() && created.find()) {
                topics.add(created.group(1));
            }
            AclOperation doing = operation != null ? operation
                    : created.reset().find() ? AclOperation.CREATE
                    : text.contains("sending record") ? AclOperation.WRITE : null;
            for (String name : topics) {
                missing.addAll(onTopic(name, doing, applicationId, required));
            }
        } else if (denied instanceof ClusterAuthorizationException) {
            AclOperation doing = operation != null ? operation
                    : text.toLowerCase(java.util.Locale.ROOT).contains("create") ? AclOperation.CREATE
                    : AclOperation.IDEMPOTENT_WRITE;
            missing.add(new KafkaPermission(doing, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
                    "the cluster-wide operation Kafka refused"));
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MissingPermissionException(GuardPermissions.principal(config), missing,
                bootstrap(config), failure));
    }

    /** What the guard needs on {@code topic} that it was refused: the operation it was doing, or all it needs there. */
    private static List<KafkaPermission> onTopic(String topic, AclOperation doing, String applicationId,
            List<KafkaPermission> required) {
        List<KafkaPermission> needed = new ArrayList<>();
        if (topic.startsWith(applicationId + "-")) {
            AclOperation operation = doing != null ? doing : AclOperation.READ;
            needed.add(new KafkaPermission(operation, ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED,
                    GuardPermissions.INTERNAL_TOPICS));
            return needed;
        }
        for (KafkaPermission permission : required) {
            if (permission.covers(permission.operation(), ResourceType.TOPIC, topic)
                    && (doing == null ? permission.operation() != AclOperation.CREATE
                            && permission.operation() != AclOperation.DESCRIBE_CONFIGS
                            : permission.operation() == doing)) {
                needed.add(permission);
            }
        }
        if (doing == null && needed.size() > 1) {
            // not told what it was doing: Kafka Streams reads inputs and writes outputs (the API's needs are checked at start)
            List<KafkaPermission> streams = needed.stream().filter(p -> p.why().equals(GuardPermissions.READ_INPUTS)
                    || p.why().equals(GuardPermissions.WRITE_OUTPUTS)).toList();
            if (!streams.isEmpty()) {
                needed = new ArrayList<>(streams);
            }
        }
        if (needed.isEmpty()) {
            needed.add(new KafkaPermission(doing != null ? doing : AclOperation.DESCRIBE, ResourceType.TOPIC, topic,
                    PatternType.LITERAL, "the operation Kafka refused"));
        }
        return needed;
    }

    private static String bootstrap(GuardConfig config) {
        return String.join(",", config.getList(GuardConfig.BOOTSTRAP_SERVERS_CONFIG));
    }
}
