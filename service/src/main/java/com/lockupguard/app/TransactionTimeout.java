package com.lockupguard.app;

import com.lockupguard.topology.FailureCauses;
import com.lockupguard.topology.StreamsDefaults;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction timeout of Kafka Streams' producers against the longest the brokers allow, their
 * {@code transaction.max.timeout.ms}. A broker refuses a longer one at the producer's first request: every stream
 * thread failed, was replaced and failed again, for ever, one a session timeout apart, the guard never ready and its
 * log saying why only deep in a stack trace (seen: producer.transaction.timeout.ms=1800000 against the brokers'
 * default, 900000).
 */
public final class TransactionTimeout {

    /** The brokers' setting. */
    static final String BROKERS_MAXIMUM = "transaction.max.timeout.ms";

    private static final Logger LOG = LoggerFactory.getLogger(TransactionTimeout.class);

    private TransactionTimeout() {
    }

    /**
     * Why the guard must not start, when a broker allows shorter transactions than Kafka Streams' producers were given.
     * The brokers are asked only when a timeout is given: Kafka Streams' default (10 s) is within what any broker
     * allows but one set below it, and the question needs DescribeConfigs on the cluster, which the guard's ACL list
     * does not grant, and a broker logs each refusal of it; a thread refused stops the guard in any case.
     */
    public static Optional<String> refusal(Admin admin, GuardConfig config, Duration timeout)
            throws InterruptedException {
        Optional<Long> asked = asked(config);
        if (asked.isEmpty() || given(config).isEmpty()) {
            return Optional.empty();
        }
        Map<Integer, Long> maxima;
        try {
            maxima = brokersMaxima(admin, timeout);
        } catch (IllegalStateException e) {
            // brokers that do not show their settings to this principal (DescribeConfigs on the cluster) are not
            // refused for it: the stream threads then stop the guard, saying why
            LOG.debug("not checked against the brokers' {}: {}", BROKERS_MAXIMUM, e.getMessage(), e);
            return Optional.empty();
        }
        long lowest = maxima.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        if (asked.get() <= lowest) {
            return Optional.empty();
        }
        List<Integer> strictest = maxima.entrySet().stream().filter(broker -> broker.getValue() == lowest)
                .map(Map.Entry::getKey).toList();
        String brokers = strictest.size() == maxima.size() ? (maxima.size() == 1 ? "the broker allows" : "the brokers "
                + "allow") : (strictest.size() == 1 ? "broker " + strictest.get(0) + " allows" : "brokers "
                + strictest + " allow");
        return Optional.of(String.format(Locale.ROOT, "%s: Kafka Streams' producers would ask for transactions of up "
                + "to %d ms, and %s at most %d (%s), so they refuse them and every stream thread would fail, and be "
                + "replaced, for ever. Set %s to at most %d, or raise %s on the brokers.", named(config),
                asked.get(), brokers, lowest, BROKERS_MAXIMUM, setting(config), lowest, BROKERS_MAXIMUM));
    }

    /**
     * Why the guard must stop, when {@code failure} is a broker's refusal of its producers' transaction timeout: one
     * lowered on the brokers since the start looked, or one the start could not ask about.
     */
    static Optional<String> stopFor(Throwable failure, GuardConfig config) {
        Optional<Throwable> refused = FailureCauses.of(failure).stream()
                .filter(cause -> cause instanceof InvalidTxnTimeoutException
                        || String.valueOf(cause.getMessage()).contains(BROKERS_MAXIMUM))
                .findFirst();
        return refused.map(cause -> "Kafka refuses the guard's transactions (" + withoutFullStop(cause) + "): "
                + named(config) + " is above the brokers' " + BROKERS_MAXIMUM + "; set " + setting(config)
                + " to at most that, or raise it on the brokers, and start the guard again");
    }

    private static String withoutFullStop(Throwable cause) {
        String message = String.valueOf(cause.getMessage()).strip();
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    /** The transaction timeout Kafka Streams' producers ask for; none without transactions. */
    private static Optional<Long> asked(GuardConfig config) {
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(config.getString(GuardConfig.PROCESSING_GUARANTEE_CONFIG))) {
            return Optional.empty();
        }
        Properties properties = StreamsDefaults.errorHandling(config.topicNames());
        properties.putAll(config.streamsProperties());
        Object value = new StreamsConfig(properties).getProducerConfigs("transaction-timeout-check")
                .get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        try {
            return Optional.of(Long.parseLong(String.valueOf(value).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty(); // refused by the producer's own check, which says so
        }
    }

    /** The name under which the timeout was given, {@code producer.} winning as in Kafka Streams; none if not given. */
    private static Optional<String> given(GuardConfig config) {
        return Stream.of(StreamsConfig.PRODUCER_PREFIX + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG).filter(config.originals()::containsKey).findFirst();
    }

    /** The timeout as it was given, or Kafka Streams' default. */
    private static String named(GuardConfig config) {
        return given(config).map(name -> name + "=" + config.originals().get(name))
                .orElseGet(() -> ProducerConfig.TRANSACTION_TIMEOUT_CONFIG + "="
                        + asked(config).map(String::valueOf).orElse("?")
                        + " (Kafka Streams' default under exactly_once_v2)");
    }

    /** The setting to change: the one given, or the one that addresses the producers alone. */
    private static String setting(GuardConfig config) {
        return given(config).orElse(StreamsConfig.PRODUCER_PREFIX + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    }

    /** Each broker's {@value #BROKERS_MAXIMUM}, by broker id; a broker that does not say it is left out. */
    private static Map<Integer, Long> brokersMaxima(Admin admin, Duration timeout) throws InterruptedException {
        Collection<Node> nodes = AdminRequests.retrying(timeout, () -> admin.describeCluster().nodes());
        List<ConfigResource> brokers = nodes.stream()
                .map(node -> new ConfigResource(ConfigResource.Type.BROKER, node.idString())).toList();
        Map<ConfigResource, Config> configs = AdminRequests.retrying(timeout,
                () -> admin.describeConfigs(brokers).all());
        Map<Integer, Long> maxima = new TreeMap<>();
        configs.forEach((broker, settings) -> {
            ConfigEntry entry = settings.get(BROKERS_MAXIMUM);
            if (entry != null && entry.value() != null) {
                try {
                    maxima.put(Integer.valueOf(broker.name()), Long.parseLong(entry.value().trim()));
                } catch (NumberFormatException e) {
                    LOG.debug("broker {} says {}={}, not a number", broker.name(), BROKERS_MAXIMUM, entry.value());
                }
            }
        });
        return maxima;
    }
}
