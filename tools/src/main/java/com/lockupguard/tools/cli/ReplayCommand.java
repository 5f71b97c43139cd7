package com.lockupguard.tools.cli;

import ch.qos.logback.classic.Level;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.cli.LogLevels;
import com.lockupguard.cli.ShutdownHandshake;
import com.lockupguard.timeline.OneLine;
import com.lockupguard.timeline.TimelineInput;
import com.lockupguard.tools.replay.Replay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code replay TIMELINE.jsonl}: decisions for a recorded timeline, through the topology test driver. */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replays a JSONL timeline of agreements, orders and execution reports through the guard's topology "
                    + "(Kafka's topology test driver) and prints, as JSONL in input order, one decision per order "
                    + "line and one result per execution line (RULES.md section 9).",
            "Agreements that are not applied, lines that cannot be read and orders or reports the topology "
                    + "dead-letters are reported on stderr with their line number. Exit code 1 when a line could not "
                    + "be read or answered, 2 on a usage or I/O error or when memory runs out; an INVALID_ORDER or "
                    + "INVALID answer and an agreement not applied leave it at 0 (a script that must know of the "
                    + "latter reads stderr).",
            "From a pipe, on stdin (-) or by its name (mkfifo, /dev/stdin), each answer is flushed as it is "
                    + "written. SIGTERM or Ctrl-C stops the replay after the line it is on, with every complete "
                    + "answer written, and exit code 143 or 130."
        })
final class ReplayCommand implements Callable<Integer> {

    /** How long SIGTERM waits for the replay to finish its line and write out what it has: one line, a close. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** This process's standard output and error, where the system names them (Linux). */
    private static final Path STANDARD_OUTPUT = Path.of("/proc/self/fd/1");
    private static final Path STANDARD_ERROR = Path.of("/proc/self/fd/2");

    enum Mode {
        CUMULATIVE(TrancheMode.CUMULATIVE),
        NON_CUMULATIVE(TrancheMode.NON_CUMULATIVE);

        final TrancheMode trancheMode;

        Mode(TrancheMode trancheMode) {
            this.trancheMode = trancheMode;
        }
    }

    @Parameters(index = "0", paramLabel = "TIMELINE", description = "JSONL timeline file, or - for standard input.")
    private String timeline;

    @Option(names = "--mode", paramLabel = "cumulative|non-cumulative",
            converter = ModeConverter.class,
            description = "Override every agreement's tranche mode (a what-if).")
    private Mode mode;

    @Option(names = {"-v", "--verbose"}, description = "Say on stderr, by line and field, what made each "
            + "INVALID_ORDER or INVALID answer, and log what the topology does (dead letters, ...).")
    private boolean verbose;

    @Option(names = "--positions", paramLabel = "FILE", description = "Also write every position the guard "
            + "publishes (after decisions, agreements and window boundaries, in event time) as JSONL to FILE.")
    private Path positionsFile;

    @Spec
    private CommandSpec spec;

    /** The number of the last line the replay took, for a stop to name: 0 before the first. */
    private int lastLineTaken;

    @Override
    public Integer call() {
        if (!verbose) {
            // the replay reports every dead-lettered agreement, order and report itself, with its line number
            LogLevels.set("com.lockupguard.topology", Level.ERROR);
            LogLevels.set("org.apache.kafka.streams.errors", Level.ERROR);
            // its state directory is a throwaway temporary one on purpose
            LogLevels.set("org.apache.kafka.streams.processor.internals.StateDirectory", Level.ERROR);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // SIGTERM / Ctrl-C: the replay stops after the line it is on and writes out every complete line before the
        // JVM halts; a stream (a pipe on stdin or named) is answered line by line, each answer flushed as written
        try (ShutdownHandshake shutdown = ShutdownHandshake.install(CLOSE_TIMEOUT)) {
            StoppableInput stream = null;
            if (isStdin() && StoppableInput.stdinIsClosed()) {
                err.println("cannot replay -: standard input is closed");
                return LockupGuardCli.EXIT_USAGE;
            }
            // a file redirected to stdin is read as a file is, its answers written in large pieces; a pipe, given as
            // '-' or by its name (mkfifo, /dev/stdin, <(command)), is answered line by line
            // (a directory redirected to stdin is not: it is refused before a --positions file is emptied)
            boolean live = isStdin() ? StoppableInput.stdinIsAStream() : isAStream();
            if (isStdin() || live) {
                // a replay blocked on a pipe, waiting for its writer or for the next line, must not keep the JVM from
                // halting
                try {
                    stream = isStdin() ? StoppableInput.stoppedBy(shutdown, new StoppableInput())
                            : StoppableInput.stoppedBy(shutdown, Path.of(timeline));
                } catch (IOException e) {
                    err.println("cannot replay " + OneLine.of(timeline) + ": " + TimelineInput.describe(e));
                    return LockupGuardCli.EXIT_USAGE;
                }
            }
            int exitCode = replay(stream, out, err, new Replay.Pacing(live, shutdown::stopRequested));
            if (shutdown.stopRequested()) {
                err.println(lastLineTaken == 0 ? "replay stopped by a signal before its first line"
                        : "replay stopped by a signal after line " + lastLineTaken
                                + ": the output answers the lines up to it");
            }
            out.flush();
            err.flush();
            return exitCode;
        }
    }

    private int replay(StoppableInput stream, PrintWriter out, PrintWriter err, Replay.Pacing pacing) {
        if (timeline.isEmpty()) {
            // Path.of("") is the working directory: "cannot replay : Is a directory" said nothing useful
            err.println("cannot replay: the timeline's file name is empty (an unset shell variable?)");
            return LockupGuardCli.EXIT_USAGE;
        }
        // the same decoding for both: a line that is not UTF-8 is reported and skipped
        try (BufferedReader in = stream != null ? TimelineInput.open(stream) : TimelineInput.open(Path.of(timeline))) {
            String refused = positionsRefused();
            if (refused == null) {
                refused = noStateDirectory();
            }
            if (refused != null) {
                err.println(refused);
                return LockupGuardCli.EXIT_USAGE;
            }
            if (positionsFile != null && !pacing.flushEachLine()) {
                // a timeline that opens but cannot be read (a directory, say) must fail before the positions file is
                // opened for writing, and so emptied: peek at its first character, and read it again from the start
                in.mark(1);
                in.read();
                in.reset();
            }
            PrintWriter positions;
            try {
                positions = positionsFile == null ? null
                        : new PrintWriter(Files.newBufferedWriter(positionsFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("cannot write the positions to " + OneLine.of(positionsFile.toString()) + ": "
                        + TimelineInput.describe(e));
                return LockupGuardCli.EXIT_USAGE;
            }
            try (positions) {
                Replay replay = new Replay(mode == null ? null : mode.trancheMode, positions);
                if (verbose) {
                    replay.explainingInvalidLines();
                }
                Replay.Result result = replay.run(in, out, err, pacing);
                lastLineTaken = result.lastLineTaken();
                if (result.outputLost() != null) {
                    // an analyst's output file cut short must not pass for a whole one
                    err.println("cannot write the answers: " + result.outputLost() + " stopped taking them (closed, "
                            + "or its disk full); the replay stopped, and what was written ends early");
                    return LockupGuardCli.EXIT_USAGE;
                }
                return result.succeeded() ? 0 : LockupGuardCli.EXIT_UNREADABLE_INPUT;
            }
        } catch (IOException e) {
            err.println("cannot replay " + OneLine.of(timeline) + ": " + TimelineInput.describe(e));
            return LockupGuardCli.EXIT_USAGE;
        }
    }

    /**
     * Why the replay cannot keep its state, or null: its topology needs a directory in {@code java.io.tmpdir}. Asked
     * before the positions file is opened, which would be emptied by a replay that then cannot start.
     */
    private static String noStateDirectory() {
        try {
            Files.delete(Files.createTempDirectory("lockup-guard-replay-"));
            return null;
        } catch (IOException e) {
            return "cannot replay: it keeps its state in a directory it makes in java.io.tmpdir ("
                    + OneLine.of(System.getProperty("java.io.tmpdir")) + "), and none can be made there: "
                    + TimelineInput.describe(e);
        }
    }

    /** Why the positions cannot go where {@code --positions} says, or null: never over the timeline being read. */
    private String positionsRefused() throws IOException {
        if (positionsFile == null) {
            return null;
        }
        if (positionsFile.toString().isEmpty()) {
            return "--positions needs a file: its name is empty (an unset shell variable?)";
        }
        if (positionsFile.toString().equals("-")) {
            return "--positions needs a file: the decisions are written to standard output";
        }
        // the timeline as named, or the file redirected to stdin (replay - < FILE); a pipe cannot be told apart
        Path read = isStdin() ? (StoppableInput.stdinIsAFile() ? StoppableInput.STDIN : null) : Path.of(timeline);
        if (read != null && Files.exists(positionsFile) && Files.isSameFile(positionsFile, read)) {
            // opened for writing, it would be emptied before a line of it was read: the recording lost, no output
            return "--positions " + OneLine.of(positionsFile.toString()) + " is the timeline itself: writing the "
                    + "positions there would erase it";
        }
        // standard output or error by another name (/dev/stdout, the file the decisions are redirected to): the
        // positions' writes would land amid the decisions', cutting lines of both
        for (Path stream : List.of(STANDARD_OUTPUT, STANDARD_ERROR)) {
            if (Files.exists(positionsFile) && Files.exists(stream) && Files.isSameFile(positionsFile, stream)) {
                return "--positions needs a file of its own: " + OneLine.of(positionsFile.toString()) + " is where "
                        + (stream == STANDARD_OUTPUT ? "the decisions are written (standard output)"
                                : "the errors are written (standard error)");
            }
        }
        return null;
    }

    private boolean isStdin() {
        return "-".equals(timeline);
    }

    /** Whether the timeline named is a pipe or a device, read as it comes: see {@link StoppableInput#isAStream}. */
    private boolean isAStream() {
        try {
            return !timeline.isEmpty() && StoppableInput.isAStream(Path.of(timeline));
        } catch (java.nio.file.InvalidPathException e) {
            return false; // the replay says so when it opens it
        }
    }

    /** Accepts cumulative, non-cumulative, and the enum names, in any case. */
    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            try {
                return Mode.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a tranche mode: "
                        + "cumulative or non-cumulative");
            }
        }
    }
}
