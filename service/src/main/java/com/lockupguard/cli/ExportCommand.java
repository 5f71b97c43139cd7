package com.lockupguard.cli;

import com.lockupguard.app.ClientSettings;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.contract.IsoInstant;
import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.timeline.OneLine;
import com.lockupguard.timeline.RecordedInputs;
import com.lockupguard.timeline.ShownText;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export}: what a guard was given, as a replay timeline, so that its decisions can be replayed. */
@Command(name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Writes what the guard has been given as a JSONL replay timeline (`replay` takes it): every agreement "
                    + "version it applied, from the agreement-audit topic (the agreements topic is compacted), and "
                    + "every order and execution report on the orders topic, each line's `at` its record's time; "
                    + "read_committed, up to the topics' ends when it starts (or --until), without a consumer group. "
                    + "Lines come in the order the guard takes the records: each input partition's in offset order (an "
                    + "agreement version where its record was on the agreements topic), the earliest record of all "
                    + "first. Every agreement version is held in memory meanwhile.",
            "Settings as for `run` (--config, LOCKUP_GUARD_* environment, --set). Records the guard dead-letters "
                    + "before deciding them (unreadable, tombstones, misrouted) are left out and named on stderr, "
                    + "and the exit code is then 1, as it is when records were deleted (the retention) before the "
                    + "export read them, before it started or while it read (named too: the replay cannot give the "
                    + "guard's decisions), and when the guard had not taken every agreement record on the agreements "
                    + "topic (stopped, or behind: their versions are not on the audit; named too, by partition: "
                    + "export once it has caught up); versions it rejected are left out, as they changed nothing. "
                    + "Exit code 2 on a usage or I/O error, a missing topic, or when Kafka or the schema registry "
                    + "cannot be read (Kafka not answering within 10 s at the start, or nothing read for 30 s). "
                    + "Ctrl-C or SIGTERM stops it at its next line (or at once while it waits for Kafka), saying "
                    + "after how many lines (-o FILE, a regular file: left as it was); whose output takes no more "
                    + "lines, 5 s after the signal. The exit code is then the signal's."
        })
public final class ExportCommand implements Callable<Integer> {

    /** How long Kafka has to answer each question (partitions, offsets) before the export gives up. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How often {@code --progress} says how far the reading has got. */
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    /** Every how many lines standard output is asked whether it still takes them. */
    private static final int STOPPED_OUTPUT_CHECK = 2_048;
    /** How long a signal waits for the export to stop and say how far it got before the JVM halts anyway. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    @Mixin
    private SettingsOptions settings;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the timeline to FILE instead of "
            + "standard output: to a hidden .FILE.<pid>.partial beside it, moved to FILE once whole (an export that "
            + "fails or is stopped leaves none; a link is followed, a pipe or device written to as it is). "
            + "-: standard output.")
    private Path output;

    @Option(names = "--holding", paramLabel = "INVESTOR/SECURITY", description = "Export only this holding's "
            + "records (its key on the topics), reading only its partition of the orders topic; may be given more "
            + "than once. Its replay decides its orders as the replay of everything would: holdings do not share "
            + "state.")
    private List<String> holdings = List.of();

    @Option(names = "--until", paramLabel = "INSTANT", description = "End the timeline before its first line stamped "
            + "after INSTANT (ISO-8601 with Z or an offset; one before 1970 gives none, one after 9999 all): each "
            + "partition is read up to its first record stamped later, as the guard had taken them by then unless "
            + "its input lagged. Its replay gives the decisions and positions up to that instant.")
    private String until;

    @Option(names = "--progress", description = "Say on stderr, every 5 s, how many records of the topic being read "
            + "were read.")
    private boolean progress;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (output != null && output.toString().equals("-")) {
            output = null; // as other command-line tools take it (seen: a file named '-' written)
        }
        GuardConfig config;
        try {
            config = new GuardConfig(settings.load());
            ClientSettings.check(config);
        } catch (ConfigException | IOException e) {
            err.println(cannotExport() + RegistryClientConfig.shown(e.getMessage()));
            return LockupGuardCli.EXIT_USAGE;
        }
        SettingsOptions.warnOfUnknown(config, err);
        SettingsOptions.warnOfInProcessRegistry(config, err, "the guard's records name schema ids of the guard's "
                + "registry, which this one does not hold");
        List<HoldingKey> exported = new ArrayList<>();
        for (String holding : holdings) {
            int slash = holding.indexOf(HoldingKey.SEPARATOR);
            if (slash < 0 || !HoldingKey.isValidId(holding.substring(0, slash))
                    || !HoldingKey.isValidId(holding.substring(slash + 1))) {
                err.println(cannotExport() + "--holding " + OneLine.of(ShownText.of(holding)) + " is not "
                        + "INVESTOR/SECURITY, each an id of 1 to 256 characters without '/'");
                return LockupGuardCli.EXIT_USAGE;
            }
            exported.add(new HoldingKey(holding.substring(0, slash), holding.substring(slash + 1)));
        }
        Instant end = null;
        if (until != null) {
            try {
                end = IsoInstant.parse(until);
            } catch (DateTimeException e) {
                err.println(cannotExport() + "--until " + OneLine.of(ShownText.of(until)) + " is not an instant "
                        + "such as 2003-08-01T00:00:00Z or 2003-07-31T20:00:00-04:00");
                return LockupGuardCli.EXIT_USAGE;
            }
        }
        AtomicLong lines = new AtomicLong();
        AtomicBoolean wholeOrNothing = new AtomicBoolean();
        boolean stopped = false;
        RecordedInputs.Counts counts = null;
        // Ctrl-C or SIGTERM while reading: the export stops at its next line or poll and says how far it got before
        // the JVM halts (a timeline cut short on standard output looks whole otherwise); a file is left as it was
        try (ShutdownHandshake shutdown = ShutdownHandshake.install(STOP_TIMEOUT)) {
            FirstAnswerWait firstAnswer = new FirstAnswerWait();
            RecordedInputs inputs = new RecordedInputs(config, TIMEOUT, exported, end);
            shutdown.onStop(() -> {
                firstAnswer.wake();
                inputs.stop(); // out of a wait for brokers that do not answer: offsets, metadata, the close
            });
            // stuck writing to a reader that takes no more lines (`export | less`, left open), it cannot say it
            shutdown.onTimeout(() -> {
                err.println(cannotExport() + (lines.get() == 0 ? "stopped by a signal while its output took no "
                        + "line: " : String.format(Locale.ROOT, "stopped by a signal while its output took no more "
                        + "lines, after at most %,d lines, the last perhaps cut short: ", lines.get()))
                        + stoppedOutput(wholeOrNothing.get()));
                err.flush();
            });
            try {
                if (output == null) {
                    // standard output stays open: the command line flushes it, and says if it stopped taking lines
                    firstAnswer.reach(config);
                    counts = export(inputs, progress, spec.commandLine().getOut(), err, shutdown, lines);
                } else {
                    // opened first, so that a path that cannot be written is said before any reading; written whole
                    // or not at all, so that an export stopped half-way leaves no file that could pass for all the
                    // guard was given
                    try (WholeFileOutput file = WholeFileOutput.open(output)) {
                        wholeOrNothing.set(file.writesWhole());
                        firstAnswer.reach(config);
                        counts = export(inputs, progress, file.writer(), err, shutdown, lines);
                        file.complete();
                    }
                }
            } catch (StoppedBySignal | InterruptedException e) {
                if (!shutdown.stopRequested()) {
                    throw e;
                }
                stopped = true;
            } catch (IOException e) {
                stopped = shutdown.stopRequested(); // an I/O error after a signal is not what to say
                if (!stopped) {
                    // one line, whatever the path holds (a line break in a name): as produce and replay say theirs
                    err.println(cannotExport() + OneLine.of("cannot write " + (output == null ? "the output" : output)
                            + ": " + e.getMessage()));
                    err.flush();
                    return LockupGuardCli.EXIT_USAGE;
                }
            } catch (IllegalStateException | KafkaException e) {
                stopped = shutdown.stopRequested();
                if (!stopped) {
                    err.println(cannotExport() + RegistryClientConfig.shown(String.valueOf(e.getMessage())));
                    err.flush();
                    return LockupGuardCli.EXIT_USAGE;
                }
            }
            if (stopped) {
                err.println(cannotExport() + String.format(Locale.ROOT, "stopped by a signal after %,d lines: ",
                        lines.get()) + stoppedOutput(wholeOrNothing.get()));
            } else {
                summarize(counts, end, err);
                if (shutdown.stopRequested()) {
                    // the JVM's exit code will be the signal's: the export is whole all the same
                    err.println("export: a signal came after its last line was written: the timeline is whole");
                }
            }
            // all written and said before the JVM halts, when a signal is waiting for this to close
            spec.commandLine().getOut().flush();
            err.flush();
        }
        if (stopped) {
            return LockupGuardCli.EXIT_USAGE; // after a signal, the JVM's exit code is the signal's (130, 143)
        }
        return counts.skipped() == 0 && counts.deletedUnread() == 0 && counts.untakenAgreements() == 0 ? 0
                : LockupGuardCli.EXIT_UNREADABLE_INPUT;
    }

    /** The last line of an export read to its end: how many lines of each kind, and what was left out. */
    private static void summarize(RecordedInputs.Counts counts, Instant end, PrintWriter err) {
        err.println(String.format(Locale.ROOT, "exported %,d agreement versions, %,d orders and %,d execution reports"
                + "%s%s%s%s%s", counts.agreements(), counts.orders(), counts.executions(),
                end == null ? "" : " stamped up to " + IsoInstant.format(end),
                counts.rejectedAgreements() == 0 ? "" : String.format(Locale.ROOT, "; left out %,d agreement versions "
                        + "the guard rejected", counts.rejectedAgreements()),
                counts.skipped() == 0 ? "" : String.format(Locale.ROOT, "; left out %,d records the guard "
                        + "dead-letters (above)", counts.skipped()),
                counts.deletedUnread() == 0 ? "" : String.format(Locale.ROOT, "; %,d offsets of the inputs were "
                        + "deleted before the export read them (above): the timeline lacks their records",
                        counts.deletedUnread()),
                counts.untakenAgreements() == 0 ? "" : String.format(Locale.ROOT, "; the guard had not taken %,d "
                        + "agreement records (above): the timeline lacks their versions",
                        counts.untakenAgreements())));
    }

    private static RecordedInputs.Counts export(RecordedInputs inputs, boolean progress, Writer out, PrintWriter err,
            ShutdownHandshake shutdown, AtomicLong lines) throws IOException {
        ReadProgress said = progress ? new ReadProgress(PROGRESS_INTERVAL, System::nanoTime, err::println) : null;
        RecordedInputs.Counts counts = inputs.read(new RecordedInputs.Sink() {
            @Override
            public void line(String line) throws IOException {
                if (shutdown.stopRequested()) {
                    throw new StoppedBySignal();
                }
                out.write(line);
                out.write('\n');
                if (lines.incrementAndGet() % STOPPED_OUTPUT_CHECK == 0) {
                    stoppedTaking(out);
                }
            }

            @Override
            public void skipped(String where, String why) {
                err.println(where + ": left out: " + why);
            }

            @Override
            public void warning(String where, String what) {
                err.println(where + ": warning: " + what);
            }

            @Override
            public void reading(String topic, long read, long records) {
                if (shutdown.stopRequested()) {
                    throw new StoppedBySignal();
                }
                if (said != null) {
                    said.reading(topic, read, records);
                }
            }
        });
        stoppedTaking(out);
        return counts;
    }

    /**
     * Fails when standard output has stopped taking lines (a full disk, a pipe whose reader left): its writer only
     * says so when asked, and an export cut short must not pass for a whole one, nor read on to the topics' ends.
     */
    private static void stoppedTaking(Writer out) throws IOException {
        if (out instanceof PrintWriter printed && printed.checkError()) {
            throw new IOException("standard output stopped taking the lines (closed, or its disk full)");
        }
    }

    /**
     * The wait for the cluster's first answer, which a signal cuts short: a cluster that does not answer is said so
     * within seconds, not after the consumer's retries, and a signal meanwhile at once. Nothing else is interrupted:
     * the reading sees a signal at its next line or poll, and a consumer interrupted while it closes logs an error.
     */
    private static final class FirstAnswerWait {
        private final Thread waiting = Thread.currentThread();
        private boolean inside;

        void reach(GuardConfig config) throws InterruptedException {
            synchronized (this) {
                inside = true;
            }
            try {
                ClusterProbe.reach(config.adminProperties(), ProduceCommand.REACH_TIMEOUT).close();
            } finally {
                synchronized (this) {
                    inside = false;
                    Thread.interrupted(); // a signal's, come as it answered: the reading sees the signal anyway
                }
            }
        }

        synchronized void wake() {
            if (inside) {
                waiting.interrupt();
            }
        }
    }

    /** A signal asked the export to stop: thrown between two lines or two polls, caught where it is said. */
    private static final class StoppedBySignal extends RuntimeException {
        StoppedBySignal() {
            super("stopped by a signal", null, false, false);
        }
    }

    /** What a stopped export left of its output. */
    private String stoppedOutput(boolean wholeOrNothing) {
        return wholeOrNothing ? "nothing was written to " + OneLine.of(String.valueOf(output))
                : "the timeline written is not whole";
    }

    private static String cannotExport() {
        return "cannot export: ";
    }
}
