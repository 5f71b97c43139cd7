package com.lockupguard.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code topic.*} settings Kafka Streams passes on to the changelogs it creates, checked by the cluster itself
 * before it is asked for them: a value the broker refuses ({@code topic.segment.bytes=abc}, one under its minimum, one
 * its create-topic policy forbids) failed every stream thread as it created them, each replaced, for ever, with the
 * guard never ready and nothing said at start. Asked as a creation the broker only validates, of a topic named under
 * the application id (where the guard's principal may create its changelogs) that is never made.
 */
public final class ChangelogSettings {

    private static final Logger LOG = LoggerFactory.getLogger(ChangelogSettings.class);

    private ChangelogSettings() {
    }

    /** Why the guard must not start, when the cluster refuses a changelog with the {@code topic.*} settings given. */
    public static Optional<String> refusal(Admin admin, GuardConfig config, Duration timeout)
            throws InterruptedException {
        Properties streams = config.streamsProperties();
        Map<String, String> given = given(config, streams);
        if (given.isEmpty()) {
            return Optional.empty(); // the guard's own are values every broker takes
        }
        Map<String, String> configs = changelogConfigs(streams);
        int replicas = config.getInt(GuardConfig.REPLICATION_FACTOR_CONFIG);
        NewTopic changelog = new NewTopic(config.getString(GuardConfig.APPLICATION_ID_CONFIG)
                + "-topic-settings-check-changelog", Optional.empty(),
                replicas < 1 ? Optional.empty() : Optional.of((short) replicas)).configs(configs);
        try {
            admin.createTopics(List.of(changelog), new CreateTopicsOptions().validateOnly(true)
                    .timeoutMs((int) timeout.toMillis())).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable answer = e.getCause();
            if (answer instanceof InvalidConfigurationException || answer instanceof PolicyViolationException) {
                return Optional.of("Kafka refuses the changelogs of the guard's state with the topic settings "
                        + "given (" + shown(given) + "): " + answer.getMessage() + ". Kafka Streams passes every "
                        + "topic.* setting on to the changelogs it creates, so every stream thread would fail, and be "
                        + "replaced, for ever. Correct or remove the setting named, and start the guard again.");
            }
            // not allowed to ask (no CREATE under the application id), a broker too old to validate only, ...:
            // Kafka Streams will say, if the settings are refused
            LOG.debug("the topic.* settings were not checked against the cluster: {}", answer.toString());
            return Optional.empty();
        } catch (TimeoutException e) {
            LOG.debug("the topic.* settings were not checked against the cluster: no answer within {}", timeout);
            return Optional.empty();
        }
    }

    /**
     * A changelog's settings as Kafka Streams asks for them: compacted, unless {@code topic.cleanup.policy} says
     * otherwise, with every {@code topic.*} setting of Kafka Streams' {@code streams} settings (the guard's own
     * defaults among them).
     */
    private static Map<String, String> changelogConfigs(Properties streams) {
        Map<String, String> configs = new TreeMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        streams.forEach((name, value) -> {
            if (name.toString().startsWith(StreamsConfig.TOPIC_PREFIX)) {
                configs.put(name.toString().substring(StreamsConfig.TOPIC_PREFIX.length()), String.valueOf(value));
            }
        });
        return configs;
    }

    /** The {@code topic.*} settings given for Kafka Streams' topics, the guard's own topic names aside. */
    private static Map<String, String> given(GuardConfig config, Properties streams) {
        Map<String, String> given = new TreeMap<>();
        config.originalStrings().forEach((name, value) -> {
            if (name.startsWith(StreamsConfig.TOPIC_PREFIX) && streams.containsKey(name)) {
                given.put(name, value);
            }
        });
        return given;
    }

    private static String shown(Map<String, String> given) {
        StringBuilder shown = new StringBuilder();
        given.forEach((name, value) -> shown.append(shown.isEmpty() ? "" : ", ").append(name).append('=')
                .append(value));
        return shown.toString();
    }
}
