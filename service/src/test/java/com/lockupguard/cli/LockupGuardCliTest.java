package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    void shouldLeaveAFailedCommandItsOwnExitCodeAndMessageWhenItsOutputStoppedToo() {
        for (int code : new int[] {LockupGuardCli.EXIT_USAGE, LockupGuardCli.EXIT_REFUSED}) {
            // given a command that meets a full disk and fails, saying why itself (the replay, produce)
            StringWriter err = new StringWriter();
            CommandLine commandLine = LockupGuardCli.configured(new CommandLine(new FailsSayingWhy(code)));
            commandLine.setOut(new PrintWriter(new FullDisk(), true));
            commandLine.setErr(new PrintWriter(err));
            // when
            int exit = LockupGuardCli.execute(commandLine, new String[0]);
            // then its own code and message stand alone
            assertThat(exit).isEqualTo(code);
            assertThat(err.toString()).isEqualTo("its own message" + System.lineSeparator());
        }
    }

    @Test
    void shouldSayInOneLineThatTheHeapRanOutRatherThanPrintAStackTrace() {
        // given a command that runs out of memory (a replay of a large timeline under a small -Xmx)
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = LockupGuardCli.configured(new CommandLine(new RunsOutOfMemory()));
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        // when
        int exit = LockupGuardCli.execute(commandLine, new String[0]);
        // then what it printed is flushed, one line says what happened and what to do, with the usage exit code
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(out.toString()).isEqualTo("an answer" + System.lineSeparator());
        assertThat(err.toString()).startsWith("out of memory: the JVM's heap (at most ")
                .endsWith(" MiB) was too small for this command, which stopped where it was (what it wrote or sent, "
                        + "if anything, ends there): give it more (java -Xmx...)" + System.lineSeparator());
    }

    @Test
    void shouldTakeAnArgumentBeginningWithAnAtSignAsItIsNotAsAFileOfArguments(@TempDir Path folder)
            throws IOException {
        // given a file that names another (seen: the replay of a timeline named @day.jsonl replayed the file that
        // day.jsonl beside it named, exit 0; a large day.jsonl held the command for minutes)
        Path day = Files.writeString(folder.resolve("day.jsonl"), folder.resolve("other.jsonl") + "\n");
        TakesAFile command = new TakesAFile();

        // when a command is given an argument that is @ and that file's name
        int exit = LockupGuardCli.execute(LockupGuardCli.configured(new CommandLine(command)),
                new String[] {"@" + day});

        // then it is given the argument as it was written, a name like any other
        assertThat(exit).isZero();
        assertThat(command.file).isEqualTo("@" + day);
    }

    @Test
    void shouldNotEchoASettingsValueWithAnUnbalancedQuoteToStandardError() {
        // given a setting whose value holds one quote, a password's, say (seen: picocli's tracing quoted it whole on
        // standard error, twice), and picocli's tracing as a start leaves it
        System.clearProperty("picocli.trace");
        PrintStream standardError = System.err;
        ByteArrayOutputStream traced = new ByteArrayOutputStream();
        TakesSettings command = new TakesSettings();
        try {
            System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
            // when a command takes it
            int exit = LockupGuardCli.execute(LockupGuardCli.configured(new CommandLine(command)),
                    new String[] {"--set", "api.token=tok\"S3cretS3cretS3cret"});

            // then it is taken as written, and nothing quotes it
            assertThat(exit).isZero();
            assertThat(command.settings).containsEntry("api.token", "tok\"S3cretS3cretS3cret");
        } finally {
            System.setErr(standardError);
        }
        assertThat(traced.toString(StandardCharsets.UTF_8)).doesNotContain("S3cret");
    }

    @CommandLine.Command(name = "takes-settings")
    static final class TakesSettings implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Option(names = "--set")
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

        @Override
        public Integer call() {
            return 0;
        }
    }

    @CommandLine.Command(name = "takes-a-file")
    static final class TakesAFile implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Parameters(index = "0")
        String file;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @CommandLine.Command(name = "runs-out")
    static final class RunsOutOfMemory implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print("an answer" + System.lineSeparator());
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @CommandLine.Command(name = "fails")
    static final class FailsSayingWhy implements java.util.concurrent.Callable<Integer> {
        private final int exitCode;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        FailsSayingWhy(int exitCode) {
            this.exitCode = exitCode;
        }

        @Override
        public Integer call() {
            spec.commandLine().getOut().println("an answer");
            spec.commandLine().getErr().println("its own message");
            return exitCode;
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
