package com.lockupguard.web;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Whether the brokers answer a consumer's fetches, by its {@code fetch-total} metric: Kafka counts a fetch there when
 * its answer comes, and a consumer whose partitions have nothing new still has one answered every
 * {@code fetch.max.wait.ms}. A poll that comes back empty says nothing of that: it does the same whether the topics
 * are quiet or the brokers hang with their connections open (a stopped process, a network that drops packets), which
 * then went unseen for minutes. A consumer that does not measure its fetches (a test's) has each poll count as one.
 */
final class FetchesAnswered {

    /** The least silence taken for brokers that do not answer: fetches are answered twice a second by default. */
    static final Duration LEAST_SILENCE = Duration.ofSeconds(30);

    private final Optional<Metric> fetches;
    private final long silenceNanos;
    private final LongSupplier nanoTime;
    private double counted;
    private long lastAnsweredAt;

    /** Watches {@code consumer}, whose fetches are taken as unanswered after {@code silence} without one answered. */
    FetchesAnswered(Consumer<?, ?> consumer, Duration silence, LongSupplier nanoTime) {
        this.fetches = fetchTotal(consumer.metrics());
        this.silenceNanos = silence.toNanos();
        this.nanoTime = nanoTime;
        this.counted = fetches.map(FetchesAnswered::value).orElse(0.0);
        this.lastAnsweredAt = nanoTime.getAsLong();
    }

    /** The silence after which a consumer's fetches are taken as unanswered: three fetch waits, 30 s at least. */
    static Duration silence(Object fetchMaxWaitMs) {
        Duration threeWaits = fetchMaxWaitMs == null ? Duration.ZERO
                : Duration.ofMillis(Long.parseLong(fetchMaxWaitMs.toString().trim())).multipliedBy(3);
        return threeWaits.compareTo(LEAST_SILENCE) > 0 ? threeWaits : LEAST_SILENCE;
    }

    /** The consumer's count of fetches answered, of its metrics. */
    static Optional<Metric> fetchTotal(Map<MetricName, ? extends Metric> metrics) {
        return metrics.entrySet().stream()
                .filter(metric -> metric.getKey().name().equals("fetch-total")
                        && metric.getKey().group().equals("consumer-fetch-manager-metrics"))
                .<Metric>map(Map.Entry::getValue)
                .findFirst();
    }

    /**
     * After a poll that brought {@code records}: whether a fetch was answered since the last call (records count as
     * one). Throws when none has been for the silence, which the caller takes as a failure of its consumer.
     */
    boolean answeredAfterPoll(int records) {
        long now = nanoTime.getAsLong();
        double count = fetches.map(FetchesAnswered::value).orElse(counted + 1);
        if (count != counted || records > 0) {
            counted = count;
            lastAnsweredAt = now;
            return true;
        }
        if (now - lastAnsweredAt >= silenceNanos) {
            throw new Unanswered(Duration.ofNanos(silenceNanos));
        }
        return false;
    }

    /** How long the fetches may still stay silent before they are taken as unanswered; a millisecond at least. */
    Duration silenceLeft() {
        long left = silenceNanos - (nanoTime.getAsLong() - lastAnsweredAt);
        return Duration.ofNanos(Math.max(left, Duration.ofMillis(1).toNanos()));
    }

    private static double value(Metric metric) {
        Object value = metric.metricValue();
        return value instanceof Number number ? number.doubleValue() : 0.0;
    }

    /** No fetch answered for a while: the brokers hang, or the guard cannot reach them. */
    static final class Unanswered extends RetriableException {

        private static final long serialVersionUID = 1L;

        Unanswered(Duration silence) {
            super(description(silence));
        }

        static String description(Duration silence) {
            return "no fetch answered for " + silence.toSeconds() + " s: the brokers hang, or cannot be reached";
        }
    }
}
