package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LockupGuardCliTest {

    @Test
    void shouldPrintTheVersionForEveryCommand() {
        CommandLine guard = LockupGuardCli.commandLine();
        for (String command : guard.getSubcommands().keySet()) {
            if (command.equals("help")) {
                continue; // picocli's: help --version is help on a command named --version
            }
            // given a fresh command line, as main builds one
            StringWriter out = new StringWriter();
            CommandLine commandLine = LockupGuardCli.commandLine();
            commandLine.setOut(new PrintWriter(out));
            // when a command is asked its version
            int exit = LockupGuardCli.execute(commandLine, new String[] {command, "--version"});
            // then it says the jar's, as the guard itself does (it printed an empty line)
            assertThat(exit).as(command).isZero();
            assertThat(out.toString()).as(command).isEqualTo("lockup-guard development" + System.lineSeparator());
        }
    }

    @Test
    void shouldFailWithTheUsageCodeWhenStandardOutputStopsTakingWhatIsPrinted() {
        for (String command : new String[] {"schemas", "config"}) {
            // given an output that refuses every write, as a full disk does
            StringWriter err = new StringWriter();
            CommandLine commandLine = LockupGuardCli.commandLine();
            commandLine.setOut(new PrintWriter(new FullDisk(), true));
            commandLine.setErr(new PrintWriter(err));
            // when
            int exit = LockupGuardCli.execute(commandLine, new String[] {command});
            // then the command does not pass for having written its output
            assertThat(exit).as(command).isEqualTo(LockupGuardCli.EXIT_USAGE);
            assertThat(err.toString()).as(command).isEqualTo("cannot write the output: standard output stopped "
                    + "taking it (closed, or its disk full), and what was written ends early" + System.lineSeparator());
        }
    }

    @Test
    void shouldNotSayTwiceThatTheOutputStoppedWhenTheCommandSaidSoItself() {
        // given a command that meets a full disk and reports it itself, with the usage code
        StringWriter err = new StringWriter();
        CommandLine commandLine = LockupGuardCli.configured(new CommandLine(new ReportsItsOwnLostOutput()));
        commandLine.setOut(new PrintWriter(new FullDisk(), true));
        commandLine.setErr(new PrintWriter(err));
        // when
        int exit = LockupGuardCli.execute(commandLine, new String[0]);
        // then its own message stands alone
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("its own message" + System.lineSeparator());
    }

    @CommandLine.Command(name = "reports")
    static final class ReportsItsOwnLostOutput implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println("an answer");
            spec.commandLine().getErr().println("its own message");
            return LockupGuardCli.EXIT_USAGE;
        }
    }

    /** A writer that refuses every write, as standard output on a full disk or a closed pipe does. */
    private static final class FullDisk extends Writer {
        @Override
        public void write(char[] text, int offset, int length) throws IOException {
            throw new IOException("No space left on device");
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
