package com.lockupguard.web;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.SchemaRegistryException;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.topology.GuardTopics;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
    /**
     * Threads that serialize orders: an order's schema id, not yet known, is asked of the schema registry there, so
     * that its caller waits for the registry no longer than for its decision.
     */
    private static final int SERIALIZING_THREADS = 2;

    private final GuardTopics topics;
    private final DecisionFeed feed;
    private final Producer<String, byte[]> producer;
    private final Serializer<SpecificRecord> values;
    private final Duration sendWait;
    private final ExecutorService serializing;

    /**
     * A gateway sending with {@code clientProperties}; a send waits at most {@code sendWait} for the orders topic's
     * metadata (its partitions, their leaders), the time a caller waits for its decision: with the brokers away it
     * would otherwise hold the request, and a server thread, for the producer's 60 s, and then answer after the
     * caller's own deadline.
     */
    public KafkaOrderGateway(Properties clientProperties, Duration sendWait, GuardTopics topics, DecisionFeed feed) {
        this(topics, feed, new KafkaProducer<>(producerSettings(clientProperties, sendWait), new StringSerializer(),
                new ByteArraySerializer()), topics.orders().valueSerde().serializer(), sendWait);
    }

    /** A gateway sending through {@code producer} what {@code values} serializes, each within {@code sendWait}. */
    KafkaOrderGateway(GuardTopics topics, DecisionFeed feed, Producer<String, byte[]> producer,
            Serializer<SpecificRecord> values, Duration sendWait) {
        this.topics = topics;
        this.feed = feed;
        this.producer = producer;
        this.values = values;
        this.sendWait = sendWait;
        AtomicInteger threads = new AtomicInteger();
        this.serializing = Executors.newFixedThreadPool(SERIALIZING_THREADS, task -> {
            Thread thread = new Thread(task, "lockup-guard-order-serializer-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
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
        long deadline = System.nanoTime() + sendWait.toNanos();
        String holding = HoldingKey.keyOf(order.getInvestorId(), order.getSecurityId());
        // told by the order's own correlation id, not its order id: a reused id's block must not answer the first
        // order's caller, nor its approval the second's
        String correlationId = OrderCorrelation.newId();
        Headers headers = OrderCorrelation.headers(correlationId);
        byte[] value;
        try {
            value = serialized(order, headers, deadline);
        } catch (RuntimeException notSerialized) {
            return CompletableFuture.failedFuture(notSerialized);
        }
        // wait first, send second: the decision cannot be read before anyone waits for it
        CompletableFuture<Decision> decision = feed.await(correlationId);
        try {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.orders().name(), null, holding,
                    value, headers);
            producer.send(record, (metadata, failure) -> {
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
            // refused before it was sent (waiting for the topic's metadata, say): completing the wait also forgets it
            decision.completeExceptionally(stoppedWhileSending(refused)
                    ? notSentByAStoppingGuard(order.getOrderId(), refused) : refused);
        }
        return decision;
    }

    /**
     * {@code order} serialized, on a thread of its own: with its schema id not known yet (after a start, or as
     * {@code use.latest.version} asks again), the schema registry is asked, whose client waits minutes for a registry
     * that does not answer. Seen: 20.2 s for a caller who waits 3 s, answered 504 "handed to Kafka". A serialization
     * that outlasts {@code deadline} is not sent at all, and its caller is told so.
     */
    private byte[] serialized(ProposedOrder order, Headers headers, long deadline) {
        String topic = topics.orders().name();
        Future<byte[]> serialization = serializing.submit(() -> values.serialize(topic, headers, order));
        try {
            return serialization.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException refused) {
                throw refused; // the registry unreachable, say: the serializer's own words
            }
            throw new SerializationException("cannot serialize order " + order.getOrderId(), e.getCause());
        } catch (TimeoutException e) {
            serialization.cancel(false); // its bytes, should they come, are never sent
            String slow = "the order's schema id was not had from the schema registry within " + sendWait.toMillis()
                    + " ms (api.decision.timeout.ms); the order was not sent";
            throw new SerializationException(slow, new SchemaRegistryException.Unavailable(slow, null, true));
        } catch (InterruptedException e) {
            serialization.cancel(false);
            Thread.currentThread().interrupt(); // for the server, which stops past its grace, to see
            throw notSentByAStoppingGuard(order.getOrderId(), new InterruptException(e));
        }
    }

    /**
     * Whether a send failed because the request's thread was interrupted, as the web server's stop does past its
     * grace, while the producer waited for the topic's metadata or for buffer space ({@link InterruptException},
     * which sets the interrupt again).
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
        serializing.shutdownNow();
        producer.close(Duration.ofSeconds(5));
        values.close(); // a plugged-in serde's closes its own registry client, as the producer closed it before
    }
}
