package com.lockupguard.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/** A topic's settings as the cluster resolves them (the topic's own value, else the broker's default). */
public record TopicSettings(String topic, Map<String, String> values) {

    public TopicSettings {
        values = Map.copyOf(values);
    }

    /** The settings of each of {@code topics}, which must exist; retried while Kafka answers with a retriable error. */
    public static Map<String, TopicSettings> describe(Admin admin, List<String> topics, Duration timeout)
            throws InterruptedException {
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        Map<ConfigResource, Config> configs = AdminRequests.retrying(timeout,
                () -> admin.describeConfigs(resources).all());
        Map<String, TopicSettings> settings = new LinkedHashMap<>();
        for (String topic : topics) {
            Map<String, String> values = new HashMap<>();
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            if (config != null) {
                for (ConfigEntry entry : config.entries()) {
                    if (entry.value() != null) {
                        values.put(entry.name(), entry.value());
                    }
                }
            }
            settings.put(topic, new TopicSettings(topic, values));
        }
        return settings;
    }

    public String get(String name) {
        return values.get(name);
    }

    /** A numeric setting; -1 (Kafka's "no limit") when it is absent or not a number. */
    public long number(String name) {
        String value = values.get(name);
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public String cleanupPolicy() {
        return values.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    }

    public boolean deletes() {
        return cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_DELETE);
    }

    public boolean compacts() {
        return cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** Whether records keep the producer's timestamp, by which the broker then deletes them. */
    public boolean isCreateTime() {
        return !GuardConfig.LOG_APPEND_TIME.equals(values.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG));
    }

    public long retentionMs() {
        return number(TopicConfig.RETENTION_MS_CONFIG);
    }

    public long retentionBytes() {
        return number(TopicConfig.RETENTION_BYTES_CONFIG);
    }
}
