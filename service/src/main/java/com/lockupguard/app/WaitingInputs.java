package com.lockupguard.app;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of the guard's inputs that its group has not yet decided, and how long the first of each partition has
 * waited, read from the cluster every {@code inputs.waiting.check.interval.ms}: the group's committed positions, the
 * inputs' offsets, and the first record after each position that the guard waits for. What Kafka Streams reports of
 * its own lag is per assigned partition, and gone while a rebalance holds the partitions, which is when orders wait
 * longest; this is the group's, the same from every instance, whoever holds the partitions or none.
 *
 * <p>The guard reads {@code read_committed}: up to a partition's last stable offset. Before it, the first committed
 * record is the one waiting (transaction markers and aborted records take offsets, and are no record to decide).
 * Where none is, but the log goes on past the last stable offset, a transaction still open there holds everything
 * after it from the guard: its first record is the one waiting (a producer that died in a transaction holds a
 * partition until {@code transaction.timeout.ms}, up to 15 minutes).
 */
public final class WaitingInputs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WaitingInputs.class);
    /** How long one look waits for the cluster's answers, and for the first records. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** What one look fetches of a partition: only its first record is read. */
    private static final int FETCH_BYTES = 64 * 1024;

    private final String group;
    private final List<TopicPartition> partitions;
    private final Admin admin;
    private final Duration interval;
    private final WaitingRecords records;
    private final Clock clock;
    private final Reader committed;
    private final Reader uncommitted;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "lockup-guard-waiting-inputs");
        thread.setDaemon(true);
        return thread;
    });
    /** The last look's, empty before the first, after one failed and once closed: not known. */
    private volatile Map<TopicPartition, WaitingRecords.Waiting> waiting = Map.of();
    private boolean failing;
    private volatile boolean closed;

    private WaitingInputs(GuardConfig config, List<TopicPartition> partitions, Duration interval, Clock clock) {
        this.group = config.getString(GuardConfig.APPLICATION_ID_CONFIG);
        this.partitions = partitions;
        this.interval = interval;
        this.records = new WaitingRecords(interval);
        this.clock = clock;
        this.committed = new Reader(config, IsolationLevel.READ_COMMITTED);
        this.uncommitted = new Reader(config, IsolationLevel.READ_UNCOMMITTED);
        this.admin = Admin.create(config.adminProperties());
    }

    /**
     * Looks at the inputs of the guard of {@code config}, which have {@code partitionCount} partitions each, when asked
     * ({@link #look()}) and every {@code inputs.waiting.check.interval.ms} once {@link #start()}ed.
     */
    public static WaitingInputs of(GuardConfig config, int partitionCount, Clock clock) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : config.topicNames().inputs()) {
            for (int partition = 0; partition < partitionCount; partition++) {
                partitions.add(new TopicPartition(topic, partition));
            }
        }
        return new WaitingInputs(config, List.copyOf(partitions),
                Duration.ofMillis(config.getLong(GuardConfig.INPUTS_WAITING_CHECK_INTERVAL_MS_CONFIG)), clock);
    }

    /** The input partitions it looks at. */
    public List<TopicPartition> partitions() {
        return partitions;
    }

    /** Looks now, and every {@code inputs.waiting.check.interval.ms} (not at all when it is 0), in the background. */
    public void start() {
        if (interval.isZero() || closed) {
            return;
        }
        try {
            schedule.scheduleWithFixedDelay(this::lookLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed while it started: nothing to look at any more
        }
    }

    /** Offsets from the group's position on {@code partition} to its end at the last look, NaN when not known. */
    public double lag(TopicPartition partition) {
        return waiting.getOrDefault(partition, WaitingRecords.Waiting.UNKNOWN).lag();
    }

    /** Seconds the first record waiting on {@code partition} had waited at the last look, NaN when not known. */
    public double seconds(TopicPartition partition) {
        return waiting.getOrDefault(partition, WaitingRecords.Waiting.UNKNOWN).seconds();
    }

    private void lookLogged() {
        try {
            look();
            if (failing) {
                failing = false;
                LOG.info("the guard's inputs can be looked at again for records waiting to be decided");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            waiting = Map.of();
            if (!failing && !closed) { // closing interrupts a look
                failing = true;
                LOG.warn("cannot look at the guard's inputs for records waiting to be decided "
                        + "(lockup_guard_input_lag and lockup_guard_input_wait_seconds are NaN until it can): {}",
                        e.toString());
            }
        }
    }

    /**
     * Looks at the inputs once, keeping what it found for {@link #lag} and {@link #seconds}: a partition whose first
     * records could not be read within the look's time is not known.
     */
    public synchronized void look() throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> positions = AdminRequests.retrying(TIMEOUT,
                () -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(OffsetSpec.earliest(),
                IsolationLevel.READ_COMMITTED);
        // the last stable offset, which the guard reads up to, and the end of the log
        Map<TopicPartition, ListOffsetsResultInfo> stable = offsets(OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(OffsetSpec.latest(),
                IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, Long> from = new HashMap<>();
        Map<TopicPartition, long[]> beforeStable = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long start = starts.get(partition).offset();
            long end = ends.get(partition).offset();
            OffsetAndMetadata position = positions.get(partition);
            // no position, one before the first record kept, or one past the end (the topic created again): Kafka
            // Streams reads from the first record kept (auto.offset.reset=earliest)
            long at = position == null || position.offset() < start || position.offset() > end ? start
                    : position.offset();
            from.put(partition, at);
            beforeStable.put(partition, new long[] {at, stable.get(partition).offset()});
        }
        Reader.Found firstCommitted = committed.firstRecords(beforeStable);
        Map<TopicPartition, long[]> afterStable = new HashMap<>();
        beforeStable.forEach((partition, range) -> {
            if (!firstCommitted.records().containsKey(partition) && !firstCommitted.unread().contains(partition)) {
                afterStable.put(partition, new long[] {Math.max(range[0], range[1]), ends.get(partition).offset()});
            }
        });
        Reader.Found firstOpen = uncommitted.firstRecords(afterStable);
        Map<TopicPartition, WaitingRecords.Look> looks = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long offsets = ends.get(partition).offset() - from.get(partition);
            ConsumerRecord<byte[], byte[]> first = firstCommitted.records().getOrDefault(partition,
                    firstOpen.records().get(partition));
            if (firstCommitted.unread().contains(partition) || firstOpen.unread().contains(partition)) {
                looks.put(partition, WaitingRecords.Look.unknown());
            } else if (first == null) {
                looks.put(partition, WaitingRecords.Look.nothingWaiting(offsets));
            } else {
                looks.put(partition, WaitingRecords.Look.waiting(offsets, first.offset(), first.timestamp(),
                        first.timestampType() == TimestampType.LOG_APPEND_TIME));
            }
        }
        waiting = Map.copyOf(records.update(looks, clock.instant()));
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(OffsetSpec spec, IsolationLevel isolation)
            throws InterruptedException {
        Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
        partitions.forEach(partition -> asked.put(partition, spec));
        return AdminRequests.retrying(TIMEOUT, () -> admin.listOffsets(asked, new ListOffsetsOptions(isolation)).all());
    }

    @Override
    public void close() {
        closed = true;
        schedule.shutdownNow();
        try {
            schedule.awaitTermination(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            waiting = Map.of(); // nothing looks any more: not known
            committed.close();
            uncommitted.close();
        }
        admin.close(Duration.ZERO);
    }

    /** Reads the first record of partitions' ranges, at one isolation level; made at its first read. */
    private static final class Reader {

        /** The first records found, and the partitions not read to the end of their range in time. */
        record Found(Map<TopicPartition, ConsumerRecord<byte[], byte[]>> records, Set<TopicPartition> unread) {
        }

        private final Properties properties;
        private KafkaConsumer<byte[], byte[]> consumer;

        Reader(GuardConfig config, IsolationLevel isolation) {
            properties = config.consumerProperties();
            properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
            properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lockup-guard-waiting-inputs-"
                    + isolation.toString().replace('_', '-'));
            properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(FETCH_BYTES));
            // records deleted under a look: read from the first kept, as Kafka Streams would
            properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        }

        /**
         * The first record of each partition in its range ({@code from}, {@code to}), where there is one: each
         * partition is read until it gives one or its position passes the range, for at most the look's time.
         */
        Found firstRecords(Map<TopicPartition, long[]> ranges) {
            Map<TopicPartition, ConsumerRecord<byte[], byte[]>> first = new HashMap<>();
            Set<TopicPartition> reading = new HashSet<>();
            ranges.forEach((partition, range) -> {
                if (range[1] > range[0]) {
                    reading.add(partition);
                }
            });
            if (reading.isEmpty()) {
                return new Found(first, Set.of());
            }
            if (consumer == null) {
                consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
            consumer.assign(reading);
            reading.forEach(partition -> consumer.seek(partition, ranges.get(partition)[0]));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            try {
                while (!reading.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                        if (reading.remove(partition) && record.offset() < ranges.get(partition)[1]) {
                            first.put(partition, record);
                        }
                    }
                    reading.removeIf(partition -> consumer.position(partition, TIMEOUT) >= ranges.get(partition)[1]);
                    Set<TopicPartition> done = new HashSet<>(consumer.assignment());
                    done.removeAll(reading);
                    consumer.pause(done); // the rest of their records is not fetched
                }
            } finally {
                consumer.assign(List.of()); // what it fetched beyond the first records is dropped
            }
            return new Found(first, Set.copyOf(reading));
        }

        void close() {
            if (consumer != null) {
                consumer.close();
            }
        }
    }
}
