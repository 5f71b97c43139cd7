package com.lockupguard.tools.cli;

import ch.qos.logback.classic.Level;
import com.lockupguard.app.ClientSettings;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.cli.FailureText;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.cli.LogLevels;
import com.lockupguard.cli.ShutdownHandshake;
import com.lockupguard.tools.bench.BenchStoppedException;
import com.lockupguard.tools.bench.BrokerComparison;
import com.lockupguard.tools.bench.RestoreBenchmark;
import com.lockupguard.tools.bench.RoundFailedException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: the guard against a pass-through topology on a broker, in one run, and the pre-trade API. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a Kafka broker in this JVM and runs, on it and alternating, the guard service and a pass-through "
                    + "topology (same topics, serdes and exactly-once, no rules, no stores): throughput of a backlog, "
                    + "then decision latency p50/p99 at a fixed rate. Then times POST /api/what-if and "
                    + "POST /api/orders from one client.",
            "Ends with: guard/passthrough throughput=<ratio> p99=<ms> vs <ms>",
            "A round whose topology stops (its streams in ERROR) or reads no new decision for 60 s fails at once: "
                    + "the cause on stderr, then 'bench stopped: no figures' (as after Ctrl-C), exit code 1.",
            "With --restore-holdings, measures the state instead: bytes per holding and per order id, and the "
                    + "restore rate of a guard started without local state."
        })
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "One round, a smaller backlog and a shorter latency phase: under 2 minutes.")
    private boolean quick;

    @Option(names = "--holdings", defaultValue = "1000", description = "Holdings. Default ${DEFAULT-VALUE}.")
    private int holdings;

    @Option(names = "--backlog", paramLabel = "ORDERS",
            description = "Orders in the throughput backlog (default 50000 quick, 300000 otherwise).")
    private Integer backlog;

    @Option(names = "--rate", defaultValue = "1000", description = "Orders per second in the latency phase. "
            + "Default ${DEFAULT-VALUE}.")
    private int rate;

    @Option(names = "--latency-seconds", paramLabel = "SECONDS",
            description = "Length of the latency phase (default 12 quick, 60 otherwise; at least "
                    + BrokerComparison.MIN_LATENCY_SECONDS + ": its first " + BrokerComparison.LATENCY_WARM_UP_SECONDS
                    + " s are a warm-up, not timed).")
    private Integer latencySeconds;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds of both topologies (default 1 quick, 3 "
            + "otherwise); the summary takes the medians.")
    private Integer rounds;

    @Option(names = "--api-requests", paramLabel = "N",
            description = "POST /api/orders requests timed (default 100 quick, 1000 otherwise; what-if gets 5 times "
                    + "as many); 0 skips the API.")
    private Integer apiRequests;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A guard or Kafka setting for both topologies "
            + "(with --restore-holdings, for the restoring guard), e.g. --set commit.interval.ms=100 (repeatable).")
    private Map<String, String> tuning = new LinkedHashMap<>();

    @Option(names = "--restore-holdings", paramLabel = "N",
            description = "Measure the state of N holdings instead: their changelogs written as the guard writes them, "
                    + "then restored by a guard without local state (e.g. 200000).")
    private Integer restoreHoldings;

    @Option(names = "--ids-per-holding", paramLabel = "N", defaultValue = "2",
            description = "Remembered order ids per holding with --restore-holdings. Default ${DEFAULT-VALUE}.")
    private int idsPerHolding;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LogLevels.quiet(Level.ERROR, Level.ERROR);
        PrintWriter out = spec.commandLine().getOut();
        String refused = refusedOption();
        if (refused != null) {
            // refused before the broker starts: a zero would only fail, or print NaN, minutes later
            spec.commandLine().getErr().println(refused);
            return LockupGuardCli.EXIT_USAGE;
        }
        try {
            if (restoreHoldings == null) {
                BrokerComparison.checkSettings(tuning);
            } else {
                RestoreBenchmark.checkSettings(tuning);
            }
            // refused, not warned of: the bench quiets the guard's log, where run warns, and a misspelt setting
            // measured the defaults under the name of what was asked for (seen: commit.intervall.ms=100, no word)
            Set<String> unknown = ClientSettings.unknown(new GuardConfig(tuning));
            if (!unknown.isEmpty()) {
                spec.commandLine().getErr().println("bench: --set: settings neither the guard nor Kafka's clients "
                        + "know, so without effect (misspelt?): " + String.join(", ", unknown));
                return LockupGuardCli.EXIT_USAGE;
            }
        } catch (ConfigException e) {
            // found by the first round otherwise, after the broker's start, as a stack trace
            spec.commandLine().getErr().println("bench: --set: " + e.getMessage());
            return LockupGuardCli.EXIT_USAGE;
        }
        // Ctrl-C stops the run and waits until its streams and broker are closed and their data deleted: the JVM
        // halts once the hook returns. No figures are printed then: a script reading the last line sees none.
        try (ShutdownHandshake shutdown = ShutdownHandshake.install(BrokerCommand.CLOSE_TIMEOUT)) {
            try {
                run(out, shutdown);
                return 0;
            } catch (RoundFailedException e) {
                // a round whose topology died: why, then the same last line as a stopped run, and no figures
                spec.commandLine().getErr().println("bench: " + e.getMessage());
                spec.commandLine().getErr().flush();
                out.println("bench stopped: no figures");
                out.flush();
                return 1;
            } catch (Exception e) {
                if (!(e instanceof BenchStoppedException) && !shutdown.stopRequested()) {
                    // outside a round (the broker's start, the API's phase): why, and the last line of any failure
                    spec.commandLine().getErr().println("bench: failed: " + FailureText.causes(e));
                    spec.commandLine().getErr().flush();
                }
                // or stopped, or failed because it was being stopped (a broker starting as the JVM shuts down)
                out.println("bench stopped: no figures");
                out.flush();
                return 1;
            }
        }
    }

    /** Why the first option given below its minimum is refused, or null. */
    private String refusedOption() {
        if (holdings < 1) {
            return "--holdings must be at least 1";
        }
        if (backlog != null && backlog < 1) {
            return "--backlog must be at least 1";
        }
        if (rate < 1) {
            return "--rate must be at least 1";
        }
        if (latencySeconds != null && latencySeconds < BrokerComparison.MIN_LATENCY_SECONDS) {
            // a shorter phase ends before its warm-up does: no decision timed, every latency figure NaN
            return "--latency-seconds must be at least " + BrokerComparison.MIN_LATENCY_SECONDS + ": its first "
                    + BrokerComparison.LATENCY_WARM_UP_SECONDS + " s are a warm-up, not timed";
        }
        if (rounds != null && rounds < 1) {
            return "--rounds must be at least 1";
        }
        if (restoreHoldings != null && restoreHoldings < 1) {
            return "--restore-holdings must be at least 1";
        }
        if (idsPerHolding < 0) {
            return "--ids-per-holding must be at least 0";
        }
        if (apiRequests != null && apiRequests < 0) {
            // a negative count timed nothing, as 0 does, but said nothing of it
            return "--api-requests must be at least 0 (0 skips the API)";
        }
        for (String key : tuning.keySet()) {
            if (restoreHoldings != null && RestoreBenchmark.isSetByTheBench(key)) {
                return "--set " + key + ": the bench sets it itself for the restoring guard (its broker, registry, "
                        + "id, state directory, partitions and checks), so it would have no effect";
            }
            if (restoreHoldings == null && BrokerComparison.isSetByTheBench(key)) {
                return "--set " + key + ": the bench sets it itself for each round (its broker, registry, ids, "
                        + "topics and client names), so it would have no effect, or hide the stream threads' CPU";
            }
        }
        return refusedBesideTheRestore();
    }

    /** An option that means nothing to the measurement asked for: the restore's, or the comparison's. */
    private String refusedBesideTheRestore() {
        List<String> comparisonOptions = List.of("--quick", "--holdings", "--backlog", "--rate", "--latency-seconds",
                "--rounds", "--api-requests");
        for (String option : comparisonOptions) {
            if (restoreHoldings != null && spec.commandLine().getParseResult().hasMatchedOption(option)) {
                return option + " does not apply to --restore-holdings, which measures a restore on its own guard";
            }
        }
        if (restoreHoldings == null && spec.commandLine().getParseResult().hasMatchedOption("--ids-per-holding")) {
            return "--ids-per-holding applies only to --restore-holdings";
        }
        return null;
    }

    private void run(PrintWriter out, ShutdownHandshake shutdown) throws Exception {
        if (restoreHoldings != null) {
            RestoreBenchmark restore = new RestoreBenchmark(out, shutdown::stopRequested);
            restore.print(restore.run(restoreHoldings, idsPerHolding, tuning));
            return;
        }
        int orders = apiRequests != null ? apiRequests : quick ? 100 : 1_000;
        BrokerComparison.Options options = new BrokerComparison.Options(holdings,
                backlog != null ? backlog : quick ? 50_000 : 300_000, rate,
                Duration.ofSeconds(latencySeconds != null ? latencySeconds : quick ? 12 : 60),
                rounds != null ? rounds : quick ? 1 : 3, orders * 5, orders, tuning);
        new BrokerComparison(options, out, shutdown::stopRequested).run();
    }
}
