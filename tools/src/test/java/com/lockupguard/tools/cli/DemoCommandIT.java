package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.cli.LockupGuardCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo on its real broker, in a JVM of its own (it sets its log levels for good), when its guard cannot start or
 * its timeline cannot be sent.
 */
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

    @Test
    @Timeout(150)
    void shouldSendNothingAndExitAsProduceDoesWhenTheBrokerWouldRefuseSomeOfTheTimeline() throws Exception {
        // given a timeline with an order stamped in 2099, further ahead than the broker takes (an hour by default)
        Path timeline = tmp.resolve("future.jsonl");
        Files.writeString(timeline, """
                {"type":"agreement","at":"2003-04-28T09:00:00-04:00","investorId":"inv","securityId":"SEC",\
                "executionDate":"2003-04-28"}
                {"type":"order","at":"2099-07-11T09:45:00-04:00","orderId":"o-1","investorId":"inv",\
                "securityId":"SEC","kind":"PUBLIC_SALE","quantity":1}
                """);
        Path log = logs.resolve("demo-future.log");
        Process demo = CommandProcess.start(tmp, log, "demo", "--timeline", timeline.toString());
        try {
            // when it is run to its end
            assertThat(demo.waitFor(120, TimeUnit.SECONDS)).isTrue();

            // then nothing is sent, the record and its fix are said, and the exit code is produce's for it
            String output = Files.readString(log);
            assertThat(demo.exitValue()).as(output).isEqualTo(LockupGuardCli.EXIT_REFUSED);
            assertThat(output).contains("not sent: 1 record(s) for topic 'orders' (first at line 2) are stamped more "
                    + "than message.timestamp.after.max.ms=3600000 ahead", "nothing was sent", "stopped after")
                    .doesNotContain("orders decided");
        } finally {
            demo.destroyForcibly();
        }
    }
}
