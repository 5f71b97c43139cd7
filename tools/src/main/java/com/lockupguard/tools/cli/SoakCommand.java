package com.lockupguard.tools.cli;

import ch.qos.logback.classic.Level;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.cli.LogLevels;
import com.lockupguard.cli.ShutdownHandshake;
import com.lockupguard.timeline.OneLine;
import com.lockupguard.timeline.TimelineInput;
import com.lockupguard.tools.soak.Soak;
import com.lockupguard.tools.soak.SoakReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code soak}: crash the guard and its brokers while it decides, then prove nothing was lost or doubled. */
@Command(name = "soak",
        mixinStandardHelpOptions = true,
        description = {
            "Runs 3 brokers in this process and guard instances as separate JVMs (same application id, a standby "
                    + "each), produces a random timeline over many holdings (orders, and execution reports for them: "
                    + "fills, partial fills, cancels, overfills, late fills, retries, conflicting and invalid reports), "
                    + "kills instances with SIGKILL and restarts them at random moments, and bounces brokers. Then, as "
                    + "Kafka's EosTestDriver does: waits for every transaction to finish and the group to empty, and "
                    + "checks every decision, report result and compliance alert against the replay of the same input.",
            "Prints the figures; exit code 0 only with 0 lost, 0 duplicated, 0 mismatched (decisions, final "
                    + "positions, results, alerts). Ctrl-C stops it (SOAK STOPPED): its guards killed, its brokers' "
                    + "data deleted, its work dir kept."
        })
final class SoakCommand implements Callable<Integer> {

    @Option(names = "--instances", defaultValue = "2", description = "Guard instances (JVMs). Default ${DEFAULT-VALUE}.")
    private int instances;

    @Option(names = "--holdings", defaultValue = "200", description = "Holdings (investors). Default ${DEFAULT-VALUE}.")
    private int holdings;

    @Option(names = "--rate", defaultValue = "100",
            description = "Orders per second (execution reports come on top). Default ${DEFAULT-VALUE}.")
    private int rate;

    @Option(names = "--duration", defaultValue = "60", description = "Seconds of producing. Default ${DEFAULT-VALUE}.")
    private int duration;

    @Option(names = "--kills", defaultValue = "4", description = "SIGKILLs of instances. Default ${DEFAULT-VALUE}.")
    private int kills;

    @Option(names = "--bounces", defaultValue = "1", description = "Broker bounces. Default ${DEFAULT-VALUE}.")
    private int bounces;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions. Default ${DEFAULT-VALUE}.")
    private int partitions;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default ${DEFAULT-VALUE}.")
    private long seed;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where instance state, logs and the timeline go: a new or empty directory, deleted when the "
                    + "soak passes, kept when it fails.")
    private Path workDir;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LogLevels.quiet(Level.ERROR, Level.WARN);
        // the topology in this JVM is the replay that tells the desk what was approved and what to expect: the
        // invalid and conflicting reports the soak sends on purpose would each log a dead letter (the guard
        // instances log theirs to their own files)
        LogLevels.set("com.lockupguard.topology", Level.ERROR);
        PrintWriter out = spec.commandLine().getOut();
        String refused = refusedOption();
        if (refused != null) {
            // refused before any broker starts: nothing sent would compare two empty sets and pass
            spec.commandLine().getErr().println(refused);
            return LockupGuardCli.EXIT_USAGE;
        }
        if (workDir != null && !isNewOrEmpty(workDir)) {
            // a passing soak deletes its work dir, with whatever else is in it
            spec.commandLine().getErr().println("--work-dir " + OneLine.of(workDir.toString()) + " is not empty (or not "
                    + "a directory): a passing soak deletes its work dir; give a new or empty one");
            return LockupGuardCli.EXIT_USAGE;
        }
        if (workDir != null) {
            try {
                Files.createDirectories(workDir);
            } catch (IOException e) {
                // before anything starts, as any other bad option: a stack trace, exit 1, read as a soak that failed
                spec.commandLine().getErr().println("--work-dir " + OneLine.of(workDir.toString()) + " cannot be "
                        + "made: " + TimelineInput.describe(e));
                return LockupGuardCli.EXIT_USAGE;
            }
        }
        Path dir = workDir != null ? workDir : Files.createTempDirectory("lockup-guard-soak-");
        // Ctrl-C stops the soak at its next step, and waits until its guards are killed and its brokers' data
        // deleted: the JVM halts once the hook returns
        try (ShutdownHandshake shutdown = ShutdownHandshake.install(BrokerCommand.CLOSE_TIMEOUT)) {
            try {
                SoakReport report = new Soak(new Soak.Options(instances, holdings, rate, Duration.ofSeconds(duration),
                        kills, bounces, seed, partitions, dir), out, shutdown::stopRequested).run();
                out.println(report.figures());
                report.chaosShortfall().ifPresent(shortfall -> out.println("chaos incomplete: " + shortfall));
                out.println(report.passed() ? "SOAK PASSED" : "SOAK FAILED");
                return report.passed() ? 0 : 1;
            } catch (Soak.StoppedException stopped) {
                out.println("SOAK STOPPED"); // before the handshake closes: the JVM halts then
                return 1;
            }
        }
    }

    private String refusedOption() {
        if (instances < 1) {
            return "--instances must be at least 1";
        }
        if (holdings < 1) {
            return "--holdings must be at least 1";
        }
        if (rate < 1) {
            return "--rate must be at least 1";
        }
        if (duration < 1) {
            return "--duration must be at least 1";
        }
        if (partitions < 1) {
            return "--partitions must be at least 1";
        }
        if (kills < 0 || bounces < 0) {
            return (kills < 0 ? "--kills" : "--bounces") + " must be at least 0";
        }
        return null;
    }

    private static boolean isNewOrEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
