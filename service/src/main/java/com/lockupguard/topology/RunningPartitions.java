package com.lockupguard.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The input partitions whose task runs in this instance now: restored, its processors started, not yet closed.
 * Kafka Streams 4.4 answers interactive queries from the stores of a task it is still restoring (its state updater's
 * tasks count as active, and a task revived after it was corrupted restores while its thread stays RUNNING): a holding
 * on a partition not listed here would be read from stores that do not yet hold what their changelogs say, and
 * answered as unknown, or as it was long ago.
 */
public final class RunningPartitions {

    /**
     * By partition, how many of its tasks' processors are started: a task closing on one thread may overlap its
     * successor starting on another.
     */
    private final Map<Integer, Integer> started = new ConcurrentHashMap<>();

    /** Called as a task of {@code partition} starts its processors (by the topology; public for tests). */
    public void started(int partition) {
        started.merge(partition, 1, Integer::sum);
    }

    /** Called as a task of {@code partition} closes its processors (by the topology; public for tests). */
    public void stopped(int partition) {
        started.computeIfPresent(partition, (p, count) -> count == 1 ? null : count - 1);
    }

    /** Whether the task of {@code partition} runs here, its stores restored. */
    public boolean isRunning(int partition) {
        return started.containsKey(partition);
    }
}
