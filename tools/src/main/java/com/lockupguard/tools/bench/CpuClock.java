package com.lockupguard.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time over a stretch of a benchmark: of the whole process, and of the stream threads of one
 * Kafka Streams application (threads named {@code <client id prefix>...-StreamThread-<n>}).
 */
final class CpuClock {

    /** CPU time used between {@link #start} and {@link #stop}, in nanoseconds. */
    record Usage(long processNanos, long streamThreadNanos) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String threadPrefix;
    private final long processStart;
    private final Map<Long, Long> threadStarts;

    private CpuClock(String threadPrefix) {
        this.threadPrefix = threadPrefix;
        this.processStart = processCpuNanos();
        this.threadStarts = streamThreadCpu();
    }

    static CpuClock start(String threadPrefix) {
        return new CpuClock(threadPrefix);
    }

    Usage stop() {
        long threads = 0;
        for (Map.Entry<Long, Long> thread : streamThreadCpu().entrySet()) {
            threads += thread.getValue() - threadStarts.getOrDefault(thread.getKey(), 0L);
        }
        return new Usage(processCpuNanos() - processStart, threads);
    }

    private Map<Long, Long> streamThreadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (name.startsWith(threadPrefix) && name.matches(".*-StreamThread-\\d+")) {
                cpu.put(thread.getId(), Math.max(0, THREADS.getThreadCpuTime(thread.getId())));
            }
        }
        return cpu;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
