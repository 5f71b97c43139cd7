package com.lockupguard.app;

import com.lockupguard.topology.EmptiedStateRepair;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs and counts state restored from changelog topics, what an operator watches after losing a disk, and has a task
 * restored into an empty store from the middle of its changelog rebuilt ({@link EmptiedStateRepair}).
 */
final class RestoreProgress implements StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);

    private final AtomicLong restoredRecords = new AtomicLong();
    private final EmptiedStateRepair emptiedState;

    RestoreProgress(EmptiedStateRepair emptiedState) {
        this.emptiedState = emptiedState;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        LOG.info("restoring {} from {} offsets {} to {}", storeName, partition, startingOffset, endingOffset);
        emptiedState.restoreStarting(storeName, partition.partition(), startingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        restoredRecords.addAndGet(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        LOG.info("restored {} from {}: {} records", storeName, partition, totalRestored);
    }

    long restoredRecords() {
        return restoredRecords.get();
    }

    long rebuiltTasks() {
        return emptiedState.rebuiltTasks();
    }
}
