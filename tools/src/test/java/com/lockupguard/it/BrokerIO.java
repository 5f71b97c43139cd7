package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.AgreementAudit;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineProducer;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.GuardTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Sends scenarios to a running guard and reads its decisions back, read_committed. */
final class BrokerIO {

    private final GuardConfig config;
    private final GuardTopics topics;

    BrokerIO(Map<String, String> settings) {
        this.config = new GuardConfig(settings);
        this.topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
    }

    /** Creates the guard's topics as a starting guard would, for tests that produce before any guard runs. */
    void createTopics() throws InterruptedException {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                config.clientProperties())) {
            com.lockupguard.app.TopicProvisioner.from(admin, config).provision(true);
        }
    }

    /**
     * Sends the scenario as a desk trades on agreements that are in place: its leading agreement lines first, then the
     * rest once the guard has applied them (each on the agreement audit). Kafka Streams takes a task's partitions in
     * record-time order only among records it knows are on the broker as of its last fetch of each, so an order sent a
     * moment after its agreement can still be decided before it (UNKNOWN_AGREEMENT, failing closed;
     * docs/HOW-IT-WORKS.md says so). {@code auditReader} reads the audit (the sender may not be allowed to).
     */
    void produce(Scenario scenario, BrokerIO auditReader) throws InterruptedException {
        int agreements = scenario.leadingAgreementLines();
        if (agreements == 0 || agreements == scenario.lines().size()) {
            send(scenario);
            return;
        }
        send(scenario.head(agreements));
        auditReader.awaitAudited(scenario.head(agreements).entries().stream()
                .map(entry -> ((TimelineEntry.AgreementLine) entry).agreement()).collect(Collectors.toSet()));
        send(scenario.tail(agreements));
    }

    void produce(Scenario scenario) throws InterruptedException {
        produce(scenario, this);
    }

    private void send(Scenario scenario) throws InterruptedException {
        try (TimelineProducer producer = new TimelineProducer(config.clientProperties(), topics)) {
            producer.send(scenario.entries(), n -> { }).orFail();
        }
    }

    private void awaitAudited(Set<Agreement> sent) {
        List<AgreementAudit> audit = readFromBeginning(topics.agreementAudit(), "read_committed",
                Duration.ofSeconds(60), Duration.ZERO,
                values -> values.stream().map(AgreementAudit::getAgreement).collect(Collectors.toSet())
                        .containsAll(sent));
        assertThat(audit).as("the agreement audit, before sending the orders")
                .extracting(AgreementAudit::getAgreement).containsAll(sent);
    }

    /**
     * Sends at about {@code perSecond} lines a second (a load shape, so that a failure can be injected while
     * orders are still streaming in); {@code sent} counts the lines sent so far.
     */
    void produce(Scenario scenario, int perSecond, AtomicInteger sent) throws InterruptedException {
        produce(scenario, perSecond, sent, Integer.MAX_VALUE, new CountDownLatch(0));
    }

    /**
     * As {@link #produce(Scenario, int, AtomicInteger)}, holding after {@code holdAfter} lines until {@code resumed}
     * (60 s at most), then going on at the same pace.
     */
    private void produce(Scenario scenario, int perSecond, AtomicInteger sent, int holdAfter, CountDownLatch resumed)
            throws InterruptedException {
        long[] start = {System.nanoTime()};
        try (TimelineProducer producer = new TimelineProducer(config.clientProperties(), topics)) {
            producer.send(scenario.entries(), n -> {
                sent.set(n);
                if (n == holdAfter) {
                    long held = System.nanoTime();
                    try {
                        resumed.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    start[0] += System.nanoTime() - held;
                }
                long due = start[0] + n * 1_000_000_000L / perSecond;
                LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
            }).orFail();
        }
    }

    /**
     * Sends {@code scenario} on another thread at about {@code perSecond} lines a second, so that a
     * failure can be injected while orders are still streaming in.
     */
    Streaming streamInBackground(Scenario scenario, int perSecond) {
        return streamInBackground(scenario, perSecond, Integer.MAX_VALUE);
    }

    /**
     * As {@link #streamInBackground(Scenario, int)}, holding after {@code holdAfter} lines until
     * {@link Streaming#resume}: a failure injected mid-stream, however long it takes to inject on a busy machine,
     * leaves lines to send after it.
     */
    Streaming streamInBackground(Scenario scenario, int perSecond, int holdAfter) {
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch resumed = new CountDownLatch(holdAfter == Integer.MAX_VALUE ? 0 : 1);
        return new Streaming(sent, resumed, CompletableFuture.runAsync(() -> {
            try {
                produce(scenario, perSecond, sent, holdAfter, resumed);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    /** Lines being sent in the background: how many so far, and the end of it. */
    record Streaming(AtomicInteger sent, CountDownLatch resumed, CompletableFuture<Void> done) {

        int sentSoFar() {
            return sent.get();
        }

        /** Lets the lines held go on. */
        void resume() {
            resumed.countDown();
        }

        void awaitSent(int lines) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> sent.get() >= lines);
        }

        void join() throws Exception {
            done.get();
        }
    }

    /**
     * Every committed decision so far, waiting until at least {@code count} are there, in record-timestamp order (a
     * holding's decisions are spread over the approved and blocked topics, which one poll need not return together;
     * the sort is stable, so each topic partition keeps its own order).
     */
    List<DecisionReader.DecisionRecord> awaitDecisions(int count, Duration timeout) {
        try (DecisionReader reader = new DecisionReader(config.clientProperties(), topics);
                Admin admin = Admin.create(config.clientProperties())) {
            List<DecisionReader.DecisionRecord> decisions = reader.readUntil(count, timeout, d -> { });
            // anything beyond the expected count would be a duplicate
            decisions.addAll(readOnUntilEverythingSentIsDecided(reader, admin));
            decisions.sort(Comparator.comparingLong(DecisionReader.DecisionRecord::timestamp));
            return decisions;
        }
    }

    /**
     * Reads on until every group that reads the inputs has committed offsets at their ends, then up to where the
     * decision topics' logs ended at that moment. Under exactly-once a group commits its offsets in the
     * transaction of the decisions they led to, so every decision of every line sent is then read, a duplicate
     * too. Where that does not come about within 2 s (a guard stopped halfway, a principal not allowed to see the
     * groups), it reads for those 2 s.
     */
    private List<DecisionReader.DecisionRecord> readOnUntilEverythingSentIsDecided(DecisionReader reader,
            Admin admin) {
        List<DecisionReader.DecisionRecord> more = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (inputsDecided(admin)) {
                more.addAll(reader.readTo(logEnds(admin, reader.partitions()), Duration.ofSeconds(10)));
                return more;
            }
            more.addAll(reader.poll(Duration.ofMillis(100)));
        }
        return more;
    }

    /** Whether some group reads the inputs, and every one that does has committed offsets at their log ends. */
    private boolean inputsDecided(Admin admin) {
        try {
            List<TopicPartition> inputs = new ArrayList<>();
            admin.describeTopics(config.topicNames().inputs()).allTopicNames().get(5, TimeUnit.SECONDS)
                    .forEach((topic, description) -> description.partitions()
                            .forEach(partition -> inputs.add(new TopicPartition(topic, partition.partition()))));
            Map<TopicPartition, Long> sent = logEnds(admin, inputs);
            boolean read = false;
            for (GroupListing group : admin.listGroups().all().get(5, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                if (committed.keySet().stream().noneMatch(sent::containsKey)) {
                    continue;
                }
                read = true;
                for (TopicPartition input : inputs) {
                    OffsetAndMetadata at = committed.get(input);
                    if ((at == null ? 0 : at.offset()) < sent.get(input)) {
                        return false;
                    }
                }
            }
            return read;
        } catch (ExecutionException | TimeoutException e) {
            return false; // not allowed to look, or a coordinator not ready: read for the 2 s instead
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Each partition's log end offset, committed or not. */
    private static Map<TopicPartition, Long> logEnds(Admin admin, List<TopicPartition> partitions) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS)
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not list the log ends of " + partitions, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted listing log ends", e);
        }
    }

    /** Every committed record of {@code topic} from the beginning, waiting until at least {@code count} are there. */
    <V> List<V> awaitValues(GuardTopics.Topic<String, V> topic, int count, Duration timeout) {
        return awaitValues(topic, count, timeout, "read_committed");
    }

    /**
     * Every record of {@code topic} from the beginning at {@code isolation} ({@code read_uncommitted} reads
     * those of aborted transactions too), reading until at least {@code count} are there and none came for
     * half a second, or {@code timeout} passes.
     */
    <V> List<V> awaitValues(GuardTopics.Topic<String, V> topic, int count, Duration timeout, String isolation) {
        return readFromBeginning(topic, isolation, timeout, Duration.ofMillis(500), values -> values.size() >= count);
    }

    /**
     * Every record of {@code topic} from the beginning, reading at least to each partition's end as it was when
     * the read began (so that "none there" means none written: short of it at {@code timeout}, the read fails),
     * then until {@code enough} holds and none came for {@code quiet}, or {@code timeout} passes.
     */
    private <V> List<V> readFromBeginning(GuardTopics.Topic<String, V> topic, String isolation, Duration timeout,
            Duration quiet, Predicate<List<V>> enough) {
        Properties properties = config.clientProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(properties, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions); // at the consumer's isolation level
            List<V> values = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline && (!reached(consumer, ends) || !enough.test(values)
                    || System.nanoTime() - quietSince < quiet.toNanos())) {
                int before = values.size();
                consumer.poll(Duration.ofMillis(100)).forEach(record -> values.add(record.value()));
                if (values.size() > before) {
                    quietSince = System.nanoTime();
                }
            }
            if (!reached(consumer, ends)) {
                // what it read would be a part taken for the whole: "none there" would pass without meaning
                throw new AssertionError("reading " + topic.name() + " (" + isolation + ") stopped after " + timeout
                        + " short of the end its partitions had when the read began: " + values.size() + " read");
            }
            return values;
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    GuardTopics topics() {
        return topics;
    }

    static List<Scenario.Outcome> outcomes(List<DecisionReader.DecisionRecord> records) {
        return records.stream().map(r -> Scenario.Outcome.of(r.decision())).toList();
    }

    /** Each order id decided exactly once (the scenario's ids are unique). */
    static void assertEachOrderDecidedOnce(List<DecisionReader.DecisionRecord> records, int orders) {
        Map<String, Long> perId = records.stream().collect(Collectors.groupingBy(r -> r.decision().getOrderId(),
                Collectors.counting()));
        assertThat(perId.values()).as("decisions per order id").allMatch(n -> n == 1);
        assertThat(perId).hasSize(orders);
    }

    static <T> Map<String, T> lastBy(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.toMap(key, i -> i, (a, b) -> b));
    }
}
