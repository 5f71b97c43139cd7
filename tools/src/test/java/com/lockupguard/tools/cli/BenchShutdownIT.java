package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A bench in its own JVM, stopped as Ctrl-C stops it (the JVM's shutdown, here by SIGTERM). */
class BenchShutdownIT {

    @TempDir
    Path tmp;

    @TempDir
    Path logs;

    @Test
    @Timeout(240)
    void shouldDeleteTheBrokersDataAndTheStateAndPrintNoRatioWhenStoppedMidRun() throws Exception {
        // given a bench that has started its rounds
        Path log = logs.resolve("bench.log");
        Process bench = CommandProcess.start(tmp, log, "bench", "--quick", "--api-requests", "0");
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(log).contains("topology     round"));
            assertThat(entries(tmp)).as("the bench's temporary directories").isNotEmpty();
            // when it is stopped (Ctrl-C)
            bench.destroy();
            // then it closed before the JVM halted: the broker's data and the state are gone, and no ratio line
            // was printed for a script to take as the result
            assertThat(bench.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(entries(tmp)).as("left in java.io.tmpdir; bench log:%n%s", Files.readString(log)).isEmpty();
            assertThat(Files.readString(log)).doesNotContain("guard/passthrough");
        } finally {
            bench.destroyForcibly();
        }
    }

    @Test
    @Timeout(240)
    void shouldStopBetweenTwoRequestsAndDeleteTheBrokersDataWhenStoppedInTheApiPhase() throws Exception {
        // given a short bench whose rounds are done, timing thousands of requests to the pre-trade API
        Path log = logs.resolve("bench-api.log");
        Process bench = CommandProcess.start(tmp, log, "bench", "--rounds", "1", "--backlog", "2000", "--holdings",
                "50", "--latency-seconds", "3", "--api-requests", "20000");
        try {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(log).lines().anyMatch(line -> line.startsWith("guard ")
                            && line.contains(" 1 ")));
            Thread.sleep(3_000); // the API's guard starting, or its requests under way
            // when it is stopped (Ctrl-C)
            bench.destroy();
            // then it stopped between two requests, well within the 60 s the JVM waits for its close, and closed
            // before the JVM halted: the broker's data and the state are gone
            assertThat(bench.waitFor(50, TimeUnit.SECONDS)).as("stopped within 50 s").isTrue();
            assertThat(entries(tmp)).as("left in java.io.tmpdir; bench log:%n%s", Files.readString(log)).isEmpty();
            assertThat(Files.readString(log)).doesNotContain("still closing").doesNotContain("POST /api/orders");
        } finally {
            bench.destroyForcibly();
        }
    }

    @Test
    @Timeout(240)
    void shouldDeleteTheBrokersDataAndTheStateWhenTheRestoreBenchmarkIsStopped() throws Exception {
        // given a restore benchmark on its way to writing the changelogs of many holdings
        Path log = logs.resolve("restore.log");
        Process bench = CommandProcess.start(tmp, log, "bench", "--restore-holdings", "2000000");
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> entries(tmp).stream().anyMatch(name -> name.startsWith("lockup-guard-restore-"))
                            && entries(tmp).stream().anyMatch(name -> name.startsWith("lockup-guard-kafka-")));
            // when it is stopped (Ctrl-C)
            bench.destroy();
            // then its broker's data and its state are gone, and no figures were printed
            assertThat(bench.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(entries(tmp)).as("left in java.io.tmpdir; bench log:%n%s", Files.readString(log)).isEmpty();
            assertThat(Files.readString(log)).contains("bench stopped").doesNotContain("restored records/s");
        } finally {
            bench.destroyForcibly();
        }
    }

    private static List<String> entries(Path dir) throws Exception {
        return CommandProcess.entries(dir, "lockup-guard-");
    }
}
