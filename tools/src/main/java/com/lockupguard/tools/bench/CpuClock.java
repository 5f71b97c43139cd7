package com.lockupguard.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time over a stretch of a benchmark: of the whole process, of the stream threads of one
 * Kafka Streams application (threads named {@code <client id prefix>...-StreamThread-<n>}), and
 * of the broker's request handler, network and transaction marker threads (the broker runs in
 * this process).
 *
 * <p>The process's figure steps by clock ticks on Linux (the JVM reads it with times(2): user and
 * system time, each in ticks of 10 ms), so a stretch's figure may fall short by up to 20 ms (2% of
 * a one-second stretch); the threads' figures are exact to the nanosecond.
 */
final class CpuClock {

    /** CPU time used between {@link #start} and {@link #stop}, in nanoseconds. */
    record Usage(long processNanos, long streamThreadNanos, long brokerNanos) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String threadPrefix;
    private final long processStart;
    private final Map<Long, Long> threadStarts;

    private CpuClock(String threadPrefix) {
        this.threadPrefix = threadPrefix;
        this.processStart = processCpuNanos();
        this.threadStarts = threadCpu();
    }

    static CpuClock start(String threadPrefix) {
        return new CpuClock(threadPrefix);
    }

    Usage stop() {
        long stream = 0;
        long broker = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            long now = THREADS.getThreadCpuTime(thread.getId());
            if (now < 0) {
                continue; // ended since it was listed
            }
            long used = now - threadStarts.getOrDefault(thread.getId(), 0L);
            if (isStreamThread(thread.getName())) {
                stream += used;
            } else if (isBrokerThread(thread.getName())) {
                broker += used;
            }
        }
        return new Usage(processCpuNanos() - processStart, stream, broker);
    }

    private boolean isStreamThread(String name) {
        return name.startsWith(threadPrefix) && name.matches(".*-StreamThread-\\d+");
    }

    /**
     * The threads that serve clients' requests: appends, fetches, transaction markers (a KRaft
     * broker names them so); not the controller's or the log cleaner's.
     */
    private static boolean isBrokerThread(String name) {
        return name.startsWith("data-plane-kafka-request-handler-") || name.startsWith("TxnMarkerSenderThread-")
                || name.startsWith("data-plane-kafka-network-thread-") && !name.contains("-CONTROLLER-");
    }

    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            cpu.put(thread.getId(), Math.max(0, THREADS.getThreadCpuTime(thread.getId())));
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
