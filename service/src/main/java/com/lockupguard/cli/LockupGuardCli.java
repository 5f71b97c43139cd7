package com.lockupguard.cli;

import com.lockupguard.serde.GeneratedClassTrust;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * {@code java -jar lockup-guard-service.jar <command>}: the commands a deployment runs (the service's
 * image). The full command line, with the demo and the tools, is the tools module's
 * {@code LockupGuardTools}.
 */
@Command(name = "lockup-guard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = LockupGuardCli.DESCRIPTION,
        subcommands = {RunCommand.class, ProduceCommand.class, ExportCommand.class, ConfigCommand.class,
            SchemasCommand.class, HelpCommand.class})
public final class LockupGuardCli {

    public static final String DESCRIPTION = "Stops an investor from selling restricted shares faster than their "
            + "lock-up / leak-out agreement allows: a Kafka Streams pre-trade check.";

    /** Exit code when some input lines could not be read. */
    public static final int EXIT_UNREADABLE_INPUT = 1;
    /** Exit code for a usage or I/O error. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when nothing was sent because the target topics would delete or refuse some of it. */
    public static final int EXIT_REFUSED = 3;

    /** picocli's tracing level, a system property. */
    private static final String PARSER_TRACE = "picocli.trace";

    /** Made when the class is loaded: once the heap is full, joining strings fails too. */
    private static final String OUT_OF_MEMORY = "out of memory: the JVM's heap (at most "
            + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB) was too small for this command, which stopped "
            + "where it was (what it wrote or sent, if anything, ends there): give it more (java -Xmx...)";

    public static void main(String[] args) {
        GeneratedClassTrust.install();
        CommandLine commandLine = commandLine();
        commandLine.setOut(standardOutput(8192));
        commandLine.setErr(standardError());
        System.exit(execute(commandLine, args));
    }

    public static CommandLine commandLine() {
        return configured(new CommandLine(new LockupGuardCli()));
    }

    /**
     * The settings every guard command line shares: enum values in any case; an argument beginning with {@code @} taken
     * as written (picocli would read the file named after the {@code @} as more arguments, where one exists: a timeline
     * named {@code @day.jsonl} was replayed as whatever {@code day.jsonl} named); and the jar's version for
     * {@code --version} of every command (picocli gives a subcommand none of its parent's, and it printed nothing).
     */
    public static CommandLine configured(CommandLine commandLine) {
        quietParser();
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExpandAtFiles(false);
        IsoTimeOptions.registerWith(commandLine);
        withVersion(commandLine);
        return commandLine;
    }

    /**
     * picocli's own tracing off, unless asked for ({@code -Dpicocli.trace=...}): it writes to standard error, outside
     * the command's own messages, and quotes the value it traces: a {@code --set} value with an unbalanced quote in it,
     * a password's, say, was echoed whole (the value itself is taken as written).
     */
    private static void quietParser() {
        if (System.getProperty(PARSER_TRACE) == null) {
            System.setProperty(PARSER_TRACE, "OFF");
        }
    }

    private static void withVersion(CommandLine commandLine) {
        if (commandLine.getCommandSpec().version().length == 0) {
            commandLine.getCommandSpec().versionProvider(new VersionProvider());
        }
        commandLine.getSubcommands().values().forEach(LockupGuardCli::withVersion);
    }

    /**
     * Runs {@code args} and flushes what the command printed; the exit code. An output that stopped taking what was
     * printed (a full disk, a closed pipe) is a usage or I/O error: {@code schemas > subjects.jsonl} on a full disk
     * must not pass for a whole file. Only a command that succeeded is told so: one that failed keeps its own exit
     * code (the replay, which says when its output stopped; produce's 3), and its own message.
     */
    public static int execute(CommandLine commandLine, String[] args) {
        PrintWriter out = commandLine.getOut();
        PrintWriter err = commandLine.getErr();
        int exitCode;
        try {
            exitCode = commandLine.execute(args);
        } catch (OutOfMemoryError e) {
            // said in one line where the JVM would print a stack trace (and exit 1, the code of a line that could not
            // be read); the message is made beforehand, and a heap still too full to print it still exits 2
            try {
                out.flush();
                err.println(OUT_OF_MEMORY);
                err.flush();
            } catch (OutOfMemoryError stillFull) {
                // nothing more can be said
            }
            return EXIT_USAGE;
        }
        out.flush();
        if (exitCode == 0 && out.checkError()) {
            err.println("cannot write the output: standard output stopped taking it (closed, or its disk full), and "
                    + "what was written ends early");
            exitCode = EXIT_USAGE;
        }
        err.flush();
        return exitCode;
    }

    /**
     * Standard output for a command line's {@code out}: through a buffer, flushed at each line, and unlike
     * {@code System.out} (a PrintStream, which keeps its failures to itself) telling {@code checkError} that a write
     * failed.
     */
    public static PrintWriter standardOutput(int bufferSize) {
        return new PrintWriter(new OutputStreamWriter(new BufferedOutputStream(new FileOutputStream(
                FileDescriptor.out), bufferSize), StandardCharsets.UTF_8), true);
    }

    /**
     * Standard error for a command line's {@code err}: UTF-8, as standard output is. {@code System.err} writes the
     * platform's charset, which under {@code LC_ALL=C} turns every character beyond ASCII into {@code ?}: a message
     * naming orderId "Zoé/1" would name a value that was never written.
     */
    public static PrintWriter standardError() {
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8),
                true);
    }
}
