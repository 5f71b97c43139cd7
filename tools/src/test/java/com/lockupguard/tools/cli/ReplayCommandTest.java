package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.cli.LockupGuardCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReplayCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = LockupGuardTools.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return commandLine.execute(args);
    }

    @Test
    void shouldPrintOneDecisionPerOrderAndExitZero() {
        int exit = run("replay", "examples/letter-2003.jsonl");
        assertThat(exit).isZero();
        assertThat(out.toString().lines()).hasSize(11).allSatisfy(l -> assertThat(l).startsWith("{\"orderId\":"));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldExitNonZeroWhenALineCannotBeRead() throws Exception {
        Path timeline = Files.writeString(dir.resolve("t.jsonl"), "garbage\n");
        assertThat(run("replay", timeline.toString())).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
        assertThat(err.toString()).contains("line 1: skipped");
    }

    @Test
    void shouldExitWithUsageCodeForMissingFile() {
        assertThat(run("replay", dir.resolve("missing.jsonl").toString())).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("cannot replay");
    }

    @Test
    void shouldAcceptModeSpelledAsInTheIssue() {
        assertThat(run("replay", "--mode", "cumulative", "examples/letter-2003.jsonl")).isZero();
        assertThat(run("replay", "--mode", "non-cumulative", "examples/letter-2003.jsonl")).isZero();
        assertThat(run("replay", "--mode", "rolling", "examples/letter-2003.jsonl")).isEqualTo(2);
    }
}
