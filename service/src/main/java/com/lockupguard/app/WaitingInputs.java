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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of the guard's inputs that its group has not yet decided, and how long the first of each partition has
 * waited, read from the cluster every {@code inputs.waiting.check.interval.ms}: the group's committed positions, the
 * inputs' last stable offsets, and the first committed record after each position. What Kafka Streams reports of its
 * own lag is per assigned partition, and gone while a rebalance holds the partitions, which is when orders wait
 * longest; this is the group's, the same from every instance, whoever holds the partitions or none.
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
    private final Properties consumerProperties;
    private final Duration interval;
    private final WaitingRecords records;
    private final Clock clock;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "lockup-guard-waiting-inputs");
        thread.setDaemon(true);
        return thread;
    });
    /** Used by one look at a time, made at the first. */
    private KafkaConsumer<byte[], byte[]> consumer;
    /** The last look's, empty before the first and after one failed: not known. */
    private volatile Map<TopicPartition, WaitingRecords.Waiting> waiting = Map.of();
    private boolean failing;
    private volatile boolean closed;

    private WaitingInputs(GuardConfig config, List<TopicPartition> partitions, Duration interval, Clock clock) {
        this.group = config.getString(GuardConfig.APPLICATION_ID_CONFIG);
        this.partitions = partitions;
        this.interval = interval;
        this.records = new WaitingRecords(interval);
        this.clock = clock;
        this.consumerProperties = config.consumerProperties();
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProperties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lockup-guard-waiting-inputs");
        consumerProperties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(FETCH_BYTES));
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
        if (!interval.isZero()) {
            schedule.scheduleWithFixedDelay(this::lookLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Offsets of committed records waiting on {@code partition} after the last look, NaN when not known. */
    public double lag(TopicPartition partition) {
        WaitingRecords.Waiting found = waiting.get(partition);
        return found == null ? Double.NaN : found.lag();
    }

    /** Seconds the first record waiting on {@code partition} had waited at the last look, NaN when not known. */
    public double seconds(TopicPartition partition) {
        WaitingRecords.Waiting found = waiting.get(partition);
        return found == null ? Double.NaN : found.seconds();
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

    /** Looks at the inputs once, keeping what it found for {@link #lag} and {@link #seconds}. */
    public synchronized void look() throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> positions = AdminRequests.retrying(TIMEOUT,
                () -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(OffsetSpec.earliest());
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(OffsetSpec.latest());
        Map<TopicPartition, long[]> behind = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata position = positions.get(partition);
            // a position before the first record kept reads from the first, as Kafka Streams would
            long from = Math.max(position == null ? 0 : position.offset(), starts.get(partition).offset());
            behind.put(partition, new long[] {from, ends.get(partition).offset()});
        }
        Map<TopicPartition, ConsumerRecord<byte[], byte[]>> first = firstRecords(behind);
        Map<TopicPartition, WaitingRecords.Look> looks = new HashMap<>();
        behind.forEach((partition, range) -> {
            long offsets = Math.max(0, range[1] - range[0]);
            ConsumerRecord<byte[], byte[]> record = first.get(partition);
            looks.put(partition, record == null ? WaitingRecords.Look.nothingWaiting(offsets)
                    : new WaitingRecords.Look(offsets, record.offset(), record.timestamp()));
        });
        waiting = Map.copyOf(records.update(looks, clock.instant()));
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(OffsetSpec spec) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
        partitions.forEach(partition -> asked.put(partition, spec));
        return AdminRequests.retrying(TIMEOUT,
                () -> admin.listOffsets(asked, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
    }

    /**
     * The first committed record of each partition in its range ({@code from}, {@code to}), where there is one: each
     * partition is read until it gives one or its position passes the range.
     */
    private Map<TopicPartition, ConsumerRecord<byte[], byte[]>> firstRecords(Map<TopicPartition, long[]> ranges) {
        Map<TopicPartition, ConsumerRecord<byte[], byte[]>> first = new HashMap<>();
        Set<TopicPartition> reading = new HashSet<>();
        ranges.forEach((partition, range) -> {
            if (range[1] > range[0]) {
                reading.add(partition);
            }
        });
        if (reading.isEmpty()) {
            return first;
        }
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        }
        consumer.assign(reading);
        reading.forEach(partition -> consumer.seek(partition, ranges.get(partition)[0]));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (!reading.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the first waiting records of " + reading
                            + " took longer than " + TIMEOUT.toSeconds() + " s");
                }
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
        return first;
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
            if (consumer != null) {
                consumer.close();
            }
        }
        admin.close(Duration.ZERO);
    }
}
