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

/** The demo in its own JVM, stopped as Ctrl-C stops it (the JVM's shutdown, here by SIGTERM). */
class DemoShutdownIT {

    @TempDir
    Path tmp;

    @TempDir
    Path logs;

    @Test
    @Timeout(180)
    void shouldDeleteTheBrokersDataAndTheStateWhenStoppedHalfwayThrough() throws Exception {
        // given a demo (without --keep-running) whose broker is up and whose guard is starting
        Path log = logs.resolve("demo.log");
        Process demo = CommandProcess.start(tmp, log, "demo");
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("starting the guard"));
            assertThat(entries(tmp)).as("the demo's temporary directories").isNotEmpty();
            // when it is stopped (Ctrl-C)
            demo.destroy();
            assertThat(demo.waitFor(90, TimeUnit.SECONDS)).isTrue();
            // then it closed before the JVM halted: its broker's data and its state are gone
            assertThat(entries(tmp)).as("left in java.io.tmpdir; demo log:%n%s", Files.readString(log)).isEmpty();
        } finally {
            demo.destroyForcibly();
        }
    }

    @Test
    @Timeout(180)
    void shouldDeleteItsEndpointsFileWhenItEnds() throws Exception {
        // given a demo that writes its endpoints for a script, its dashboard on any free port
        Path endpoints = logs.resolve("demo.endpoints.json");
        Path log = logs.resolve("demo-ends.log");
        Process demo = CommandProcess.start(tmp, log, "demo", "--endpoints-file", endpoints.toString(),
                "--http-port", "0");
        try {
            // when it ends by itself
            assertThat(demo.waitFor(150, TimeUnit.SECONDS)).isTrue();
            // then its endpoints, of a broker that is gone, went with it
            assertThat(demo.exitValue()).as("demo log:%n%s", Files.readString(log)).isZero();
            assertThat(endpoints).doesNotExist();
            // and the port taken was said while the dashboard was up (without --keep-running, nowhere else)
            assertThat(Files.readString(log))
                    .containsPattern("RUNNING, dashboard at http://127\\.0\\.0\\.1:[1-9][0-9]*/");
        } finally {
            demo.destroyForcibly();
        }
    }

    @Test
    @Timeout(180)
    void shouldDeleteItsEndpointsFileWhenStoppedWhileKeptRunning() throws Exception {
        // given a demo kept running, its endpoints written
        Path endpoints = logs.resolve("demo.endpoints.json");
        Path log = logs.resolve("demo-kept.log");
        Process demo = CommandProcess.start(tmp, log, "demo", "--keep-running", "--http-port", "0",
                "--endpoints-file", endpoints.toString());
        try {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("running until Ctrl-C"));
            assertThat(endpoints).content().contains("bootstrapServers");
            // when it is stopped (Ctrl-C)
            demo.destroy();
            assertThat(demo.waitFor(90, TimeUnit.SECONDS)).isTrue();
            // then its endpoints went with it
            assertThat(endpoints).as("demo log:%n%s", Files.readString(log)).doesNotExist();
        } finally {
            demo.destroyForcibly();
        }
    }

    private static List<String> entries(Path dir) throws Exception {
        return CommandProcess.entries(dir, "lockup-guard-");
    }
}
