package com.lockupguard.tools.cli;

import ch.qos.logback.classic.Level;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.cli.LogLevels;
import com.lockupguard.cli.ShutdownHandshake;
import com.lockupguard.cli.WholeFileOutput;
import com.lockupguard.timeline.OneLine;
import com.lockupguard.timeline.TimelineInput;
import com.lockupguard.tools.timeline.SyntheticTimeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code timeline}: a random timeline of many holdings, the soak's and the benchmarks' kind, to replay or produce. */
@Command(name = "timeline",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a random timeline of many holdings, of the kind the soak and the benchmarks use, to replay or "
                    + "produce: one agreement per holding at --start (execution dates up to 500 days before it, so "
                    + "that holdings are in every window; both tranche modes; registered or not), then --orders "
                    + "orders (sales, transfers and purchases of every size, a few invalid), --spacing apart, each on "
                    + "a random holding. With --reports, a trading desk's execution reports for them besides, each "
                    + "after its order, as the guard's decisions allow (fills, partial fills, cancels, overfills, late "
                    + "fills, retried, conflicting and invalid reports), and every tenth holding's window ending "
                    + "halfway through. Without --reports it runs in little memory however long; with, its desk keeps "
                    + "the guard's state, some 550 bytes an order.",
            "The same options give the same file, line for line. A file given with -o is written whole or not at "
                    + "all (Ctrl-C leaves what was there)."
        })
final class TimelineCommand implements Callable<Integer> {

    /** How long Ctrl-C waits for a file written half-way to be deleted. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** Every how many lines standard output is asked whether it still takes them. */
    private static final long CHECK_EVERY = 4_096;

    /**
     * The latest time an order is stamped: far enough before the replay's last year (9999) that every date the rules
     * derive from it (the next window, Rule 144's year) is in it.
     */
    private static final Instant LAST_INSTANT = Instant.parse("9990-01-01T00:00:00Z");
    /** The earliest start: its agreements' execution dates, up to 500 days before it, are in 1970 or after. */
    private static final Instant FIRST_START = Instant.parse("1971-06-01T00:00:00Z");
    /** Every agreement is held in memory before the first line: some 300 bytes each. */
    private static final int MOST_HOLDINGS = 1_000_000;

    @Option(names = "--holdings", defaultValue = "200", description = "Holdings (investors). Default ${DEFAULT-VALUE}.")
    private int holdings;

    @Option(names = "--orders", defaultValue = "100000", description = "Orders. Default ${DEFAULT-VALUE}.")
    private long orders;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--start", paramLabel = "INSTANT", defaultValue = "2003-04-28T13:00:00Z",
            description = "When the agreements are stamped; the first order follows one --spacing later. Default "
                    + "${DEFAULT-VALUE}.")
    private Instant start;

    @Option(names = "--spacing", paramLabel = "DURATION", defaultValue = "PT6M40S",
            description = "Between two orders, as ISO-8601 (PT10S, PT1H). Default ${DEFAULT-VALUE}: 100,000 orders "
                    + "span 463 days, past every window and Rule 144's year.")
    private Duration spacing;

    @Option(names = "--reports", description = "Execution reports for the orders besides.")
    private boolean reports;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write to FILE instead of standard output: to a hidden .FILE.<pid>.partial beside it, "
                    + "moved to FILE once whole. -: standard output.")
    private Path output;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String refused = refusedOption();
        if (refused != null) {
            err.println(refused);
            return LockupGuardCli.EXIT_USAGE;
        }
        // the desk asks the guard's topology in this JVM what it decides: the invalid and conflicting reports it
        // sends on purpose would each log a dead letter
        LogLevels.quiet(Level.ERROR, Level.WARN);
        LogLevels.set("com.lockupguard.topology", Level.ERROR);
        SyntheticTimeline timeline = new SyntheticTimeline(seed, holdings);
        if (output == null || output.toString().equals("-")) {
            try {
                write(timeline, spec.commandLine().getOut(), null);
                return 0;
            } catch (IOException e) {
                err.println("timeline: cannot write the output: " + e.getMessage());
                return LockupGuardCli.EXIT_USAGE;
            }
        }
        // Ctrl-C stops the lines at the next one, and the half-written file is deleted before the JVM halts
        try (ShutdownHandshake shutdown = ShutdownHandshake.install(STOP_TIMEOUT)) {
            try (WholeFileOutput file = WholeFileOutput.open(output)) {
                write(timeline, file.writer(), shutdown);
                file.complete();
                return 0;
            } catch (IOException e) {
                // a signal may also break what is written to (a pipe whose reader the same Ctrl-C stopped)
                if (e instanceof StoppedBySignal || shutdown.stopRequested()) {
                    err.println("timeline: stopped by a signal; " + OneLine.of(output.toString()) + " left as it was");
                    err.flush(); // before the handshake closes: the JVM halts then
                    return 1;
                }
                err.println("timeline: cannot write " + OneLine.of(output.toString()) + ": "
                        + TimelineInput.describe(e));
                return LockupGuardCli.EXIT_USAGE;
            }
        }
    }

    /**
     * Writes the timeline to {@code out}; stops between two lines when {@code shutdown} asks, or when standard
     * output stopped taking them (a pipe whose reader left: a {@link PrintWriter} says so only when asked).
     */
    private void write(SyntheticTimeline timeline, Writer out, ShutdownHandshake shutdown) throws IOException {
        long[] written = {0};
        timeline.write(line -> {
            if (shutdown != null && shutdown.stopRequested()) {
                throw new StoppedBySignal();
            }
            out.write(line);
            out.write('\n');
            if (++written[0] % CHECK_EVERY == 0 && out instanceof PrintWriter printer && printer.checkError()) {
                throw new IOException("standard output stopped taking the lines (closed, or its disk full)");
            }
        }, start, orders, spacing, reports);
        out.flush();
    }

    private String refusedOption() {
        if (holdings < 1 || holdings > MOST_HOLDINGS) {
            return "--holdings must be from 1 to " + MOST_HOLDINGS;
        }
        if (orders < 0) {
            return "--orders must be at least 0";
        }
        if (spacing.compareTo(Duration.ofMillis(1)) < 0) {
            // less, and an order can share its instant with an agreement or its report: the replay warns of each
            return "--spacing must be at least 1 ms (PT0.001S)";
        }
        if (start.isBefore(FIRST_START) || start.isAfter(LAST_INSTANT)) {
            return "--start must be from " + FIRST_START + " to " + LAST_INSTANT + ": the agreements' execution dates "
                    + "lie up to 500 days before it, and every date the rules derive must fall in the years 1970 to "
                    + "9999, as the replay takes them";
        }
        try {
            // order n is stamped start + (n + 1) spacings; with reports, some windows end one spacing in at least
            Instant last = start.plus(spacing.multipliedBy(Math.max(orders, reports ? 1 : 0)));
            if (last.isAfter(LAST_INSTANT)) {
                return (orders > 0 ? "the last order would be stamped " : "the windows --reports ends would end ")
                        + last + ", after " + LAST_INSTANT + ": give fewer --orders, a shorter --spacing or an "
                        + "earlier --start";
            }
        } catch (ArithmeticException | DateTimeException e) {
            return "the last order would be stamped past the end of time: give fewer --orders, a shorter --spacing "
                    + "or an earlier --start";
        }
        return null;
    }

    /** Ctrl-C or SIGTERM while a file is written: the lines stop, the half-written file is deleted. */
    private static final class StoppedBySignal extends IOException {
        private static final long serialVersionUID = 1L;

        StoppedBySignal() {
            super("stopped by a signal");
        }
    }
}
