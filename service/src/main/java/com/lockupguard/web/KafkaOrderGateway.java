package com.lockupguard.web;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.topology.GuardTopics;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends orders to the orders topic (the broker stamps the time when the topic uses
 * LogAppendTime), each with a correlation header of its own, and hands back the decision the feed
 * reads with that header: the topology forwards an order's headers with its decision.
 */
public final class KafkaOrderGateway implements OrderGateway, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaOrderGateway.class);

    /** The most requests in flight an idempotent producer takes. */
    private static final int MAX_IDEMPOTENT_IN_FLIGHT = 5;

    private final GuardTopics topics;
    private final DecisionFeed feed;
    private final Producer<String, SpecificRecord> producer;

    /**
     * A gateway sending with {@code clientProperties}; a send waits at most {@code sendWait} for the orders topic's
     * metadata (its partitions, their leaders), the time a caller waits for its decision: with the brokers away it
     * would otherwise hold the request, and a server thread, for the producer's 60 s, and then answer after the
     * caller's own deadline.
     */
    public KafkaOrderGateway(Properties clientProperties, Duration sendWait, GuardTopics topics, DecisionFeed feed) {
        this(topics, feed, createProducer(producerSettings(clientProperties, sendWait), topics));
    }

    KafkaOrderGateway(GuardTopics topics, DecisionFeed feed, Producer<String, SpecificRecord> producer) {
        this.topics = topics;
        this.feed = feed;
        this.producer = producer;
    }

    private static Producer<String, SpecificRecord> createProducer(Properties settings, GuardTopics topics) {
        return new KafkaProducer<>(settings, topics.orders().keySerde().serializer(),
                topics.orders().valueSerde().serializer());
    }

    /**
     * The guard's producer settings, with what every order sent needs whatever they say: waiting at most
     * {@code sendWait} to send (less when the settings say less).
     */
    static Properties producerSettings(Properties clientProperties, Duration sendWait) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        Object maxBlock = properties.get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        long configured = maxBlock == null ? Long.MAX_VALUE : Long.parseLong(maxBlock.toString().trim());
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(configured, sendWait.toMillis()));
        // an order is sent once and acknowledged by every in-sync replica, whatever the stream threads' own
        // producer settings allow (an at-least-once deployment may turn retries off or allow 10 requests in flight)
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.remove(ProducerConfig.RETRIES_CONFIG);
        Object inFlight = properties.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight != null && Integer.parseInt(inFlight.toString().trim()) > MAX_IDEMPOTENT_IN_FLIGHT) {
            properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, MAX_IDEMPOTENT_IN_FLIGHT);
        }
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, ApiClientId.of(properties, "pretrade"));
        return properties;
    }

    @Override
    public CompletableFuture<Decision> submit(ProposedOrder order) {
        Optional<ReadinessReason> feedDown = feed.outageReason();
        if (feedDown.isPresent()) {
            // its decision could not be read back: refuse before sending, so that the caller knows it was not sent
            String notSent = "order " + order.getOrderId() + " was not sent: the guard cannot read decisions back now";
            return CompletableFuture.failedFuture(ApiException.notReady(notSent + " (" + feedDown.get().summary()
                    + ")").withDetail(notSent + " (" + feedDown.get().detail() + ")"));
        }
        String holding = HoldingKey.keyOf(order.getInvestorId(), order.getSecurityId());
        // wait first, send second: the decision cannot be read before anyone waits for it. It is told by the
        // order's own correlation id, not its order id: a reused id's block must not answer the first order's
        // caller, nor its approval the second's
        String correlationId = OrderCorrelation.newId();
        CompletableFuture<Decision> decision = feed.await(correlationId);
        try {
            producer.send(new ProducerRecord<>(topics.orders().name(), null, holding, order,
                    OrderCorrelation.headers(correlationId)), (metadata, failure) -> {
                boolean told = failure == null || decision.completeExceptionally(failure);
                if (!told && decision.isCompletedExceptionally()) {
                    // its caller was answered already (504, or the stop's 503) that the order may still be decided:
                    // only the log can say that Kafka did not confirm it after all (a send that timed out in flight,
                    // or cut short by the producer's close, may still have been written)
                    LOG.warn("Kafka did not confirm order {}, whose caller was answered before the send ended ({}): "
                            + "resend it (same orderId, kind and quantity) to have it decided; if Kafka took it after "
                            + "all, the resend is answered its decision", order.getOrderId(), failure.toString());
                }
            });
        } catch (RuntimeException refused) {
            // refused before it was sent (the serializer, say): completing the wait also forgets it
            decision.completeExceptionally(stoppedWhileSending(refused)
                    ? notSentByAStoppingGuard(order.getOrderId(), refused) : refused);
        }
        return decision;
    }

    /**
     * Whether a send failed because the request's thread was interrupted, as the web server's stop does past its
     * grace: while the producer waited for the topic's metadata or for buffer space ({@link InterruptException},
     * which sets the interrupt again), or while the serializer asked the schema registry (which keeps it set).
     */
    private static boolean stoppedWhileSending(RuntimeException failure) {
        return failure instanceof InterruptException || Thread.currentThread().isInterrupted();
    }

    /**
     * The stop's answer (503), not a Kafka failure's (502): the order was not sent. Its connection is usually
     * closed by then, so the log is what says so.
     */
    private static ApiException notSentByAStoppingGuard(String orderId, RuntimeException failure) {
        String notSent = "the guard is stopping; order " + orderId + " was not sent";
        LOG.warn("{} ({})", notSent, failure.toString());
        return ApiException.notReady(notSent + ": send it to another instance, or again once this one is back");
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
