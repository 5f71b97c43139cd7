package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo on its real broker, in a JVM of its own (it sets its log levels for good), when its guard cannot start. */
class DemoCommandIT {

    @TempDir
    Path tmp;

    @TempDir
    Path logs;

    @Test
    @Timeout(150)
    void shouldSayWhyTheGuardCouldNotStartAsRunSaysIt() throws Exception {
        // given a demo whose guard is sent to a registry nobody serves (with credentials), asking it once
        Path log = logs.resolve("demo.log");
        Process demo = CommandProcess.start(tmp, log, "demo",
                "--set", "schema.registry.url=http://demo-user:demo-secret@127.0.0.1:1", "--set", "max.retries=0");
        try {
            // when it is run to its end
            assertThat(demo.waitFor(120, TimeUnit.SECONDS)).isTrue();

            // then the guard's start fails with one line saying why, credentials masked, instead of a stack trace;
            // and the demo still stops what it started
            String output = Files.readString(log);
            assertThat(demo.exitValue()).as(output).isEqualTo(1);
            assertThat(output).contains("starting the guard", "cannot start: schema registry unavailable",
                    "127.0.0.1:1", "stopped after").doesNotContain("demo-secret").doesNotContain("\tat ");
        } finally {
            demo.destroyForcibly();
        }
    }
}
