package com.lockupguard.web;

import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.topology.FailureCauses;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.RegistryOutage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the output topics say, as the API and the dashboard need it: one read_committed
 * consumer (no group: every instance reads everything) over the approved, blocked, positions,
 * execution-results and compliance-alerts topics. It hands each decision to whoever waits for
 * it (by its order's correlation header), keeps the recent decisions, the recent alerts and each
 * holding's position history, and tells live subscribers of all of them. A record it cannot decode
 * is logged and skipped; on any other failure (a registry outage while decoding, a broker gone, no
 * fetch answered for {@link FetchesAnswered#silence}) it restarts its consumer after a bounded
 * backoff, resuming where it stopped, and says so in {@link #outage()} meanwhile, for /health/ready
 * and the API, until a fetch is answered again.
 */
public final class DecisionFeed implements DecisionHistory, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionFeed.class);
    static final int RECENT_DECISIONS = 1_000;
    static final int HISTORY_POINTS_PER_HOLDING = 2_000;
    /** Chart points kept over all holdings (about 130 bytes each), past which the least recent holdings go. */
    static final long HISTORY_POINTS_IN_ALL = 250_000;
    static final int RECENT_ALERTS = 1_000;
    /** Breaches of the agreement kept besides the recent alerts, so that no run of other alerts forgets them. */
    static final int RECENT_BREACHES = 1_000;
    /** Execution reports' results kept for {@code /api/reports}, newest by when they happened. */
    static final int RECENT_REPORTS = 1_000;
    static final Duration FIRST_RESTART_DELAY = Duration.ofMillis(200);
    static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(10);
    /**
     * How often, at most, the feed looks for partitions added to its topics in its consumer's metadata; as often as
     * that metadata is refreshed ({@code metadata.max.age.ms}) when that is more often.
     */
    static final Duration PARTITION_CHECK = Duration.ofSeconds(30);
    /** How long live streams wait, at most, for the backlog to be read ({@link #backlogRead}). */
    static final Duration BACKLOG_WAIT = Duration.ofMinutes(2);
    /** How long a consumer that failed may take to close; one closed in the ordinary way, {@link #CLOSE}. */
    static final Duration FAILED_CLOSE = Duration.ofSeconds(1);
    static final Duration CLOSE = Duration.ofSeconds(30);

    private final Supplier<Consumer<String, Object>> consumers;
    private final List<String> topics;
    private final long historyPerPartition;
    private final long partitionCheckNanos;
    private final Duration fetchSilence;
    private final DecisionWaiters waiting = new DecisionWaiters();
    private final RecentDecisions recent = new RecentDecisions(RECENT_DECISIONS);
    private final RecentOfHoldings<ComplianceAlert> alerts = RecentOfHoldings.alerts(RECENT_ALERTS);
    private final RecentOfHoldings<ComplianceAlert> breaches = RecentOfHoldings.alerts(RECENT_BREACHES);
    private final RecentOfHoldings<ReportResult> reports = RecentOfHoldings.reports(RECENT_REPORTS);
    private final PositionHistories histories = new PositionHistories(HISTORY_POINTS_PER_HOLDING,
            HISTORY_POINTS_IN_ALL);
    private final List<java.util.function.Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final RestartBackoff backoff = new RestartBackoff(FIRST_RESTART_DELAY, MAX_RESTART_DELAY);
    /** Per partition, the offset after the last record read (the feed's thread only): where a restart resumes. */
    private final Map<TopicPartition, Long> readUpTo = new HashMap<>();
    /**
     * Where each partition's records become news to the live pages: its end when first assigned (its beginning for
     * one the feed finds later). The backlog before it, read for the lists and the waiting callers, is history: told
     * as live, a restarted instance sent each page hundreds of old decisions at once, and dropped it as too slow
     * (10,000 events behind).
     */
    private final Map<TopicPartition, Long> liveFrom = new HashMap<>();
    /**
     * Whether every partition has been read up to where it becomes live, or waited for {@link #BACKLOG_WAIT}: until
     * then a live stream is refused ({@link #backlogRead()}).
     */
    private volatile boolean backlogRead;
    /** Whether the partitions were assigned before (the feed's thread only). */
    private boolean assignedBefore;
    /** When the backlog's wait began: at each assignment while it is not read, so that an outage does not count. */
    private long backlogWaitFromNanos;
    private volatile Consumer<String, Object> consumer;
    private volatile ReadinessReason outage;
    private volatile boolean stoppedForGood;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();

    public DecisionFeed(Properties clientProperties, GuardTopics topics, long historyPerPartition) {
        this(() -> createConsumer(clientProperties, topics), topicsRead(topics), historyPerPartition,
                partitionCheck(clientProperties),
                FetchesAnswered.silence(clientProperties.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)));
    }

    /** The topics the guard's feed reads, of {@code topics}. */
    static List<String> topicsRead(GuardTopics topics) {
        return List.of(topics.approved().name(), topics.blocked().name(), topics.positions().name(),
                topics.executionResults().name(), topics.complianceAlerts().name());
    }

    private static Duration partitionCheck(Properties clientProperties) {
        Object metadataAge = clientProperties.get(ConsumerConfig.METADATA_MAX_AGE_CONFIG);
        Duration refreshed = metadataAge == null ? PARTITION_CHECK
                : Duration.ofMillis(Math.max(1, Long.parseLong(metadataAge.toString().trim())));
        return refreshed.compareTo(PARTITION_CHECK) < 0 ? refreshed : PARTITION_CHECK;
    }

    /** A feed over {@code topics}, read by the consumers {@code consumers} creates (unassigned). */
    DecisionFeed(Supplier<Consumer<String, Object>> consumers, List<String> topics, long historyPerPartition) {
        this(consumers, topics, historyPerPartition, PARTITION_CHECK);
    }

    /** The same, looking for partitions added to {@code topics} every {@code partitionCheck}. */
    DecisionFeed(Supplier<Consumer<String, Object>> consumers, List<String> topics, long historyPerPartition,
            Duration partitionCheck) {
        this(consumers, topics, historyPerPartition, partitionCheck, FetchesAnswered.LEAST_SILENCE);
    }

    /** The same, failing a consumer that has had no fetch answered for {@code fetchSilence}. */
    DecisionFeed(Supplier<Consumer<String, Object>> consumers, List<String> topics, long historyPerPartition,
            Duration partitionCheck, Duration fetchSilence) {
        this.consumers = consumers;
        this.fetchSilence = fetchSilence;
        this.topics = topics;
        this.historyPerPartition = historyPerPartition;
        this.partitionCheckNanos = partitionCheck.toNanos();
        this.thread = new Thread(this::run, "lockup-guard-decision-feed");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** How many orders' callers wait for their decision now. */
    int waitingForDecisions() {
        return waiting.size();
    }

    /** The decision of the order sent with {@code correlationId} ({@link OrderCorrelation}), when it is read. */
    public CompletableFuture<Decision> await(String correlationId) {
        return waiting.await(correlationId);
    }

    @Override
    public List<Decision> recent(String investorId, String securityId, int limit) {
        return recent.newestFirst(investorId, securityId, limit);
    }

    @Override
    public List<ComplianceAlert> alerts(String investorId, String securityId, int limit) {
        return alerts.newestFirst(investorId, securityId, limit);
    }

    @Override
    public List<ComplianceAlert> breaches(String investorId, String securityId, int limit) {
        return breaches.newestFirst(investorId, securityId, limit);
    }

    @Override
    public List<ReportResult> reports(String investorId, String securityId, int limit) {
        return reports.newestFirst(investorId, securityId, limit);
    }

    @Override
    public List<HistoryPoint> history(String holding) {
        return histories.of(holding);
    }

    /** Subscribers are told on the feed's thread: they must not block. */
    @Override
    public AutoCloseable subscribe(java.util.function.Consumer<Event> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /**
     * Why the feed is not reading now — it failed and restarts its consumer — or empty while it reads. Orders
     * sent meanwhile are decided, and their callers get the decisions once it reads again, unless they time out.
     */
    public Optional<String> outage() {
        return outageReason().map(ReadinessReason::detail);
    }

    /** {@link #outage()}, and what of it anyone who can reach /health/ready may read: the failure's kind. */
    @Override
    public Optional<ReadinessReason> outageReason() {
        return Optional.ofNullable(outage);
    }

    @Override
    public boolean backlogRead() {
        return backlogRead;
    }

    /** Records the feed could not decode or take in, and went past: the API and the page never show them. */
    public long skippedRecords() {
        return skipped.get();
    }

    /** How often the feed failed and restarted its consumer. */
    public long restarts() {
        return restarts.get();
    }

    /**
     * Whether the feed stopped for good: an {@link Error} (a class that could not be loaded, the stack or the heap
     * exhausted) ended its thread, after which no restart can be trusted. Only a new process reads decisions again.
     */
    public boolean stoppedForGood() {
        return stoppedForGood;
    }

    private void run() {
        try {
            readAndRestart();
        } catch (Error e) {
            // not rethrown: the thread's end would only be logged again, and nobody would be told
            String stopped = "the decision feed stopped (";
            outage = new ReadinessReason(stopped + kind(e) + "): restart the guard",
                    stopped + e + rootCause(e) + "): restart the guard");
            stoppedForGood = true;
            LOG.error("the decision feed stopped for good: restart the guard", e);
        }
    }

    private void readAndRestart() {
        while (running.get()) {
            Consumer<String, Object> reader = null;
            try {
                reader = consumers.get();
                consumer = reader;
                read(reader);
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                restarts.incrementAndGet();
                Duration delay = backoff.next();
                // when, not "in 200 ms": the restart may then wait a minute for the brokers, the reason still shown
                String restart = ") at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "; it restarts "
                        + delay.toMillis() + " ms after a failure";
                outage = new ReadinessReason("the decision feed failed (" + kind(e) + restart,
                        "the decision feed failed (" + e + rootCause(e) + restart);
                LOG.error("the decision feed failed: it restarts its consumer in {} ms, where it stopped reading",
                        delay.toMillis(), e);
                // after the outage is said, and briefly: its close waits on the brokers that failed it (seen: 30 s
                // more before a hang with several brokers was said)
                close(reader, FAILED_CLOSE);
                reader = null;
                pause(delay);
            } finally {
                close(reader, CLOSE);
            }
        }
    }

    private static void close(Consumer<String, Object> reader, Duration timeout) {
        if (reader == null) {
            return;
        }
        try {
            reader.close(CloseOptions.timeout(timeout));
        } catch (RuntimeException e) {
            LOG.debug("the decision feed's consumer did not close cleanly", e);
        }
    }

    /**
     * What kind of trouble {@code failure} is, naming no topic, principal or host: what /health/ready tells a caller
     * without the read role. The registry's and Kafka's refusals and the registry's absence are told by their causes
     * (a record the registry could not help decode comes as Kafka's deserialization error, which would read as bad
     * data); anything else by its class.
     */
    static String kind(Throwable failure) {
        if (failure instanceof FetchesAnswered.Unanswered) {
            return failure.getMessage(); // names no topic or host
        }
        if (RegistryOutage.causes(failure)) {
            return "the schema registry cannot be reached";
        }
        if (RegistryOutage.refusal(failure).isPresent()) {
            return ReadinessReason.REGISTRY_REFUSES;
        }
        if (FailureCauses.find(failure, AuthorizationException.class).isPresent()) {
            return ReadinessReason.KAFKA_DENIES;
        }
        if (FailureCauses.find(failure, AuthenticationException.class).isPresent()) {
            return "Kafka refused the guard's credentials";
        }
        String name = failure.getClass().getSimpleName();
        return name.isEmpty() ? failure.getClass().getName() : name;
    }

    /** What lies under {@code failure}, for a reason that says what to fix ("; ...: 401"), or nothing. */
    static String rootCause(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(failure);
        Throwable root = failure;
        while (root.getCause() != null && seen.add(root.getCause())) { // a cycle of causes ends the walk
            root = root.getCause();
        }
        return root == failure ? "" : "; " + root;
    }

    /** Reads with {@code reader} until closed: from where the last consumer stopped, or the recent backlog at first. */
    private void read(Consumer<String, Object> reader) {
        if (!running.get()) {
            return; // closed while it was created: close() woke up the one before
        }
        assign(reader);
        FetchesAnswered fetches = new FetchesAnswered(reader, fetchSilence, System::nanoTime);
        long partitionsChecked = System.nanoTime();
        while (running.get()) {
            if (System.nanoTime() - partitionsChecked >= partitionCheckNanos) {
                // no longer than the fetches may stay silent: brokers gone leave no metadata to read, and the
                // wait for it held off the silence's check (seen: 49 s, not 30)
                readAddedPartitions(reader, fetches.silenceLeft());
                partitionsChecked = System.nanoTime();
            }
            ConsumerRecords<String, Object> records;
            try {
                records = reader.poll(Duration.ofMillis(200));
            } catch (RecordDeserializationException e) {
                if (RegistryOutage.causes(e) || RegistryOutage.refusal(e).isPresent()) {
                    throw e; // not the record's fault: read it again once the registry answers or admits the guard
                }
                skip(reader, e);
                continue;
            }
            // reading again once a fetch is answered: not before, or a feed failing at every poll would look up
            // between, and one whose brokers hang would look up after each restart
            if (fetches.answeredAfterPoll(records.count())) {
                backoff.reset();
                outage = null;
            }
            for (ConsumerRecord<String, Object> record : records) {
                handleOrSkip(record);
                readUpTo.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            if (!backlogRead) {
                backlogRead = readUpToLive(reader) || backlogOverdue();
            }
        }
    }

    /**
     * Whether the backlog has been read for longer than {@link #BACKLOG_WAIT}: a partition that does not reach where it
     * becomes live (a topic deleted and created again, shorter, while it was read) must not keep every live stream
     * refused. They open, and what is read from then on is told as news.
     */
    private boolean backlogOverdue() {
        if (System.nanoTime() - backlogWaitFromNanos < BACKLOG_WAIT.toNanos()) {
            return false;
        }
        LOG.warn("the decision feed has not read what was decided before it started within {} s: live streams open "
                + "now, and are told what it reads from now on, the rest of that too", BACKLOG_WAIT.toSeconds());
        liveFrom.clear();
        return true;
    }

    /**
     * Whether {@code reader} has read each partition up to where it becomes live: its position, past the
     * transactions' markers too, not the last record's offset.
     */
    private boolean readUpToLive(Consumer<String, Object> reader) {
        boolean read = true;
        for (TopicPartition partition : reader.assignment()) {
            long position = reader.position(partition);
            readingAgainFrom(partition, position);
            if (position < liveFrom.getOrDefault(partition, 0L)) {
                read = false;
            }
        }
        return read;
    }

    /**
     * Takes a partition read at {@code offset}, before where it was read to, as all news: its topic was deleted and
     * created again, empty or not.
     */
    private void readingAgainFrom(TopicPartition partition, long offset) {
        if (offset < readUpTo.getOrDefault(partition, 0L)) {
            liveFrom.remove(partition);
        }
    }

    /**
     * A record that cannot be decoded must not stop the feed: every other decision would be lost to the API. Its
     * causes on one line: bad data is not a fault of the code, and a run of bad records logged a stack trace each.
     */
    private void skip(Consumer<String, Object> reader, RecordDeserializationException e) {
        LOG.error("the decision feed skips the record at {}@{}: it cannot be decoded: {}", e.topicPartition(),
                e.offset(), FailureCauses.oneLine(e.getCause() == null ? e : e.getCause()));
        LOG.debug("the decision feed's failure to decode the record at {}@{}", e.topicPartition(), e.offset(), e);
        reader.seek(e.topicPartition(), e.offset() + 1);
        readUpTo.put(e.topicPartition(), e.offset() + 1);
        skipped.incrementAndGet();
    }

    private void pause(Duration delay) {
        try {
            closed.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    /**
     * The consumer the guard's feed reads with. A position it holds that the topic no longer has is read again from the
     * topic's first record ({@code auto.offset.reset=earliest}, whatever the guard's settings say for Kafka Streams):
     * one the retention deleted resumes at the first record kept, and one beyond the end of a topic deleted and
     * created again (by {@code produce}, say) at the new topic's first decision, every one of which is new to the feed.
     * Kafka's default, {@code latest}, went past the decisions the guard had written to the new topic by then.
     */
    @SuppressWarnings("unchecked")
    static Consumer<String, Object> createConsumer(Properties clientProperties, GuardTopics topics) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, ApiClientId.of(properties, "decision-feed"));
        Map<String, Deserializer<?>> byTopic = Map.of(
                topics.approved().name(), topics.approved().valueSerde().deserializer(),
                topics.blocked().name(), topics.blocked().valueSerde().deserializer(),
                topics.positions().name(), topics.positions().valueSerde().deserializer(),
                topics.executionResults().name(), topics.executionResults().valueSerde().deserializer(),
                topics.complianceAlerts().name(), topics.complianceAlerts().valueSerde().deserializer());
        Deserializer<Object> values = (topic, data) -> ((Deserializer<Object>) byTopic.get(topic)).deserialize(topic,
                data);
        return new KafkaConsumer<>(properties, topics.approved().keySerde().deserializer(), values);
    }

    private void assign(Consumer<String, Object> reader) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : reader.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        reader.assign(partitions);
        Map<TopicPartition, Long> beginning = reader.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = reader.endOffsets(partitions);
        boolean first = !assignedBefore;
        for (TopicPartition partition : partitions) {
            Long resumeAt = readUpTo.get(partition);
            long from;
            if (resumeAt != null) {
                from = Math.max(beginning.get(partition), resumeAt);
            } else if (first) {
                from = Math.max(beginning.get(partition), end.get(partition) - historyPerPartition);
                liveFrom.put(partition, end.get(partition));
            } else {
                // added while the feed was away (a restart after a failure), before it looked for added ones: all news
                from = beginning.get(partition);
                liveFrom.put(partition, from);
            }
            reader.seek(partition, from);
            readUpTo.put(partition, from);
        }
        assignedBefore = true;
        if (!backlogRead) {
            backlogWaitFromNanos = System.nanoTime();
        }
    }

    /**
     * Reads partitions added to its topics since they were assigned, from their start: every record on them is new to
     * the feed. Kafka Streams writes a holding's decisions to the partition its key hashes to among them all, so
     * without this the decisions of the holdings moved there would never reach their callers (each would time out,
     * and so would its resend). Seen once the consumer's metadata is refreshed ({@code metadata.max.age.ms}).
     */
    private void readAddedPartitions(Consumer<String, Object> reader, Duration within) {
        Set<TopicPartition> assigned = reader.assignment();
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : reader.partitionsFor(topic, within)) {
                TopicPartition partition = new TopicPartition(topic, info.partition());
                if (!assigned.contains(partition)) {
                    added.add(partition);
                }
            }
        }
        if (added.isEmpty()) {
            return;
        }
        List<TopicPartition> all = new ArrayList<>(assigned);
        all.addAll(added);
        reader.assign(all); // the partitions assigned before keep their positions
        Map<TopicPartition, Long> beginning = reader.beginningOffsets(added);
        for (TopicPartition partition : added) {
            reader.seek(partition, beginning.get(partition));
            readUpTo.put(partition, beginning.get(partition));
            liveFrom.put(partition, beginning.get(partition)); // all news, also when read again after a restart
        }
        LOG.info("the decision feed reads the partitions added to its topics: {}", added);
    }

    /**
     * A record the feed decoded but cannot take in (a position without a holding key, say) is skipped: restarting
     * would meet it again, for good, and every decision after it would be lost to the API.
     */
    private void handleOrSkip(ConsumerRecord<String, Object> record) {
        try {
            handle(record);
        } catch (RuntimeException e) {
            LOG.error("the decision feed skips the record at {}-{}@{}: it cannot take it in", record.topic(),
                    record.partition(), record.offset(), e);
            skipped.incrementAndGet();
        }
    }

    private void handle(ConsumerRecord<String, Object> record) {
        RecordPlace place = new RecordPlace(record.topic(), record.partition(), record.offset());
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        readingAgainFrom(partition, record.offset());
        boolean live = record.offset() >= liveFrom.getOrDefault(partition, 0L);
        if (record.value() instanceof Decision decision) {
            waiting.decided(record.headers(), decision); // first: its caller gets it, whatever fails below
            recent.add(decision, place);
            if (decision.getPosition() != null) {
                histories.add(record.key(), decision.getPosition());
            }
            publish(live, new Event(Event.DECISION, record.key(), decision));
        } else if (record.value() instanceof Position position) {
            histories.add(record.key(), position);
            publish(live, new Event(Event.POSITION, record.key(), position));
        } else if (record.value() instanceof ComplianceAlert alert) {
            alerts.add(alert, place);
            if (alert.getBreachesAgreement()) {
                breaches.add(alert, place);
            }
            publish(live, new Event(Event.ALERT, record.key(), alert));
        } else if (record.value() instanceof ReportResult result) {
            reports.add(result, place);
            publish(live, new Event(Event.REPORT, record.key(), result));
        }
    }

    /** Tells the live pages of {@code event}, unless it is of the backlog read at the start ({@link #liveFrom}). */
    private void publish(boolean live, Event event) {
        if (!live) {
            return;
        }
        for (java.util.function.Consumer<Event> subscriber : subscribers) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                LOG.debug("a feed subscriber failed; dropping it", e);
                subscribers.remove(subscriber);
            }
        }
    }

    @Override
    public void close() {
        running.set(false);
        closed.countDown();
        Consumer<String, Object> reader = consumer;
        if (reader != null) {
            reader.wakeup();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waiting.cancelAll();
    }
}
