package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.lockupguard.testing.CapturedLogs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProduceCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... arguments) {
        CommandLine command = LockupGuardCli.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(arguments);
    }

    @Test
    void shouldSayKafkaCannotBeReachedWithoutAStackTraceAndTheUsageExitCode() throws Exception {
        // given a timeline and a cluster address no resolver knows
        Path timeline = Files.writeString(dir.resolve("t.jsonl"), "{\"type\":\"agreement\",\"investorId\":\"i\","
                + "\"securityId\":\"s\",\"executionDate\":\"2003-04-28\"}\n");
        // when
        int exit = run("produce", timeline.toString(), "--set", "bootstrap.servers=no-such-host.invalid:9092");
        // then one line says what failed, and the exit code is not the one for refused lines
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("cannot produce " + timeline + ": ")
                .contains("bootstrap").doesNotContain("\tat ");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldSayPromptlyAndInOneLineThatNoBrokerListens() throws Exception {
        // given a timeline, a loopback port nothing listens on, and what Kafka's clients log recorded
        Path timeline = Files.writeString(dir.resolve("t.jsonl"), "{\"type\":\"agreement\",\"investorId\":\"i\","
                + "\"securityId\":\"s\",\"executionDate\":\"2003-04-28\"}\n");
        int port = portNothingListensOn();
        CapturedLogs logged = CapturedLogs.of("org.apache.kafka");
        long started = System.nanoTime();
        int exit;
        try (logged) {
            // when
            exit = run("produce", timeline.toString(), "--set", "bootstrap.servers=127.0.0.1:" + port);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // then one line says so, well before the client's own 60 s, and the client's connection warnings stay away
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot produce " + timeline + ": Kafka did not answer within "
                + ProduceCommand.REACH_TIMEOUT.toSeconds() + " s: is bootstrap.servers right and the cluster up?"
                + System.lineSeparator());
        assertThat(took).isLessThan(ProduceCommand.REACH_TIMEOUT.plusSeconds(15));
        assertThat(logged.messagesAtLeast(Level.WARN)).isEmpty();
    }

    @Test
    void shouldWarnThatARegistryInItsOwnMemoryIsNoGuardsElsewhere() throws Exception {
        // given a timeline
        Path timeline = Files.writeString(dir.resolve("t.jsonl"), "{\"type\":\"agreement\",\"investorId\":\"i\","
                + "\"securityId\":\"s\",\"executionDate\":\"2003-04-28\"}\n");

        // when it is produced through an in-memory registry (seen: accepted without a word)
        run("produce", timeline.toString(), "--set", "schema.registry.url=mock://desk", "--set",
                "bootstrap.servers=no-such-host.invalid:9092");

        // then the user is told that no guard in another process can read what it would send
        assertThat(err.toString()).startsWith("warning: schema.registry.url=mock://desk is an in-memory registry in "
                + "this process alone (for tests and replay): the records sent name schema ids of its own")
                .contains("give the guard's registry's URL");
    }

    @Test
    void shouldSayStandardInputIsNotReadRatherThanThatAFileCalledDashIsMissing() {
        // when a user used to `replay -` pipes a timeline to produce so
        int exit = run("produce", "-", "--set", "bootstrap.servers=no-such-host.invalid:9092");

        // then it is told what to give instead, before Kafka is asked anything
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("cannot produce -: `-` (standard input) is not read: give the "
                + "timeline's file, or, for a pipe, /dev/stdin");
    }

    @Test
    void shouldExitWithTheUsageCodeOnARefusedSetting() throws Exception {
        // given a timeline, and a setting the guard refuses
        Path timeline = Files.writeString(dir.resolve("t.jsonl"), "{\"type\":\"agreement\",\"investorId\":\"i\","
                + "\"securityId\":\"s\",\"executionDate\":\"2003-04-28\"}\n");

        // when
        int exit = run("produce", timeline.toString(), "--set", "topics.partitions=0");

        // then the configuration error is named, with the usage exit code, not the one for refused lines
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("cannot produce " + timeline + ": ").contains("topics.partitions");
    }

    @Test
    void shouldSayThatAMissingTimelineDoesNotExist() {
        // given / when
        int exit = run("produce", dir.resolve("nope.jsonl").toString());
        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot produce " + dir.resolve("nope.jsonl") + ": no such file"
                + System.lineSeparator());
    }

    @Test
    void shouldNameATimelineWhoseFileNameHoldsAnEscapeWithoutDrivingTheTerminal() {
        // given a file name holding a terminal's escape sequence and a line break
        String name = dir.resolve("x\u001b]0;owned\u0007\r\ny.jsonl").toString();
        // when
        int exit = run("produce", name);
        // then it is named on one line, the controls written '?' and the break \n
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot produce " + dir.resolve("x?]0;owned?\\ny.jsonl")
                + ": no such file" + System.lineSeparator());
    }

    private static int portNothingListensOn() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
