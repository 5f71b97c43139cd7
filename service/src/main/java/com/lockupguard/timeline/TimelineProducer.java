package com.lockupguard.timeline;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.InputPartitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a timeline to the guard's input topics through the real serdes, with each line's
 * {@code at} as the record timestamp (an agreement line that leaves {@code at} out the time the replay gives it,
 * {@link LineTimes}; an order or report line that leaves it out, or whose {@code at} cannot be read, or a line that
 * is not a record at all, is not sent: see {@link SendableLines}).
 *
 * <p>Safe on a just-created topic (KAFKA-15591: an idempotent producer bulk-sending there can
 * lose a batch): the first record of each partition goes alone, acknowledged before the next is sent, and
 * every send's result is checked: a record the broker rejects (an old timestamp under
 * {@code message.timestamp.before.max.ms}, say) is reported with its line number, and the rest are sent.
 * An agreement is on the broker before the lines after it are sent, so that a guard takes it before the
 * orders it governs; a run of agreements with no other line between them goes together, acknowledged once
 * at its end (each one acknowledged alone, 50,000 agreements took 22–34 s against 3–4 s).
 */
public final class TimelineProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TimelineProducer.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    /** The most records sent and not yet answered that the producer keeps track of: past it, a send waits. */
    static final int MOST_IN_FLIGHT = 100_000;

    /**
     * What was sent; {@code refused} counts the lines the broker did not take, and {@code rejected} lists them, unless
     * they were handed to the producer's listener as they came.
     */
    public record Sent(int agreements, int orders, int executions, int skipped, int refused, List<Rejected> rejected) {

        /** This, if the broker took every line; otherwise fails, listing the lines it did not take. */
        public Sent orFail() {
            if (refused > 0) {
                throw new IllegalStateException(refused + " timeline record(s) were not written: " + rejected);
            }
            return this;
        }
    }

    /**
     * What is awaited before the first order or report after a run of agreements is sent, once the broker has the
     * agreements: {@code written}, the offset of the last agreement written on each partition of the agreements topic;
     * {@code lineNumber}, the line about to be sent.
     */
    public interface AgreementsWritten {
        void await(Map<TopicPartition, Long> written, int lineNumber) throws InterruptedException;
    }

    /**
     * A line the broker did not take, and why; {@code type} is the line's ("agreement", "order", "execution");
     * {@code unanswered} when no answer came before the producer gave up ({@code delivery.timeout.ms}): the broker may
     * have written it all the same.
     */
    public record Rejected(int lineNumber, String type, String topic, String reason, boolean unanswered) {

        Rejected(int lineNumber, String type, String topic, Throwable failure) {
            this(lineNumber, type, topic, failure.toString(),
                    failure instanceof org.apache.kafka.common.errors.TimeoutException);
        }

        @Override
        public String toString() {
            return "line " + lineNumber + (unanswered ? ": not acknowledged, and may be on the topic or not (topic "
                    + topic + "; read it back with export, and send it again if it is not: an order or report is "
                    + "known by its id, an agreement sent again is a new version): " : ": rejected by the broker "
                    + "(topic " + topic + "): ") + reason;
        }
    }

    private record InFlight(int lineNumber, String type, String topic, Future<RecordMetadata> result) {
    }

    private final GuardTopics topics;
    private final KafkaProducer<String, Agreement> agreements;
    private final KafkaProducer<String, SpecificRecord> orders;
    private final Set<TopicPartition> warmed = new HashSet<>();
    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    private final List<Rejected> rejected = new ArrayList<>();
    private boolean agreementsInFlight;
    private int agreementCount;
    private int orderCount;
    private int executionCount;
    private int skipped;
    private final Map<String, Integer> refused = new HashMap<>();
    private final Consumer<Rejected> rejections;
    /** The offset of the last agreement of the run being sent that the broker took, by partition. */
    private final Map<TopicPartition, Long> agreementsWritten = new HashMap<>();
    private AgreementsWritten afterAgreements = (written, lineNumber) -> { };
    /** The line up to which every line handed to the producers has its answer: acknowledged, or refused. */
    private int answeredThrough;
    /** The time each line sent is stamped with; a new timeline's after {@link #finish}. */
    private LineTimes times = new LineTimes();

    /** A producer whose {@link Sent} lists the lines the broker did not take. */
    public TimelineProducer(Properties clientProperties, GuardTopics topics) {
        this(clientProperties, topics, null);
    }

    /**
     * A producer that hands each line the broker did not take to {@code rejections} as its answer comes, and keeps
     * none: a timeline of millions of refused records is not held either. Null: listed in {@link Sent}.
     */
    public TimelineProducer(Properties clientProperties, GuardTopics topics, Consumer<Rejected> rejections) {
        this.topics = topics;
        this.rejections = rejections;
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.agreements = new KafkaProducer<>(properties, topics.agreements().keySerde().serializer(),
                topics.agreements().valueSerde().serializer());
        this.orders = new KafkaProducer<>(properties, topics.orders().keySerde().serializer(),
                topics.orders().valueSerde().serializer());
    }

    /**
     * Awaits {@code awaited} before the first order or report after each run of agreements, once the broker has them
     * (a running guard taking them: {@code RunningGuardWait}); nothing more by default.
     */
    public void awaitAfterAgreements(AgreementsWritten awaited) {
        this.afterAgreements = awaited;
    }

    /**
     * Sends every agreement, order and execution line in order; {@code progress} is told the count of lines
     * sent. Orders and execution reports go to the orders topic, in line order.
     */
    public Sent send(List<TimelineEntry> timeline, IntConsumer progress) throws InterruptedException {
        for (TimelineEntry entry : timeline) {
            send(entry);
            progress.accept(agreementCount + orderCount + executionCount);
        }
        return finish();
    }

    /**
     * Sends one line of a timeline, after those sent before it; {@link #finish} once the last is sent. A line that
     * cannot be sent ({@link SendableLines#refusal}) is skipped and counted.
     */
    public void send(TimelineEntry entry) throws InterruptedException {
        String refusal = SendableLines.refusal(entry);
        if (refusal != null) {
            // never sent with the producer's time
            skipped++;
            LOG.warn("line {} not sent: {}", entry.lineNumber(), refusal);
        } else if (entry instanceof TimelineEntry.AgreementLine line) {
            Agreement agreement = line.agreement();
            Instant at = times.of(line); // without `at`, as the replay stamps it
            String key = HoldingKey.keyOf(agreement.getInvestorId(), agreement.getSecurityId());
            if (!agreementsInFlight) {
                // the orders and reports above it first: still lingering in the other producer, they would reach
                // the broker after the agreement, and a guard would take the agreement first (the replay does not)
                awaitAll();
                agreementsInFlight = true;
            }
            send(line.lineNumber(), "agreement", agreements, new ProducerRecord<>(topics.agreements().name(), null,
                    millis(at), key, agreement));
            agreementCount++;
        } else if (entry instanceof TimelineEntry.OrderLine line) {
            ProposedOrder order = line.order();
            sendToOrders(line.lineNumber(), "order", times.of(line), order.getInvestorId(), order.getSecurityId(),
                    order);
            orderCount++;
        } else if (entry instanceof TimelineEntry.ExecutionLine line) {
            ExecutionReport report = line.report();
            sendToOrders(line.lineNumber(), "execution", times.of(line), report.getInvestorId(),
                    report.getSecurityId(), report);
            executionCount++;
        }
    }

    /** Sends an order or an execution report to the orders topic, once the agreements above it are on the broker. */
    private void sendToOrders(int lineNumber, String type, Instant at, String investorId, String securityId,
            SpecificRecord value) throws InterruptedException {
        awaitAgreements(lineNumber);
        send(lineNumber, type, orders, new ProducerRecord<>(topics.orders().name(), null, millis(at),
                HoldingKey.keyOf(investorId, securityId), value));
    }

    /** Waits until every line sent is acknowledged or refused; what was sent since the last finish. */
    public Sent finish() throws InterruptedException {
        awaitAll();
        agreementsWritten.clear(); // no line after them to wait for
        int refusedAgreements = refused.getOrDefault("agreement", 0);
        int refusedOrders = refused.getOrDefault("order", 0);
        int refusedExecutions = refused.getOrDefault("execution", 0);
        // each said by the caller, which reports them (produce and the demo, once each)
        Sent sent = new Sent(agreementCount - refusedAgreements, orderCount - refusedOrders,
                executionCount - refusedExecutions, skipped, refusedAgreements + refusedOrders + refusedExecutions,
                List.copyOf(rejected));
        rejected.clear();
        refused.clear();
        agreementCount = 0;
        orderCount = 0;
        executionCount = 0;
        skipped = 0;
        times = new LineTimes();
        return sent;
    }

    /**
     * Sends {@code record} to its key's partition as the guard expects it (murmur2, whatever partitioner the client
     * properties name); the first record of a partition alone. Before, records went one at a time until every
     * partition of the topic had acknowledged one: a timeline of fewer holdings than partitions went one at a time to
     * its end.
     */
    private <V> void send(int lineNumber, String type, KafkaProducer<String, V> producer,
            ProducerRecord<String, V> record) throws InterruptedException {
        int partition = InputPartitions.expectedPartition(record.key(), producer.partitionsFor(record.topic()).size());
        Future<RecordMetadata> result = producer.send(new ProducerRecord<>(record.topic(), partition,
                record.timestamp(), record.key(), record.value()));
        inFlight.add(new InFlight(lineNumber, type, record.topic(), result));
        if (!warmed.contains(new TopicPartition(record.topic(), partition))) {
            awaitAll();
        } else {
            settleAnswered();
        }
    }

    /**
     * Takes in the answers already given, oldest first, and waits for the oldest while more than
     * {@link #MOST_IN_FLIGHT} are awaited: a timeline of millions of orders holds no more than that many.
     */
    private void settleAnswered() throws InterruptedException {
        while (!inFlight.isEmpty() && (inFlight.peekFirst().result().isDone() || inFlight.size() > MOST_IN_FLIGHT)) {
            settle(inFlight.pollFirst());
        }
    }

    /** The agreements above on the broker, and what is awaited then, before the order or report after them is sent. */
    private void awaitAgreements(int lineNumber) throws InterruptedException {
        if (agreementsInFlight) {
            awaitAll();
        }
        // whatever acknowledged them (an agreement to a partition not written yet goes alone, and is awaited at once)
        if (!agreementsWritten.isEmpty()) {
            afterAgreements.await(Map.copyOf(agreementsWritten), lineNumber);
            agreementsWritten.clear();
        }
    }

    private void awaitAll() throws InterruptedException {
        agreements.flush();
        orders.flush();
        while (!inFlight.isEmpty()) {
            settle(inFlight.pollFirst());
        }
        agreementsInFlight = false;
    }

    /**
     * The last line up to which every line handed to the producers has had its answer, taking the answers come by
     * now without waiting for more: acknowledged by the brokers, or refused (and handed to the rejections); 0 before
     * any. Lines are answered in the order they were sent.
     */
    public int answeredThrough() throws InterruptedException {
        while (!inFlight.isEmpty() && inFlight.peekFirst().result().isDone()) {
            settle(inFlight.pollFirst());
        }
        return answeredThrough;
    }

    /** Waits for the answer to {@code sent}: its partition is then warm, or the record is among those rejected. */
    private void settle(InFlight sent) throws InterruptedException {
        try {
            RecordMetadata written = sent.result().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            TopicPartition partition = new TopicPartition(written.topic(), written.partition());
            warmed.add(partition);
            if (written.topic().equals(topics.agreements().name())) {
                agreementsWritten.merge(partition, written.offset(), Math::max);
            }
        } catch (ExecutionException e) {
            Rejected refusal = new Rejected(sent.lineNumber(), sent.type(), sent.topic(), e.getCause());
            refused.merge(sent.type(), 1, Integer::sum);
            if (rejections == null) {
                rejected.add(refusal);
            } else {
                rejections.accept(refusal);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("a timeline record was not acknowledged within "
                    + SEND_TIMEOUT.toSeconds() + " s", e);
        }
        answeredThrough = sent.lineNumber();
    }

    private static Long millis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }

    @Override
    public void close() {
        agreements.close(Duration.ofSeconds(10));
        orders.close(Duration.ofSeconds(10));
    }
}
