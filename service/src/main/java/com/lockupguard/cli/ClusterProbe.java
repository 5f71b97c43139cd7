package com.lockupguard.cli;

import ch.qos.logback.classic.Level;
import com.lockupguard.app.ClusterNotAnsweredException;
import com.lockupguard.timeline.OneLine;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;

/**
 * A command's first question to a cluster: does it answer at all, within a short time? Without it, a dead cluster
 * costs a command-line user the admin client's minute of retries, each one a WARN line on the terminal, before the
 * one line that says what is wrong. The client's connection warnings are off while it asks: when it fails, the
 * command says so itself.
 */
final class ClusterProbe {

    /** The clients' loggers that warn of every failed connection and unresolvable bootstrap address. */
    static final String[] CONNECTION_LOGGERS = {
        "org.apache.kafka.clients.NetworkClient", "org.apache.kafka.clients.ClientUtils"};

    private ClusterProbe() {
    }

    /**
     * An admin client on {@code properties} that has answered within {@code timeout}; fails with a message saying what
     * to check (an {@link IllegalStateException}, or Kafka's own exception for a configuration it cannot use).
     */
    static Admin reach(Properties properties, Duration timeout) throws InterruptedException {
        try (LogLevels.Scope quiet = LogLevels.lowered(Level.OFF, CONNECTION_LOGGERS)) {
            Admin admin;
            try {
                admin = Admin.create(properties);
            } catch (KafkaException e) {
                if (e.getCause() instanceof ConfigException refused
                        && String.valueOf(refused.getMessage()).startsWith("No resolvable bootstrap urls")) {
                    throw ClusterNotAnsweredException.unresolved(OneLine.of(String.valueOf(
                            properties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG))), e);
                }
                throw e;
            }
            boolean answered = false;
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                        .clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                answered = true;
                return admin;
            } catch (ExecutionException e) {
                throw failure(e.getCause(), timeout);
            } catch (TimeoutException e) {
                throw failure(e, timeout);
            } finally {
                if (!answered) {
                    // closed at once, and still quiet: a call still pending would keep it retrying, and warning
                    admin.close(Duration.ZERO);
                }
            }
        }
    }

    static IllegalStateException failure(Throwable cause, Duration timeout) {
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            // without its cause: which of the client's timeouts ran out first ("Timed out waiting for a node
            // assignment. Call: listNodes", or none) says nothing more to the user
            return new ClusterNotAnsweredException(timeout, null);
        }
        // the broker's words on one line: the message is a check's, whose own line breaks a command prints as they are
        return new IllegalStateException("Kafka refused the connection: " + OneLine.of(String.valueOf(
                cause.getMessage())), cause);
    }
}
