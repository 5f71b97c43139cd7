package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A replay of standard input in its own JVM, stopped as Ctrl-C stops it (the JVM's shutdown, here by SIGTERM). */
class ReplayShutdownIT {

    /** The exit status of a JVM that SIGTERM shut down: 128 + 15. */
    private static final int STOPPED_BY_SIGTERM = 143;

    @TempDir
    Path tmp;

    @TempDir
    Path logs;

    @Test
    @Timeout(120)
    void shouldStopPromptlyWhenSignalledWhileWaitingForTheNextLineOnStandardInput() throws Exception {
        // given a replay of stdin that has answered every line sent so far and waits, blocked, for the next one
        Path log = logs.resolve("replay.log");
        Process replay = CommandProcess.start(tmp, log, "replay", "-");
        try {
            OutputStream stdin = replay.getOutputStream();
            stdin.write(Files.readAllBytes(Path.of("examples/letter-2003.jsonl")));
            stdin.flush(); // and left open: a live stream with nothing more to say yet
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.readString(log, StandardCharsets.UTF_8).lines()
                            .filter(line -> line.startsWith("{\"orderId\":")).count() == 11);
            // when it is stopped (Ctrl-C) while its stdin stays open (Process.destroy would also close the pipe,
            // which a writer such as tail -f does not)
            replay.toHandle().destroy();
            // then it stops at once (tens of milliseconds; 4 s allows a loaded machine), as a replay stopped between
            // two lines of a file does, instead of the JVM giving up on it after the shutdown's 5 s
            assertThat(replay.waitFor(4, TimeUnit.SECONDS)).as("stopped within 4 s; replay log:%n%s",
                    Files.readString(log)).isTrue();
            assertThat(replay.exitValue()).isEqualTo(STOPPED_BY_SIGTERM);
            assertThat(Files.readString(log)).contains("replay stopped by a signal after line "
                    + Files.readAllLines(Path.of("examples/letter-2003.jsonl")).size()
                    + ": the output answers the lines up to it")
                    .doesNotContain("still closing").doesNotContain("cannot replay");
        } finally {
            replay.destroyForcibly();
        }
    }
}
