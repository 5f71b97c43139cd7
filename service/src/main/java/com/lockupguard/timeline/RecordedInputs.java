package com.lockupguard.timeline;

import com.lockupguard.app.AdminRequests;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.AgreementAudit;
import com.lockupguard.avro.AgreementOutcome;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.contract.ExecutionMapper;
import com.lockupguard.contract.IsoInstant;
import com.lockupguard.contract.OrderMapper;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.serde.Utf8KeyDeserializer;
import com.lockupguard.topology.DeadLetters;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.InputPartitions;
import com.lockupguard.topology.RecordTimestamps;
import com.lockupguard.topology.RegistryOutage;
import com.lockupguard.topology.SendLimit;
import com.lockupguard.topology.StoreNames;
import com.lockupguard.topology.TopicNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What a guard has been given, read back from its topics as a replay timeline: every agreement version it applied,
 * from {@code agreement-audit} (the compacted agreements topic keeps only each holding's latest), and every order and
 * execution report on the orders topic; {@code read_committed}, up to the ends the topics have when the reading
 * starts, without a consumer group.
 *
 * <p>The lines come in the order the guard takes its records: each input partition's in offset order — an agreement
 * version in the place of its own record on the agreements topic, which its audit names, whatever partition of the
 * audit holds it — and among the partitions the record with the earliest time first, as Kafka Streams picks the next
 * record of a task; at the same time, an agreement before an order. A version the guard rejected is left out, since it
 * changed nothing, but holds back the versions after it as it did in the guard. A record the guard dead-letters before
 * it decides or applies it (one it cannot read, a tombstone, a key that is not its holding's, a partition that is not
 * its key's, a key and headers too large for an answer) is left out and said. Every agreement version
 * is held while the orders are read, and at most a few thousand records of each orders partition.
 *
 * <p>Up to an instant, the lines are those the whole export begins with before its first line stamped later: each
 * input partition's records before its first stamped later (the merge reaches a later time only once every partition
 * has), so that a partition is read no further than that record.
 */
public final class RecordedInputs {

    /** What becomes of each record read. */
    public interface Sink {
        /** A timeline line, in order. */
        void line(String line) throws IOException;

        /** A record left out: where it is ({@code topic-partition@offset}) and why. */
        void skipped(String where, String why);

        /** Something about a record that may make the replay differ from the guard, though it is written. */
        void warning(String where, String what);

        /**
         * How far the reading of {@code topic} has got, after each poll: {@code read} of the {@code records} offsets
         * its partitions hold from their beginnings to where the export ends on each.
         */
        default void reading(String topic, long read, long records) {
        }
    }

    /**
     * How many lines of each type were written; how many agreement versions the guard rejected (left out: they
     * changed nothing); how many records were left out and said.
     */
    public record Counts(long agreements, long rejectedAgreements, long orders, long executions, long skipped,
            long deletedUnread, long untakenAgreements) {

        /** Counts of an export no record of which was deleted before it was read. */
        public Counts(long agreements, long rejectedAgreements, long orders, long executions, long skipped) {
            this(agreements, rejectedAgreements, orders, executions, skipped, 0);
        }

        /** Counts of an export of a guard that had taken every agreement record. */
        public Counts(long agreements, long rejectedAgreements, long orders, long executions, long skipped,
                long deletedUnread) {
            this(agreements, rejectedAgreements, orders, executions, skipped, deletedUnread, 0);
        }
    }

    private static final int AGREEMENTS = 0;
    private static final int REJECTED = 1;
    private static final int ORDERS = 2;
    private static final int EXECUTIONS = 3;
    private static final int SKIPPED = 4;
    /** Offsets of the inputs deleted (the retention) before the export read them: before it started, or since. */
    private static final int DELETED = 5;
    /** Agreement records on the agreements topic when the export started that the guard had not taken. */
    private static final int UNTAKEN = 6;
    private static final Duration POLL = Duration.ofMillis(200);
    /** How many partitions of a topic whose first offsets were deleted are named, a line each: the rest are counted. */
    private static final int NAMED_PARTITIONS = 3;
    /** How long a consumer that read to the end may take to close: well within the 5 s a signal waits for export. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    /**
     * A record read and decoded, with its place in the order the lines are written and the count it adds to
     * ({@link #AGREEMENTS}, {@link #REJECTED}, {@link #ORDERS} or {@link #EXECUTIONS}) once it is within the export.
     */
    private record Read(int topicRank, int partition, long offset, long timestamp, String line, int counted) {
    }

    private static final Comparator<Read> EARLIEST_FIRST = Comparator.comparingLong(Read::timestamp)
            .thenComparingInt(Read::topicRank).thenComparingInt(Read::partition).thenComparingLong(Read::offset);
    private static final Comparator<Read> SOURCE_ORDER = Comparator.comparingLong(Read::offset);

    private final GuardConfig config;
    private final Duration timeout;
    private final Function<Properties, Consumer<byte[], byte[]>> consumers;
    /** The guard's group's committed positions on partitions of the agreements topic: none where it has none. */
    private final Function<List<TopicPartition>, Map<TopicPartition, Long>> positions;
    private final int held;
    /** The partition count the guard's state was built with, or 0 ({@link #stateCount(Consumer)}). */
    private int stateCount;
    /** Why {@link #stateCount} is 0, said once with the first record it would have placed otherwise; or null. */
    private String stateUnknown;
    private final long[] counts = new long[7];
    private final SendLimit limit;
    /** The keys of the holdings to export, as UTF-8; every holding's when empty. */
    private final List<byte[]> holdings;
    /** The latest time of a line, in epoch milliseconds; {@link Long#MAX_VALUE} up to the topics' ends. */
    private final long until;
    /** The consumer {@link #read} reads with, while it does: what {@link #stop} wakes. */
    private volatile Consumer<byte[], byte[]> reading;
    private volatile boolean stopped;

    /**
     * Every holding's records, or only those of {@code holdings} (their keys, {@code investorId/securityId}); up to
     * the topics' ends when {@code until} is null, else the lines before the first stamped after it.
     */
    public RecordedInputs(GuardConfig config, Duration timeout, List<HoldingKey> holdings, Instant until) {
        this(config, timeout, holdings, until, properties -> new KafkaConsumer<>(properties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer()), 5_000);
    }

    /** With {@code consumers} making the consumers it reads with, holding at most {@code held} records a partition. */
    RecordedInputs(GuardConfig config, Duration timeout, List<HoldingKey> holdings, Instant until,
            Function<Properties, Consumer<byte[], byte[]>> consumers, int held) {
        this(config, timeout, holdings, until, consumers, held, committedPositions(config, timeout));
    }

    /** With {@code positions} giving the guard's committed positions on the agreements topic. */
    RecordedInputs(GuardConfig config, Duration timeout, List<HoldingKey> holdings, Instant until,
            Function<Properties, Consumer<byte[], byte[]>> consumers, int held,
            Function<List<TopicPartition>, Map<TopicPartition, Long>> positions) {
        this.config = config;
        this.positions = positions;
        this.timeout = timeout;
        this.holdings = holdings.stream().map(holding -> holding.asString().getBytes(StandardCharsets.UTF_8))
                .toList();
        // an instant beyond what a record's time can say ends the export at the topics' ends, or before them all
        this.until = until == null || until.isAfter(Instant.ofEpochMilli(Long.MAX_VALUE)) ? Long.MAX_VALUE
                : until.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE)) ? Long.MIN_VALUE : until.toEpochMilli();
        this.consumers = consumers;
        this.held = held;
        // the limit of the guard's producer, as its settings give it: the topics' own, which the guard also reads at
        // start, are not asked
        Map<String, Object> streams = new HashMap<>();
        config.streamsProperties().forEach((name, value) -> streams.put(String.valueOf(name), value));
        this.limit = SendLimit.of(streams);
    }

    /**
     * Cuts {@link #read} short from another thread (a signal's): a wait of its for Kafka (a broker that does not
     * answer) ends at once in a {@link org.apache.kafka.common.errors.WakeupException}, and its consumer is closed
     * without waiting for the brokers.
     */
    public void stop() {
        stopped = true;
        Consumer<byte[], byte[]> consumer = reading;
        if (consumer != null) {
            consumer.wakeup(); // the one method of a consumer another thread may call
        }
    }

    /**
     * Reads the topics to their ends as they are now, or to the end of the export when it ends earlier, and hands each
     * line, or each record left out, to {@code sink}.
     */
    public Counts read(Sink sink) throws IOException {
        GuardTopics topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
        Properties properties = config.consumerProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        // a position the topic no longer has, its records deleted under the export (the retention), is met here, to go
        // on from the first record kept and say what was lost: Kafka's default, latest, went on from the partition's
        // end, leaving out every record kept after the deleted ones without a word
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // a topic named wrongly is said to be missing, not created empty by a broker that creates what is asked for
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        Consumer<byte[], byte[]> consumer = consumers.apply(properties);
        reading = consumer;
        if (stopped) {
            consumer.wakeup(); // stopped before the consumer was there to wake
        }
        try {
            // the orders' ends first, then the audit's: every version the guard applied before it decided the last
            // order taken is on the audit by then, if it has caught up (a version the guard took later, stamped
            // later than those orders as a live one is, comes after them)
            stateCount = stateCount(consumer);
            List<TopicPartition> all = partitions(consumer, topics.names().orders());
            // the holdings' own partitions alone, when only some holdings are exported
            List<TopicPartition> partitions = holdingsPartitions(all);
            // where each partition's reading ends: moved back to its first record stamped after the end of the export
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, timeout));
            // the agreement records given to the guard by then, and how far it had taken them, before the audit's end
            // is taken: under exactly-once its positions are committed with its audit records, so that every version
            // of a record before its position is on the audit by then
            List<TopicPartition> given;
            Map<TopicPartition, Long> givenEnds;
            try {
                given = holdingsPartitions(partitions(consumer, topics.names().agreements()));
                givenEnds = consumer.endOffsets(given, timeout);
            } catch (AuthorizationException e) {
                given = List.of(); // read by the guard, not by whoever exports: what it took is not told
                givenEnds = Map.of();
                cannotTellUntaken(topics.names().agreements(), e, sink);
            }
            Map<TopicPartition, Long> taken = given.isEmpty() ? Map.of()
                    : guardPositions(given, topics.names().agreements(), sink);
            Map<Integer, Long> audited = new HashMap<>();
            Map<Integer, ArrayDeque<Read>> agreements = agreements(consumer, topics, audited, sink);
            try {
                untakenAgreements(consumer, given, givenEnds, taken, audited, topics.names(), sink);
            } catch (AuthorizationException e) {
                cannotTellUntaken(topics.names().agreements(), e, sink);
            }
            Map<Integer, ArrayDeque<Read>> orders = new TreeMap<>();
            partitions.forEach(partition -> orders.put(partition.partition(), new ArrayDeque<>()));
            Map<TopicPartition, Long> beginnings = startReading(consumer, partitions, sink);
            Deserializer<SpecificRecord> values = topics.orders().valueSerde().deserializer();
            Deserializer<String> keys = new Utf8KeyDeserializer(); // as the guard reads its inputs' keys
            Progress progress = new Progress(consumer, partitions, beginnings, ends, sink);
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : poll(consumer, ends, sink)) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))
                            && isWanted(record)) {
                        Read read = orderLine(record, values, keys, all.size(), sink);
                        if (read != null && read.timestamp() > until) {
                            // neither it nor what follows it on its partition, which the batch may hold, is written
                            ends.put(new TopicPartition(record.topic(), record.partition()), record.offset());
                        } else if (read != null) {
                            counts[read.counted()]++;
                            orders.get(record.partition()).add(read);
                        }
                    }
                }
                for (TopicPartition partition : partitions) {
                    // a partition read to its end is paused too: what is written after the start is not wanted
                    if (orders.get(partition.partition()).size() >= held || progress.isRead(partition)) {
                        consumer.pause(List.of(partition));
                    } else {
                        consumer.resume(List.of(partition));
                    }
                }
                progress.check();
                if (!emitWhileEveryPartitionHasAHead(agreements, orders, partitions, progress, sink)) {
                    return new Counts(counts[AGREEMENTS], counts[REJECTED], counts[ORDERS], counts[EXECUTIONS],
                            counts[SKIPPED], counts[DELETED], counts[UNTAKEN]);
                }
            }
        } finally {
            reading = null;
            // it holds no group to leave: its close only tells the brokers its fetch sessions are over, which they
            // find out anyway, so it does not wait long for brokers that may not answer (nor at all when stopped, a
            // signal perhaps come because they do not)
            consumer.close(CloseOptions.timeout(stopped ? Duration.ZERO : CLOSE_TIMEOUT));
        }
    }

    /**
     * Writes the earliest head of all while every orders partition not read to its end has one; false once every
     * record has been written.
     */
    private boolean emitWhileEveryPartitionHasAHead(Map<Integer, ArrayDeque<Read>> agreements,
            Map<Integer, ArrayDeque<Read>> orders, List<TopicPartition> partitions, Progress progress, Sink sink)
            throws IOException {
        while (true) {
            for (TopicPartition partition : partitions) {
                if (orders.get(partition.partition()).isEmpty() && !progress.isRead(partition)) {
                    return true;
                }
            }
            Read earliest = null;
            ArrayDeque<Read> from = null;
            for (Map<Integer, ArrayDeque<Read>> queues : List.of(agreements, orders)) {
                for (ArrayDeque<Read> queue : queues.values()) {
                    Read head = queue.peek();
                    if (head != null && (earliest == null || EARLIEST_FIRST.compare(head, earliest) < 0)) {
                        earliest = head;
                        from = queue;
                    }
                }
            }
            if (earliest == null) {
                return false;
            }
            from.poll();
            if (earliest.line() != null) {
                sink.line(earliest.line());
            }
        }
    }

    /**
     * Every agreement version the guard applied, by the agreements partition it was read from, each partition's in
     * the order of its offsets there: an audit topic with another partition count than the agreements topic mixes
     * the partitions' versions in the order they were applied.
     */
    private Map<Integer, ArrayDeque<Read>> agreements(Consumer<byte[], byte[]> consumer, GuardTopics topics,
            Map<Integer, Long> audited, Sink sink) {
        List<TopicPartition> partitions = partitions(consumer, topics.names().agreementAudit());
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout); // the last stable offsets
        Map<TopicPartition, Long> beginnings = startReading(consumer, partitions, sink);
        Deserializer<AgreementAudit> values = topics.agreementAudit().valueSerde().deserializer();
        Map<Integer, List<Read>> bySource = new TreeMap<>();
        Progress progress = new Progress(consumer, partitions, beginnings, ends, sink);
        while (!partitions.stream().allMatch(progress::isRead)) {
            for (ConsumerRecord<byte[], byte[]> record : poll(consumer, ends, sink)) {
                if (record.offset() >= ends.get(new TopicPartition(record.topic(), record.partition()))
                        || !isWanted(record)) {
                    continue;
                }
                AgreementAudit audit;
                try {
                    audit = values.deserialize(record.topic(), record.headers(), record.value());
                } catch (SerializationException e) {
                    // records the guard wrote itself: what cannot read them (the registry away) stops the export
                    throw new IllegalStateException("cannot read " + where(record) + ": " + e.getMessage(), e);
                }
                Read read = agreementLine(record, audit, sink);
                if (read != null) {
                    audited.merge(read.partition(), read.offset() + 1, Math::max);
                    bySource.computeIfAbsent(read.partition(), partition -> new ArrayList<>()).add(read);
                }
            }
            progress.check();
        }
        Map<Integer, ArrayDeque<Read>> queues = new HashMap<>();
        bySource.forEach((partition, reads) -> {
            List<Read> inOrder = reads.stream().sorted(SOURCE_ORDER).takeWhile(read -> read.timestamp() <= until)
                    .toList();
            inOrder.forEach(read -> counts[read.counted()]++);
            warnOfVersionsStampedLaterThanTheNext(topics.names().agreements(), partition, inOrder, sink);
            queues.put(partition, new ArrayDeque<>(inOrder));
        });
        return queues;
    }

    /**
     * Says how many agreement records on the agreements topic when the export started the guard had not taken (it is
     * stopped, or behind): their versions are not on the audit, so not in the timeline. A record is taken when the
     * guard's committed position is past it, or a record after it on its partition is audited; of those after, only
     * the records {@code read_committed} reads count (not transaction markers, nor aborted records, which take
     * offsets), of the holdings exported, stamped up to the end of the export.
     */
    private void untakenAgreements(Consumer<byte[], byte[]> consumer, List<TopicPartition> given,
            Map<TopicPartition, Long> ends, Map<TopicPartition, Long> taken, Map<Integer, Long> audited,
            TopicNames names, Sink sink) {
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(given, timeout);
        Map<TopicPartition, Long> from = new HashMap<>();
        List<TopicPartition> reading = new ArrayList<>();
        for (TopicPartition partition : given) {
            long first = Math.max(beginnings.get(partition), Math.max(taken.getOrDefault(partition, 0L),
                    audited.getOrDefault(partition.partition(), 0L)));
            from.put(partition, first);
            if (first < ends.get(partition)) {
                reading.add(partition);
            }
        }
        if (reading.isEmpty()) {
            return;
        }
        consumer.assign(reading);
        reading.forEach(partition -> consumer.seek(partition, from.get(partition)));
        Map<TopicPartition, long[]> untaken = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        Progress progress = new Progress(consumer, reading, from, ends, sink);
        while (!reading.stream().allMatch(progress::isRead)) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(POLL);
            } catch (OffsetOutOfRangeException e) {
                // deleted under the export: what is left is what the guard has not taken
                consumer.beginningOffsets(e.offsetOutOfRangePartitions().keySet(), timeout).forEach(consumer::seek);
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < ends.get(partition) && isWanted(record)
                        && RecordTimestamps.readAt(record.timestamp()) <= until) {
                    untaken.computeIfAbsent(partition, first -> new long[] {record.offset(), 0})[1]++;
                }
            }
            progress.check();
        }
        if (untaken.isEmpty()) {
            return;
        }
        long total = untaken.values().stream().mapToLong(found -> found[1]).sum();
        counts[UNTAKEN] += total;
        List<String> named = untaken.entrySet().stream().limit(NAMED_PARTITIONS).map(found -> String.format(
                Locale.ROOT, "%s: %,d from offset %d", found.getKey(), found.getValue()[1], found.getValue()[0]))
                .collect(Collectors.toCollection(ArrayList::new));
        if (untaken.size() > NAMED_PARTITIONS) {
            named.add(String.format(Locale.ROOT, "and %,d more partitions", untaken.size() - NAMED_PARTITIONS));
        }
        sink.skipped(names.agreements(), String.format(Locale.ROOT, "%,d agreement records the guard ('%s') had not "
                + "taken when the export started (%s): their versions are not on %s, so not in the timeline, and its "
                + "replay decides their holdings' orders without them (UNKNOWN_AGREEMENT, or under the terms before): "
                + "export once the guard has caught up (lockup_guard_input_lag 0)", total, group(),
                String.join(", ", named), names.agreementAudit()));
    }

    private static void cannotTellUntaken(String topic, AuthorizationException e, Sink sink) {
        sink.warning(topic, "cannot read it (" + OneLine.of(String.valueOf(e.getMessage())) + "): whether the guard "
                + "had taken every agreement record on it is not told (Read on it tells)");
    }

    /**
     * The guard's committed positions on {@code partitions} of the agreements topic; none, said, when its group
     * cannot be read (not allowed to): what the guard has taken is then told from the audit alone.
     */
    private Map<TopicPartition, Long> guardPositions(List<TopicPartition> partitions, String topic, Sink sink) {
        try {
            return positions.apply(partitions);
        } catch (RuntimeException e) {
            sink.warning(topic, "cannot read the committed positions of the guard's group ('" + group() + "'): "
                    + OneLine.of(String.valueOf(e.getMessage())) + ": whether it has taken every agreement record is "
                    + "told from what is on the audit alone");
            return Map.of();
        }
    }

    private String group() {
        return config.getString(GuardConfig.APPLICATION_ID_CONFIG);
    }

    /**
     * The committed positions of the guard's group (its {@code application.id}), as the admin API lists them: under
     * exactly-once, those of the transactions committed, which committed the audit records of the records before
     * them too.
     */
    private static Function<List<TopicPartition>, Map<TopicPartition, Long>> committedPositions(GuardConfig config,
            Duration timeout) {
        return partitions -> {
            Admin admin = Admin.create(config.adminProperties());
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = AdminRequests.retrying(timeout, () -> admin
                        .listConsumerGroupOffsets(config.getString(GuardConfig.APPLICATION_ID_CONFIG))
                        .partitionsToOffsetAndMetadata());
                Map<TopicPartition, Long> positions = new HashMap<>();
                committed.forEach((partition, position) -> {
                    if (position != null && partitions.contains(partition)) {
                        positions.put(partition, position.offset());
                    }
                });
                return positions;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                admin.close(CLOSE_TIMEOUT);
            }
        };
    }

    /**
     * Of {@code all} the partitions of an input topic, those of the holdings exported (under the count the records
     * were written under, or the guard's state's, {@link #stateCount}): every one without them.
     */
    private List<TopicPartition> holdingsPartitions(List<TopicPartition> all) {
        return holdings.isEmpty() ? all : all.stream().filter(partition -> holdings.stream().anyMatch(key ->
                placed(new String(key, StandardCharsets.UTF_8), partition.partition(), all.size(), stateCount)))
                .toList();
    }

    /**
     * The partition count of the guard's state (its holding-state changelog's, which Kafka Streams made with the
     * inputs' count of then), or 0 where it has none: partitions added to the inputs since (the guard then refuses
     * to run, and the documented way on is a new guard fed this export) leave the records written before on the
     * partitions of the count before.
     */
    private int stateCount(Consumer<byte[], byte[]> consumer) {
        String changelog = StoreNames.changelogTopic(group(), StoreNames.HOLDING_STATE);
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(changelog, timeout);
            if (infos == null || infos.isEmpty()) {
                stateUnknown = "there is no " + changelog + " (is application.id the guard's?)";
                return 0;
            }
            return infos.size();
        } catch (RuntimeException e) {
            // not allowed to see it, say: the inputs' count alone
            stateUnknown = changelog + " cannot be described (" + OneLine.of(String.valueOf(e.getMessage())) + ")";
            return 0;
        }
    }

    /** Whether {@code key} belongs on {@code partition} under the inputs' count, or under the state's (0: none). */
    private static boolean placed(String key, int partition, int partitions, int stateCount) {
        return InputPartitions.expectedPartition(key, partitions) == partition
                || stateCount > 0 && InputPartitions.expectedPartition(key, stateCount) == partition;
    }

    /**
     * Warns of each version stamped later than a version after it on its partition: the export places those after
     * it by its time, as a guard working through a backlog takes them; a guard that took it as it came took them
     * earlier, and the replay may decide the orders between otherwise.
     */
    private static void warnOfVersionsStampedLaterThanTheNext(String topic, int partition, List<Read> inOrder,
            Sink sink) {
        long earliestAfter = Long.MAX_VALUE;
        List<Read> late = new ArrayList<>();
        for (int i = inOrder.size() - 1; i >= 0; i--) {
            Read version = inOrder.get(i);
            if (version.timestamp() > earliestAfter) {
                late.add(version);
            }
            earliestAfter = Math.min(earliestAfter, version.timestamp());
        }
        for (int i = late.size() - 1; i >= 0; i--) {
            Read version = late.get(i);
            sink.warning(topic + "-" + partition + "@" + version.offset(), "an agreement version stamped "
                    + IsoInstant.format(Instant.ofEpochMilli(version.timestamp())) + ", later than versions after it "
                    + "on its partition: they are placed after it, as a guard working through a backlog takes them; a "
                    + "guard that took it as it came took them earlier, and the replay may decide the orders between "
                    + "otherwise");
        }
    }

    /**
     * An applied version's line in its place; a rejected version's place without a line: the replay need not be told
     * of a version that changed nothing, but Kafka Streams took the versions after it on its partition only after it,
     * by its time, so that it holds them back in the merge as it held them back in the guard.
     */
    private Read agreementLine(ConsumerRecord<byte[], byte[]> record, AgreementAudit audited, Sink sink) {
        if (audited == null || audited.getSourcePartition() == null || audited.getSourceOffset() == null
                || (audited.getAgreement() == null && audited.getOutcome() != AgreementOutcome.REJECTED)) {
            counts[SKIPPED]++;
            sink.skipped(where(record), "an audit record without the agreement version it applied or its place");
            return null;
        }
        Instant at = audited.getRecordTimestamp();
        boolean rejected = audited.getOutcome() == AgreementOutcome.REJECTED;
        return new Read(0, audited.getSourcePartition(), audited.getSourceOffset(), at.toEpochMilli(),
                rejected ? null : TimelineLines.agreement(audited.getAgreement(), at),
                rejected ? REJECTED : AGREEMENTS);
    }

    private Read orderLine(ConsumerRecord<byte[], byte[]> record, Deserializer<SpecificRecord> values,
            Deserializer<String> keys, int partitions, Sink sink) {
        if (record.value() == null) {
            counts[SKIPPED]++;
            sink.skipped(where(record), "a tombstone (the guard dead-letters it TOMBSTONE)");
            return null;
        }
        SpecificRecord value;
        String key;
        try {
            value = values.deserialize(record.topic(), record.headers(), record.value());
            key = keys.deserialize(record.topic(), record.key());
        } catch (RuntimeException e) {
            // not the record's fault: said, and the export stops; but a schema id alone not served is the record's,
            // which the guard dead-letters
            if (!RegistryOutage.schemaNotServed(e)
                    && (RegistryOutage.causes(e) || RegistryOutage.refusal(e).isPresent())) {
                throw e;
            }
            counts[SKIPPED]++;
            sink.skipped(where(record), "cannot be read (the guard dead-letters it UNDECODABLE): "
                    + OneLine.of(String.valueOf(e.getMessage())));
            return null;
        }
        long time = RecordTimestamps.readAt(record.timestamp());
        Instant at = Instant.ofEpochMilli(time);
        HoldingKey holding;
        String line;
        if (value instanceof ProposedOrder order) {
            holding = OrderMapper.toRequest(order).holdingOrNull();
            line = TimelineLines.order(order, at);
        } else {
            ExecutionReport report = (ExecutionReport) value;
            holding = ExecutionMapper.toRequest(report).holdingOrNull();
            line = TimelineLines.execution(report, at);
        }
        String deadLettered = misplaced(record, key, holding, partitions, stateCount);
        // measured as the guard measures it: without the headers an earlier dead-lettering added, which it drops
        if (deadLettered == null
                && !limit.leavesRoomForAnswer(key, DeadLetters.withoutErrors(record.headers().toArray()))) {
            deadLettered = "its key and headers leave too little room for an answer within " + limit.describe()
                    + " (the guard dead-letters it KEY_OR_HEADERS_TOO_LARGE)";
        }
        if (deadLettered != null) {
            counts[SKIPPED]++;
            if (stateUnknown != null && deadLettered.endsWith("WRONG_PARTITION)")) {
                sink.warning(where(record), "the partition count the guard's state was built with is not known: "
                        + stateUnknown + "; a record placed by the count before partitions were added to the inputs "
                        + "is named below as misplaced, though the guard may have decided it");
                stateUnknown = null;
            }
            sink.skipped(where(record), deadLettered);
            return null;
        }
        return new Read(1, record.partition(), record.offset(), time, line,
                value instanceof ProposedOrder ? ORDERS : EXECUTIONS);
    }

    /** Why the guard dead-letters a record of {@code holding} before deciding it, as its processors check; or null. */
    private static String misplaced(ConsumerRecord<?, ?> record, String key, HoldingKey holding, int partitions,
            int stateCount) {
        if (holding == null) {
            return null; // answered invalid, wherever it is
        }
        if (!holding.isKey(key)) {
            return (key == null ? "it has no key" : "its key '" + OneLine.of(ShownText.of(key))
                    + "' is not its holding's")
                    + " (the guard dead-letters it KEY_MISMATCH)";
        }
        int expected = InputPartitions.expectedPartition(key, partitions);
        if (!placed(key, record.partition(), partitions, stateCount)) {
            return String.format(Locale.ROOT, "its key belongs on partition %d, not %d (the guard dead-letters it "
                    + "WRONG_PARTITION)", expected, record.partition());
        }
        return null;
    }

    private List<TopicPartition> partitions(Consumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist: is the guard's configuration "
                    + "(application.id, topic.*) the one it runs with?");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /**
     * The records of the next poll. A position a partition no longer has (its records up to there deleted by the
     * retention since the export started, {@code auto.offset.reset=none}) goes on from the first record kept, the
     * offsets lost before {@code ends} said and counted; one beyond the partition's end (the topic deleted and created
     * again under the export) stops it.
     */
    private ConsumerRecords<byte[], byte[]> poll(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends,
            Sink sink) {
        try {
            return consumer.poll(POLL);
        } catch (OffsetOutOfRangeException e) {
            Map<TopicPartition, Long> kept = consumer.beginningOffsets(e.offsetOutOfRangePartitions().keySet(),
                    timeout);
            e.offsetOutOfRangePartitions().forEach((partition, position) -> {
                long first = kept.get(partition);
                if (position > first) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "%s: the export read up to offset %d, "
                            + "which the partition no longer has, though it keeps offset %d on: was the topic deleted "
                            + "and created again while the export read it? Export again", partition, position,
                            first));
                }
                long lostUpTo = Math.min(first, ends.getOrDefault(partition, first));
                if (lostUpTo > position) {
                    counts[DELETED] += lostUpTo - position;
                    sink.skipped(partition + "@" + position, String.format(Locale.ROOT, "offsets %d to %d were "
                            + "deleted (the topic's retention, or a deletion of records) before the export read them: "
                            + "their records are not in the timeline", position, lostUpTo - 1));
                }
                consumer.seek(partition, first);
            });
            return ConsumerRecords.empty();
        }
    }

    /**
     * Assigns {@code partitions} from the first offset each keeps, and names and counts the offsets before it: records
     * deleted (the retention, a deletion of records) before the export started, which the timeline lacks, so that its
     * replay cannot decide what came after them as the guard did. Each partition is read from the offset found, not
     * from wherever its beginning is when the consumer first fetches: records deleted in between are met as a position
     * out of range, and said as those deleted under the export are.
     */
    private Map<TopicPartition, Long> startReading(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
            Sink sink) {
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, timeout);
        List<TopicPartition> cut = partitions.stream().filter(partition -> beginnings.get(partition) > 0).toList();
        long more = 0;
        for (int i = 0; i < cut.size(); i++) {
            TopicPartition partition = cut.get(i);
            long first = beginnings.get(partition);
            counts[DELETED] += first;
            if (i < NAMED_PARTITIONS) {
                sink.skipped(partition + "@0", String.format(Locale.ROOT, "offsets 0 to %d were deleted (the "
                        + "topic's retention, or a deletion of records) before the export started: their records are "
                        + "not in the timeline, and its replay cannot decide what came after them as the guard did",
                        first - 1));
            } else {
                more += first;
            }
        }
        if (cut.size() > NAMED_PARTITIONS) {
            sink.skipped(partitions.get(0).topic(), String.format(Locale.ROOT, "%,d more of its partitions lost "
                    + "their first offsets likewise, %,d offsets in all: their records are not in the timeline either",
                    cut.size() - NAMED_PARTITIONS, more));
        }
        consumer.assign(partitions);
        partitions.forEach(partition -> consumer.seek(partition, beginnings.get(partition)));
        return beginnings;
    }

    /** Whether {@code record}'s key, as it is on the topic, is one of the holdings exported. */
    private boolean isWanted(ConsumerRecord<byte[], byte[]> record) {
        return holdings.isEmpty() || holdings.stream().anyMatch(key -> Arrays.equals(key, record.key()));
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /**
     * How far each partition of a topic is read, said to the sink, and a deadline for reading on: brokers gone mid-way
     * must not hang the export.
     */
    private final class Progress {

        private final Consumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;
        private final Map<TopicPartition, Long> ends;
        private final Map<TopicPartition, Long> beginnings;
        private final Sink sink;
        private final Map<TopicPartition, Long> positions = new HashMap<>();
        private long lastMoved = System.nanoTime();

        Progress(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                Map<TopicPartition, Long> beginnings, Map<TopicPartition, Long> ends, Sink sink) {
            this.consumer = consumer;
            this.partitions = partitions;
            this.ends = ends;
            this.beginnings = beginnings;
            this.sink = sink;
        }

        boolean isRead(TopicPartition partition) {
            return consumer.position(partition, timeout) >= ends.get(partition);
        }

        /** Fails when no partition not yet read has moved on for {@code timeout}. */
        void check() {
            boolean moved = false;
            List<String> stuck = new ArrayList<>();
            long read = 0;
            long records = 0;
            for (TopicPartition partition : partitions) {
                long position = consumer.position(partition, timeout);
                Long before = positions.put(partition, position);
                moved |= before == null || before != position;
                long end = ends.get(partition);
                if (position < end) {
                    stuck.add(partition + " at " + position + " of " + end);
                }
                long beginning = Math.min(beginnings.getOrDefault(partition, 0L), end);
                read += Math.min(Math.max(position, beginning), end) - beginning;
                records += end - beginning;
            }
            sink.reading(partitions.get(0).topic(), read, records);
            if (moved || stuck.isEmpty()) {
                lastMoved = System.nanoTime();
            } else if (System.nanoTime() - lastMoved > timeout.toNanos()) {
                throw new IllegalStateException("nothing read for " + timeout.toSeconds() + " s from " + stuck
                        + ": are the brokers up?");
            }
        }
    }
}
