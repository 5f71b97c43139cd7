package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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
    void shouldSayThatAMissingTimelineDoesNotExist() {
        // given / when
        int exit = run("produce", dir.resolve("nope.jsonl").toString());
        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot produce " + dir.resolve("nope.jsonl") + ": no such file"
                + System.lineSeparator());
    }
}
