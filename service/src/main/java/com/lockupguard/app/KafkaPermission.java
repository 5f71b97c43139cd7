package com.lockupguard.app;

import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One Kafka ACL the guard needs: an operation on a resource named literally or by prefix.
 *
 * @param why what the guard does with it, for people
 */
public record KafkaPermission(AclOperation operation, ResourceType resourceType, String name, PatternType pattern,
        String why) {

    /** {@code WRITE on TOPIC 'orders-approved' (LITERAL)}. */
    public String describe() {
        return operation + " on " + resourceType + " '" + name + "' (" + pattern + ")";
    }

    /** The ACL that grants it to {@code principal} ({@code User:name}) from any host. */
    public AclBinding allow(String principal) {
        return new AclBinding(new ResourcePattern(resourceType, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** Whether this grants {@code operation} on {@code type} {@code resource}, as Kafka's authorizer matches. */
    public boolean covers(AclOperation wanted, ResourceType type, String resource) {
        return operation == wanted && resourceType == type
                && (pattern == PatternType.PREFIXED ? resource.startsWith(name) : resource.equals(name));
    }

    /** {@code kafka-acls}' spelling: Read, Write, DescribeConfigs, ... */
    static String cliOperation(AclOperation operation) {
        StringBuilder out = new StringBuilder();
        for (String word : operation.name().split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    /** {@code kafka-acls}' resource option: --topic, --group, --transactional-id, --cluster. */
    static String cliResource(ResourceType type) {
        return switch (type) {
            case TOPIC -> "--topic";
            case GROUP -> "--group";
            case TRANSACTIONAL_ID -> "--transactional-id";
            case CLUSTER -> "--cluster";
            default -> "--" + type.name().toLowerCase(Locale.ROOT).replace('_', '-');
        };
    }
}
