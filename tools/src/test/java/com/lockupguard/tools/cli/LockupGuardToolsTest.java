package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.cli.LockupGuardCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LockupGuardToolsTest {

    @Test
    void shouldOfferEveryCommandOfTheServiceInTheJar() {
        // given the service's own command line, and the jar's, which adds the tools
        var service = LockupGuardCli.commandLine().getSubcommands().keySet();

        // when / then
        assertThat(LockupGuardTools.commandLine().getSubcommands().keySet()).containsAll(service);
    }

    @Test
    void shouldExplainAndRefuseAReplayAsTheWholeCommandLineDoes() {
        for (String[] args : List.of(new String[] {"replay", "--help"}, new String[] {"replay", "--mode", "sideways",
                "x.jsonl"}, new String[] {"replay", "--no-such-option", "x.jsonl"}, new String[] {"replay", "a", "b"},
                new String[] {"replay", "--mode", "CUMULATIVE", "--positions"}, new String[] {"replay", "--version"},
                new String[] {"replay", "-V"})) {
            // given a replay's arguments, run by the command line main builds for them and by the whole one
            StringWriter fastOut = new StringWriter();
            StringWriter fastErr = new StringWriter();
            StringWriter wholeOut = new StringWriter();
            StringWriter wholeErr = new StringWriter();
            // when
            int fast = run(LockupGuardTools.commandLineFor(args), fastOut, fastErr, args);
            int whole = run(LockupGuardTools.commandLine(), wholeOut, wholeErr, args);
            // then both answer alike: usage, errors and exit code
            assertThat(fast).as(String.join(" ", args)).isEqualTo(whole);
            assertThat(fastOut.toString()).as(String.join(" ", args)).isEqualTo(wholeOut.toString());
            assertThat(fastErr.toString()).as(String.join(" ", args)).isEqualTo(wholeErr.toString());
        }
        // and the version is the jar's, the usage the command's under the tools' name
        StringWriter version = new StringWriter();
        run(LockupGuardTools.commandLineFor(new String[] {"replay", "-V"}), version, new StringWriter(), "replay",
                "-V");
        assertThat(version.toString()).startsWith("lockup-guard ");
        StringWriter out = new StringWriter();
        run(LockupGuardTools.commandLineFor(new String[] {"replay", "--help"}), out, new StringWriter(), "replay",
                "--help");
        assertThat(out.toString()).startsWith("Usage: lockup-guard replay ");
    }

    @Test
    void shouldPrintTheVersionForEveryToolsCommand() {
        for (String command : LockupGuardTools.commandLine().getSubcommands().keySet()) {
            if (command.equals("help")) {
                continue; // picocli's: help --version is help on a command named --version
            }
            StringWriter out = new StringWriter();
            assertThat(run(LockupGuardTools.commandLineFor(new String[] {command}), out, new StringWriter(), command,
                    "--version")).as(command).isZero();
            assertThat(out.toString()).as(command).startsWith("lockup-guard ");
        }
    }

    @Test
    void shouldGiveACommandsUsageWhenAskedForHelpOnIt() {
        // given
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // when
        int exit = run(LockupGuardTools.commandLineFor(new String[] {"help", "replay"}), out, err, "help", "replay");
        // then it is the usage replay --help prints
        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("Usage: lockup-guard replay ");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldBuildTheWholeCommandLineForAnyOtherCommand() {
        assertThat(LockupGuardTools.commandLineFor(new String[] {"bench", "--quick"}).getSubcommands())
                .containsKeys("run", "replay", "bench", "config");
        assertThat(LockupGuardTools.commandLineFor(new String[0]).getSubcommands()).containsKey("replay");
        assertThat(LockupGuardTools.commandLineFor(new String[] {"replay"}).getSubcommands().keySet())
                .containsExactly("replay");
    }

    private static int run(CommandLine commandLine, StringWriter out, StringWriter err, String... args) {
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return exit;
    }
}
