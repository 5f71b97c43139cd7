package com.lockupguard.tools.bench;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.tools.embedded.EmbeddedKafkaCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;

/**
 * The guard service against the pass-through, in one run on one embedded broker: same topics,
 * serdes, partitions and processing guarantee, alternating, each on its own topics; then the
 * pre-trade API. Prints the machine, a table of every run and the ratio line.
 */
public final class BrokerComparison {

    /** What to run. {@code tuning} is applied to both topologies (guard and Kafka settings). */
    public record Options(int holdings, int backlog, int rate, Duration latencyPhase, int rounds, int whatIfRequests,
            int orderRequests, Map<String, String> tuning) {
    }

    /** Medians over the rounds, and the ratio line. */
    public record Summary(double throughputRatio, double guardP99Ms, double passThroughP99Ms) {

        /**
         * The median of the rounds' throughput ratios, each of a guard's round over the pass-through's run beside it
         * ({@code guard} and {@code passThrough} in round order): the rounds are run in pairs because the machine's
         * speed drifts between them, and a ratio of the two medians would pair a round with another's. And each
         * topology's median p99 over its rounds.
         */
        static Summary of(List<BrokerBenchmark.Result> guard, List<BrokerBenchmark.Result> passThrough) {
            if (guard.size() != passThrough.size()) {
                throw new IllegalArgumentException("rounds come in pairs: " + guard.size() + " of the guard, "
                        + passThrough.size() + " of the pass-through");
            }
            double[] ratios = new double[guard.size()];
            for (int round = 0; round < ratios.length; round++) {
                ratios[round] = guard.get(round).ordersPerSecond() / passThrough.get(round).ordersPerSecond();
            }
            return new Summary(median(ratios), median(p99s(guard)), median(p99s(passThrough)));
        }

        /** The ratio cut, not rounded, to two decimals: 0.395 is not 0.40, which a threshold of 0.4 would pass. */
        public String line() {
            return String.format(Locale.ROOT, "guard/passthrough throughput=%s p99=%.0f ms vs %.0f ms",
                    BigDecimal.valueOf(throughputRatio).setScale(2, RoundingMode.DOWN).toPlainString(), guardP99Ms,
                    passThroughP99Ms);
        }
    }

    /** The start of each latency phase that is not timed: the topology settles into the fixed rate. */
    public static final int LATENCY_WARM_UP_SECONDS = 2;

    /** The shortest latency phase: one second timed after the warm-up, so at least {@code rate} decisions. */
    public static final int MIN_LATENCY_SECONDS = LATENCY_WARM_UP_SECONDS + 1;

    private final Options options;
    private final PrintWriter out;
    private final BooleanSupplier stopRequested;

    /** @param stopRequested asked between runs and while one waits: when true, it closes all and stops */
    public BrokerComparison(Options options, PrintWriter out, BooleanSupplier stopRequested) {
        this.options = options;
        this.out = out;
        this.stopRequested = stopRequested;
    }

    /**
     * Throws the {@link org.apache.kafka.common.config.ConfigException} that {@code settings} ({@code --set}) would
     * stop the first round with, before a broker is started.
     */
    public static void checkSettings(Map<String, String> settings) {
        BrokerBenchmark.checkSettings(settings);
    }

    /** Whether the bench sets {@code key} itself for each round, so that a {@code --set} of it is refused. */
    public static boolean isSetByTheBench(String key) {
        return BrokerBenchmark.isSetByTheBench(key);
    }

    /** @throws BenchStoppedException when asked to stop: no summary is printed */
    public Summary run() throws Exception {
        printMachine();
        Path stateRoot = Files.createTempDirectory("lockup-guard-bench-");
        String registryUrl = "mock://bench-" + UUID.randomUUID();
        List<BrokerBenchmark.Result> guard = new ArrayList<>();
        List<BrokerBenchmark.Result> passThrough = new ArrayList<>();
        long started = System.nanoTime();
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, Map.of())) {
            BrokerBenchmark benchmark = new BrokerBenchmark(kafka.bootstrapServers(), registryUrl, options.tuning(),
                    stateRoot, stopRequested);
            BrokerBenchmark.Load load = new BrokerBenchmark.Load(options.holdings(), options.backlog(),
                    options.rate(), options.latencyPhase());
            out.printf(Locale.ROOT, "%-12s %5s %8s %10s %7s %9s %9s %9s %6s %8s %8s %8s %8s%n", "topology", "round",
                    "orders", "orders/s", "thread", "cpu us/o", "stream", "broker", "rec/o", "p50 ms", "p99 ms",
                    "max ms", "samples");
            // round 0 warms up the JIT, the broker and the page cache for both, and is not reported: with the whole
            // backlog, as 20,000 orders (a tenth of a second of the pass-through's) left round 1 cold, and --quick's
            // one round with a pass-through slowed more than the guard (ratios of 0.23 and 0.35 against 0.15)
            BrokerBenchmark.Load warmUp = new BrokerBenchmark.Load(options.holdings(), options.backlog(),
                    options.rate(), Duration.ZERO);
            benchmark.run("passthrough-0", false, warmUp);
            benchmark.run("guard-0", true, warmUp);
            for (int round = 1; round <= options.rounds(); round++) {
                // alternate which goes first, so that neither always meets a warmer JVM and broker
                boolean guardFirst = round % 2 == 0;
                for (boolean isGuard : guardFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    String name = (isGuard ? "guard" : "passthrough") + "-" + round;
                    BrokerBenchmark.Result result = benchmark.run(name, isGuard, load);
                    (isGuard ? guard : passThrough).add(result);
                    print(isGuard ? "guard" : "passthrough", round, result);
                }
            }
            BenchStoppedException.check(stopRequested);
            if (options.whatIfRequests() > 0 || options.orderRequests() > 0) {
                GuardConfig apiConfig = benchmark.config("api");
                ApiBenchmark.Result api = new ApiBenchmark().run(apiConfig, options.whatIfRequests(),
                        options.orderRequests(), stopRequested);
                out.println();
                out.printf(Locale.ROOT, "%-22s %9s %9s %9s %8s   %s%n", "pre-trade API (1 client)", "p50 ms",
                        "p99 ms", "max ms", "requests", "server-side p50 / p99 ms (Server-Timing)");
                printApi("POST /api/what-if", api.whatIfMs(), api.whatIfServerMs());
                printApi("POST /api/orders", api.ordersMs(), api.ordersServerMs());
            }
        } finally {
            Utils.delete(stateRoot.toFile());
        }
        BenchStoppedException.check(stopRequested);
        Summary summary = Summary.of(guard, passThrough);
        out.printf(Locale.ROOT, "%nwall time %.0f s%n", (System.nanoTime() - started) / 1e9);
        out.println(summary.line());
        out.flush();
        return summary;
    }

    private void print(String topology, int round, BrokerBenchmark.Result result) {
        Percentiles latency = result.latencyMs();
        out.printf(Locale.ROOT, "%-12s %5d %8d %10.0f %6.0f%% %9.1f %9.1f %9.1f %6.2f %8.0f %8.0f %8.0f %8d%n",
                topology, round, result.orders(), result.ordersPerSecond(), 100 * result.streamThreadBusy(),
                result.processCpuMicrosPerOrder(), result.streamCpuMicrosPerOrder(), result.brokerCpuMicrosPerOrder(),
                result.recordsPerOrder(), latency.p50(), latency.p99(), latency.max(), latency.count());
        out.flush();
    }

    private void printApi(String endpoint, Percentiles latency, Percentiles server) {
        out.printf(Locale.ROOT, "%-24s %9.2f %9.2f %9.2f %8d   %.2f / %.2f%n", endpoint, latency.p50(), latency.p99(),
                latency.max(), latency.count(), server.p50(), server.p99());
    }

    private void printMachine() {
        Runtime runtime = Runtime.getRuntime();
        out.printf(Locale.ROOT, "machine: %s, %d cores, %s; %s %s; max heap %d MiB%n", cpuModel(),
                runtime.availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                runtime.maxMemory() / (1024 * 1024));
        out.printf(Locale.ROOT, "load average at start: %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.printf(Locale.ROOT, "load: %d holdings, backlog %d orders, then %d orders/s for %d s (first %d s not "
                + "timed), %d round(s) after a warm-up round; one broker, broker and streams in this JVM%n",
                options.holdings(), options.backlog(), options.rate(), options.latencyPhase().toSeconds(),
                LATENCY_WARM_UP_SECONDS, options.rounds());
        out.println("columns: orders/s through the backlog; thread = the stream thread's share of a core; cpu us/o = "
                + "the process's CPU time per order, of which stream = the stream thread's and broker = the broker's "
                + "request handler, network and transaction marker threads' (the rest: clients' I/O, JIT, GC); all "
                + "during the backlog; rec/o = records the topology sent per order (outputs and changelogs, not "
                + "transaction markers); latencies at the fixed rate");
        out.println("settings (both topologies): " + new TreeMap<>(options.tuning())
                + " on top of the guard's defaults (exactly_once_v2, commit.interval.ms "
                + GuardConfig.definition().defaultValues().get(GuardConfig.COMMIT_INTERVAL_MS_CONFIG) + ", poll.ms "
                + GuardConfig.definition().defaultValues().get(GuardConfig.POLL_MS_CONFIG) + ")");
        out.println();
        out.flush();
    }

    private static String cpuModel() {
        Path cpuInfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuInfo)) {
            return "unknown CPU";
        }
        try (Stream<String> lines = Files.lines(cpuInfo)) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static double[] p99s(List<BrokerBenchmark.Result> results) {
        return results.stream().mapToDouble(result -> result.latencyMs().p99()).toArray();
    }

    private static double median(double[] unsorted) {
        double[] values = unsorted.clone();
        Arrays.sort(values);
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
