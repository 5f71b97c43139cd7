package com.lockupguard.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CpuClockTest {

    private static final long BUSY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /**
     * How far the process's CPU time may fall short of the CPU used between two readings. The JVM reads it on
     * Linux with times(2): user and system time, each cut down to whole clock ticks of 10 ms, so up to two ticks.
     * One CI run read 190 ms over a thread's 200 ms spin.
     */
    private static final long PROCESS_CPU_SHORTFALL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    @Test
    void shouldCountEachThreadsCpuUnderTheRoleItsNameSays() throws Exception {
        // given a clock started before three busy threads: the benchmarked application's stream thread, a broker
        // request handler, and a stream thread of another application
        CpuClock clock = CpuClock.start("bench-guard-1-");

        // when each burns the same CPU time
        CountDownLatch measured = new CountDownLatch(1);
        runBusy(measured, "bench-guard-1-0a1b-StreamThread-1", "data-plane-kafka-request-handler-3",
                "bench-passthrough-1-0a1b-StreamThread-1");
        CpuClock.Usage usage = clock.stop();
        measured.countDown();

        // then the stream thread and the broker thread are counted once each, the other application under neither
        assertThat(usage.streamThreadNanos()).isBetween(BUSY_NANOS, BUSY_NANOS * 3 / 2);
        assertThat(usage.brokerNanos()).isBetween(BUSY_NANOS, BUSY_NANOS * 3 / 2);
        assertThat(usage.processNanos()).isGreaterThan(3 * BUSY_NANOS - PROCESS_CPU_SHORTFALL_NANOS);
    }

    @Test
    void shouldCountOnlyTheCpuUsedSinceTheClockStarted() throws Exception {
        // given the stream thread, busy before the clock starts (it decided the first batch), and busy again after
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch busyBefore = new CountDownLatch(1);
        CountDownLatch busyAfter = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        Thread stream = new Thread(() -> {
            spin();
            busyBefore.countDown();
            await(started);
            spin();
            busyAfter.countDown();
            await(measured);
        }, "bench-guard-1-0a1b-StreamThread-1");
        stream.setDaemon(true);
        stream.start();
        assertThat(busyBefore.await(30, TimeUnit.SECONDS)).isTrue();
        long processBefore = processCpuNow();

        // when the clock runs over its second spin only
        CpuClock clock = CpuClock.start("bench-guard-1-");
        started.countDown();
        assertThat(busyAfter.await(30, TimeUnit.SECONDS)).isTrue();
        CpuClock.Usage usage = clock.stop();
        long processAfter = processCpuNow();
        measured.countDown();

        // then the thread's CPU before the start is not counted, nor the process's
        assertThat(usage.streamThreadNanos()).isBetween(BUSY_NANOS, BUSY_NANOS * 3 / 2);
        assertThat(usage.processNanos()).isGreaterThan(BUSY_NANOS - PROCESS_CPU_SHORTFALL_NANOS)
                .isLessThanOrEqualTo(processAfter - processBefore);
    }

    @Test
    void shouldCountTheBrokersTransactionMarkerAndNetworkThreadsButNotTheControllers() throws Exception {
        // given a clock started before a transaction marker sender, a broker network thread and a controller's
        CpuClock clock = CpuClock.start("bench-guard-1-");

        // when each burns the same CPU time
        CountDownLatch measured = new CountDownLatch(1);
        runBusy(measured, "TxnMarkerSenderThread-1", "data-plane-kafka-network-thread-1-PLAINTEXT-PLAINTEXT-0",
                "data-plane-kafka-network-thread-1-CONTROLLER-PLAINTEXT-0");
        CpuClock.Usage usage = clock.stop();
        measured.countDown();

        // then the two broker threads are counted, the controller's is not
        assertThat(usage.brokerNanos()).isBetween(2 * BUSY_NANOS, BUSY_NANOS * 5 / 2);
        assertThat(usage.streamThreadNanos()).isZero();
    }

    private static void spin() {
        long start = cpuNow();
        while (cpuNow() - start < BUSY_NANOS) {
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long processCpuNow() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Starts a thread per name, each spinning until it has used {@link #BUSY_NANOS} of CPU, and waits for all; they
     * stay alive until {@code measured}, since the clock reads the threads that are alive.
     */
    private static void runBusy(CountDownLatch measured, String... names) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(names.length);
        for (String name : names) {
            Thread thread = new Thread(() -> {
                long start = cpuNow();
                while (cpuNow() - start < BUSY_NANOS) {
                    Thread.onSpinWait();
                }
                done.countDown();
                try {
                    measured.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    }

    private static long cpuNow() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
