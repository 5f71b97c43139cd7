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

/** A soak in its own JVM, stopped as Ctrl-C stops it (the JVM's shutdown, here by SIGTERM). */
class SoakShutdownIT {

    @TempDir
    Path tmp;

    @TempDir
    Path logs;

    @Test
    @Timeout(240)
    void shouldStopItsGuardsAndDeleteTheBrokersDataWhenStoppedWhileProducing() throws Exception {
        // given a soak that is producing, its guard instance up
        Path log = logs.resolve("soak.log");
        Process soak = CommandProcess.start(tmp, log, "soak", "--instances", "1", "--duration", "120", "--kills", "0",
                "--bounces", "0", "--holdings", "5", "--rate", "20");
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(log).contains("starting 1 guard instances"));
            // the soak logs that line before it starts the JVM
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> soak.descendants().findAny().isPresent());
            List<ProcessHandle> guards = soak.descendants().toList();
            assertThat(guards).as("the guard JVMs").isNotEmpty();
            // when it is stopped (Ctrl-C)
            soak.destroy();
            // then it stops within the shutdown's bounds, says it did not pass, kills its guards and deletes the
            // brokers' data and the desk's replay state, keeping only its work dir
            assertThat(soak.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(soak.exitValue()).isNotZero();
            assertThat(guards).noneMatch(ProcessHandle::isAlive);
            assertThat(entries(tmp)).as("left in java.io.tmpdir; soak log:%n%s", Files.readString(log))
                    .allMatch(name -> name.startsWith("lockup-guard-soak-"));
            assertThat(Files.readString(log)).contains("SOAK STOPPED").doesNotContain("SOAK PASSED");
        } finally {
            soak.descendants().forEach(ProcessHandle::destroyForcibly);
            soak.destroyForcibly();
        }
    }

    private static List<String> entries(Path dir) throws Exception {
        return CommandProcess.entries(dir, "");
    }
}
