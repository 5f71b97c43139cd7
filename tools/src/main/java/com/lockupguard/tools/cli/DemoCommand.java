package com.lockupguard.tools.cli;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.GuardService;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.cli.FailureText;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.cli.LogLevels;
import com.lockupguard.cli.ShutdownHandshake;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.timeline.OneLine;
import com.lockupguard.timeline.RunningGuardWait;
import com.lockupguard.timeline.SendableLines;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineInput;
import com.lockupguard.timeline.TimelinePreflight;
import com.lockupguard.timeline.TimelineProducer;
import com.lockupguard.timeline.TimelineReader;
import com.lockupguard.tools.embedded.EmbeddedKafkaCluster;
import com.lockupguard.tools.embedded.FreePorts;
import com.lockupguard.tools.registry.SchemaRegistryServer;
import com.lockupguard.tools.timeline.CommittedReader;
import com.lockupguard.topology.GuardTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the whole guard in one process — a real single-node KRaft broker, an
 * in-memory schema registry and the service with exactly-once — fed the letter's timeline.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a real Kafka broker (KRaft, one node, loopback, temporary directory) and the guard in this JVM, "
                    + "produces the 2003 letter's story with its event times — orders, their fills, two cancels that "
                    + "give shares back and a sale no approval covered — reads the decisions, the reports' results "
                    + "and the alerts read_committed and prints them as a table; then shuts everything down.",
            "Exit code 0 when every line was sent, every order decided and every report answered; 1 when not, "
                    + "or when the guard could not start or was stopped first; 2 on a usage or I/O error (a "
                    + "--timeline that cannot be read), a setting refused or a port in use; 3 when nothing was sent "
                    + "because the topics would delete or refuse some of the timeline's records, stamped too far "
                    + "back or ahead (as produce)."
        })
final class DemoCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    static final String BUILT_IN_TIMELINE = "/examples/demo-2003.jsonl";
    private static final int DEFAULT_HTTP_PORT = 8080;
    /** {@code http.port} for no HTTP server. */
    private static final int NO_HTTP = -1;

    @Option(names = "--keep-running", description = "Leave the broker and the guard up until Ctrl-C.")
    private boolean keepRunning;

    @Option(names = "--timeline", paramLabel = "FILE", description = "Another JSONL timeline to play.")
    private Path timelineFile;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the guard's topics.")
    private int partitions;

    @Option(names = {"-v", "--verbose"}, description = "Show the broker's and the guard's logs.")
    private boolean verbose;

    @Option(names = "--kafka-port", defaultValue = "0",
            description = "Port of the Kafka broker on 127.0.0.1 (0: any free port).")
    private int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "0",
            description = "Port of the schema registry served on 127.0.0.1 (0: any free port).")
    private int registryPort;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of the dashboard, API and /metrics on "
            + "127.0.0.1 (default: 8080 with --keep-running, none without).")
    private Integer httpPort;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A guard setting on top of the demo's "
            + "(api.token=..., the api.auth.jwt.* and http.ssl.* settings: the dashboard with authentication or TLS).")
    private Map<String, String> overrides = new java.util.LinkedHashMap<>();

    @Option(names = "--endpoints-file", paramLabel = "FILE",
            description = "Write the endpoints here as one JSON object once everything is up: bootstrapServers, "
                    + "schemaRegistryUrl and, when HTTP is served, httpUrl (a file left there by an earlier run is "
                    + "removed at start); deleted on exit.")
    private Path endpointsFile;

    @Spec
    private CommandSpec spec;

    private final long started = System.nanoTime();

    @Override
    public Integer call() throws Exception {
        // Ctrl-C, at any step, waits until everything is closed and the temporary data deleted: the JVM halts once
        // the hook returns
        try (ShutdownHandshake shutdown = ShutdownHandshake.install(BrokerCommand.CLOSE_TIMEOUT);
                EndpointsFile endpoints = EndpointsFile.claim(endpointsFile, spec)) {
            // after the endpoints file is claimed: a script never reads a refused run's endpoints. The ports first:
            // their refusal names the option given (--http-port 70000), the settings' the setting it became
            requireFreePorts();
            String refused = refusedSettings();
            if (refused != null) {
                spec.commandLine().getErr().println("configuration error: " + refused);
                return LockupGuardCli.EXIT_USAGE;
            }
            return demo(shutdown, endpoints);
        }
    }

    /**
     * Why the guard would refuse the demo's settings (a --set value it, Kafka's clients or the registry's client do
     * not take, HTTP settings that do not go together), found before the broker starts rather than as a stack trace
     * once it is up; null when it would take them.
     */
    private String refusedSettings() {
        try {
            // an http:// registry, as the demo's is: the registry client's own settings are checked only for one
            GuardApplication.checkSettings(new GuardConfig(demoSettings("127.0.0.1:9092", "http://127.0.0.1:1",
                    Path.of("demo-settings"))));
            return null;
        } catch (ConfigException e) {
            // a refused value is quoted in the message: a URL's credentials with it
            return RegistryClientConfig.shown(e.getMessage());
        }
    }

    /** The broker's, the registry's and the dashboard's ports (8080 by default with --keep-running, often taken). */
    private void requireFreePorts() {
        PortOptions ports = new PortOptions(spec).require("--kafka-port", FreePorts.LOOPBACK, kafkaPort, 1)
                .require("--registry-port", FreePorts.LOOPBACK, registryPort, 1);
        int http = httpPortServed();
        if (http != NO_HTTP) {
            String option = overrides.containsKey(GuardConfig.HTTP_PORT_CONFIG) ? "--set http.port"
                    : httpPort != null ? "--http-port" : "--http-port (" + DEFAULT_HTTP_PORT + " with --keep-running)";
            ports.require(option, overrides.getOrDefault(GuardConfig.HTTP_HOST_CONFIG, FreePorts.LOOPBACK).trim(),
                    http, 1);
        }
    }

    /** The demo, cut short when {@code shutdown} asks; with --keep-running, it keeps running until then. */
    private int demo(ShutdownHandshake shutdown, EndpointsFile endpoints) throws Exception {
        if (!verbose) {
            LogLevels.quiet(Level.ERROR, Level.WARN);
        }
        PrintWriter out = spec.commandLine().getOut();
        // a line that cannot be sent as written is reported and left out, never sent with the producer's time
        SendableLines lines;
        try {
            lines = SendableLines.of(readTimeline());
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot read " + OneLine.of(String.valueOf(timelineFile)) + ": "
                    + TimelineInput.describe(e));
            return LockupGuardCli.EXIT_USAGE;
        }
        lines.refusals().forEach(spec.commandLine().getErr()::println);
        List<TimelineEntry> timeline = lines.sendable();
        long orderLines = timeline.stream().filter(TimelineEntry.OrderLine.class::isInstance).count();
        long executionLines = timeline.stream().filter(TimelineEntry.ExecutionLine.class::isInstance).count();
        out.println(banner(timelineFile));

        step(out, "starting Kafka (KRaft, 1 node, in this JVM)");
        String registryScope = "demo-" + UUID.randomUUID();
        Path stateDir = Files.createTempDirectory("lockup-guard-demo-state-");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(1, kafkaPort, Map.of());
                SchemaRegistryServer registry = new SchemaRegistryServer.Builder(
                        InMemorySchemaRegistry.scope(registryScope)).port(registryPort).start()) {
            done(out, "bootstrap.servers=" + kafka.bootstrapServers());
            done(out, "schema.registry.url=" + registry.url()
                    + " (in memory, the part of Confluent's REST API clients use)");
            GuardConfig config = new GuardConfig(demoSettings(kafka.bootstrapServers(), registry.url(), stateDir));
            if (shutdown.stopRequested()) {
                return 1;
            }

            step(out, "starting the guard (" + config.getString(GuardConfig.PROCESSING_GUARANTEE_CONFIG) + ", "
                    + partitions + " partitions)");
            GuardApplication started;
            try {
                started = GuardApplication.start(config);
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("configuration error: "
                        + RegistryClientConfig.shown(e.getMessage()));
                return LockupGuardCli.EXIT_USAGE;
            } catch (RuntimeException e) {
                // a --set registry or topic the guard refuses at start: said as run says it, not as a stack trace
                LOG.debug("the guard could not start", e);
                spec.commandLine().getErr().println("cannot start: " + FailureText.ofStart(e));
                return 1;
            }
            try (GuardApplication application = started) {
                GuardService guard = application.service();
                if (!guard.awaitRunning(Duration.ofSeconds(60)) && !shutdown.stopRequested()) {
                    spec.commandLine().getErr().println("the guard did not reach RUNNING within 60 s (state "
                            + guard.state() + ")");
                    return 1;
                }
                String dashboard = application.httpPort() < 0 ? null : dashboardUrl(
                        !config.getString(GuardConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG).isBlank(),
                        config.getString(GuardConfig.HTTP_HOST_CONFIG), application.httpPort());
                // --http-port 0 without --keep-running: the port is known only here
                done(out, guard.state().name() + (dashboard == null ? "" : ", dashboard at " + dashboard));
                if (shutdown.stopRequested()) {
                    return 1;
                }

                int refused;
                step(out, "producing the timeline: " + timeline.size() + " lines, " + orderLines + " orders, "
                        + executionLines + " execution reports");
                try (Admin admin = Admin.create(config.clientProperties())) {
                    List<TimelinePreflight.Problem> problems = TimelinePreflight.check(admin,
                            guard.topics().agreements().name(), guard.topics().orders().name(), timeline,
                            Instant.now()).problems();
                    if (!problems.isEmpty()) {
                        // on stderr and with its exit code, as produce says them
                        problems.forEach(problem -> spec.commandLine().getErr().println("not sent: " + problem));
                        spec.commandLine().getErr().println("nothing was sent: the records above would be lost or "
                                + "refused");
                        return LockupGuardCli.EXIT_REFUSED;
                    }
                }
                try (TimelineProducer producer = new TimelineProducer(config.clientProperties(), guard.topics());
                        Admin admin = Admin.create(config.clientProperties())) {
                    // the guard runs: each order after a run of agreements waits until it has taken them, as
                    // produce does (an order sent moments after its agreement could meet the guard first)
                    producer.awaitAfterAgreements(new RunningGuardWait(admin,
                            config.getString(GuardConfig.APPLICATION_ID_CONFIG), RunningGuardWait.LONGEST,
                            warning -> spec.commandLine().getErr().println("warning: " + warning)));
                    TimelineProducer.Sent sent = producer.send(timeline, n -> { });
                    sent.rejected().forEach(spec.commandLine().getErr()::println);
                    done(out, sent.agreements() + " agreements, " + sent.orders() + " orders, " + sent.executions()
                            + " execution reports sent"
                            + (sent.refused() == 0 ? "" : ", " + sent.refused() + " refused"));
                    refused = sent.refused();
                    orderLines = sent.orders();
                    executionLines = sent.executions();
                }

                if (shutdown.stopRequested()) {
                    return 1;
                }
                step(out, "reading decisions, report results and alerts (read_committed)");
                GuardTopics topics = guard.topics();
                List<Decision> decisions;
                List<ReportResult> results;
                List<ComplianceAlert> alerts;
                try (CommittedReader<Decision> decided = new CommittedReader<>(config.clientProperties(),
                        topics.approved(), topics.blocked());
                        CommittedReader<ReportResult> reported = new CommittedReader<>(config.clientProperties(),
                                topics.executionResults());
                        CommittedReader<ComplianceAlert> alerted = new CommittedReader<>(config.clientProperties(),
                                topics.complianceAlerts())) {
                    decisions = values(decided.readUntil((int) orderLines, Duration.ofSeconds(30), r -> { }));
                    results = values(reported.readUntil((int) executionLines, Duration.ofSeconds(30), r -> { }));
                    long alerting = results.stream().filter(r -> r.getAlert() != null).count();
                    alerts = values(alerted.readUntil((int) alerting, Duration.ofSeconds(10), r -> { }));
                }
                DemoTable table = new DemoTable(zoneOf(timeline));
                out.println();
                out.print(table.table(decisions, results));
                out.println();
                out.printf(Locale.ROOT, "%d alert(s) on %s:%n", alerts.size(), topics.complianceAlerts().name());
                out.print(table.alerts(alerts));
                out.println();
                out.printf(Locale.ROOT, "%d of %d orders decided, %d of %d execution reports answered in %.1f s%n",
                        decisions.size(), orderLines, results.size(), executionLines, elapsedSeconds());
                endpoints.write(endpointsJson(kafka.bootstrapServers(), registry.url(), dashboard));
                if (keepRunning) {
                    out.println("running until Ctrl-C: bootstrap.servers=" + kafka.bootstrapServers()
                            + " schema.registry.url=" + registry.url());
                    if (dashboard != null) {
                        out.println("dashboard: " + dashboard + "   API: " + dashboard + "api/holdings   metrics: "
                                + dashboard + "metrics");
                    }
                    out.flush();
                    shutdown.awaitStop();
                }
                return decisions.size() == orderLines && results.size() == executionLines && refused == 0
                        && lines.refusals().isEmpty() ? 0 : 1;
            }
        } finally {
            InMemorySchemaRegistry.dropScope(registryScope);
            Utils.delete(stateDir.toFile());
            out.printf(Locale.ROOT, "stopped after %.1f s%n", elapsedSeconds());
            out.flush();
        }
    }

    private static <V> List<V> values(List<CommittedReader.Read<V>> records) {
        return records.stream().map(CommittedReader.Read::value).toList();
    }

    /**
     * Where a browser on this machine finds the dashboard served on {@code host}: 127.0.0.1 for every address
     * ({@code 0.0.0.0}, {@code ::}), an IPv6 address in brackets.
     */
    static String dashboardUrl(boolean https, String host, int port) {
        String bare = host.trim();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        if (bare.isEmpty() || bare.equals("0.0.0.0") || bare.equals("::")) {
            bare = FreePorts.LOOPBACK;
        }
        return (https ? "https" : "http") + "://" + (bare.contains(":") ? "[" + bare + "]" : bare) + ":" + port
                + "/";
    }

    /** The demo's first line: what it feeds the guard, the letter's story or the {@code --timeline} given. */
    static String banner(Path timelineFile) {
        return "Lockup Guard demo: " + (timelineFile == null ? "the 2003 Dutchess / Cal Bay letter"
                : "the timeline " + OneLine.of(timelineFile.toString())) + " on a real Kafka broker";
    }

    private static String endpointsJson(String bootstrapServers, String registryUrl, String dashboard)
            throws IOException {
        Map<String, String> endpoints = new HashMap<>(Map.of("bootstrapServers", bootstrapServers,
                "schemaRegistryUrl", registryUrl));
        if (dashboard != null) {
            endpoints.put("httpUrl", dashboard);
        }
        return new ObjectMapper().writeValueAsString(endpoints);
    }

    private Map<String, String> demoSettings(String bootstrapServers, String registryUrl, Path stateDir) {
        Map<String, String> settings = new HashMap<>();
        settings.put(GuardConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(GuardConfig.APPLICATION_ID_CONFIG, "lockup-guard-demo");
        settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        settings.put(GuardConfig.STATE_DIR_CONFIG, stateDir.toString());
        settings.put(GuardConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        // one instance on a broker of its own, gone with it: nothing ever waits for its session, of which a guard
        // without an id warns
        settings.put("group.instance.id", "lockup-guard-demo-1");
        settings.put(GuardConfig.TOPICS_PARTITIONS_CONFIG, Integer.toString(partitions));
        // the demo replays 2003: the orders keep their recorded event times
        settings.put(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG, GuardConfig.CREATE_TIME);
        settings.put(GuardConfig.HTTP_PORT_CONFIG, Integer.toString(httpPortOption()));
        settings.putAll(overrides);
        return settings;
    }

    /** The HTTP port --http-port or --keep-running asks for: 8080 with --keep-running, none without. */
    private int httpPortOption() {
        return httpPort != null ? httpPort : keepRunning ? DEFAULT_HTTP_PORT : NO_HTTP;
    }

    /**
     * The HTTP port the guard will take, {@code --set http.port} winning; none where that is not a number (which
     * {@link #refusedSettings}, right after the ports, refuses).
     */
    private int httpPortServed() {
        String set = overrides.get(GuardConfig.HTTP_PORT_CONFIG);
        if (set == null) {
            return httpPortOption();
        }
        try {
            return Integer.parseInt(set.trim());
        } catch (NumberFormatException e) {
            return NO_HTTP;
        }
    }

    private List<TimelineEntry> readTimeline() throws IOException {
        try (BufferedReader reader = open()) {
            PrintWriter err = spec.commandLine().getErr();
            return new TimelineReader(new ObjectMapper(),
                    (lineNumber, warning) -> err.printf(Locale.ROOT,
                            "line %d: warning: %s%n", lineNumber, warning)).readAll(reader);
        }
    }

    private BufferedReader open() throws IOException {
        if (timelineFile != null) {
            return TimelineInput.open(timelineFile);
        }
        InputStream resource = DemoCommand.class.getResourceAsStream(BUILT_IN_TIMELINE);
        if (resource == null) {
            throw new IOException("the built-in timeline " + BUILT_IN_TIMELINE + " is missing from the jar");
        }
        return new BufferedReader(new InputStreamReader(resource, StandardCharsets.UTF_8));
    }

    /**
     * The zone of the timeline's first agreement with a zone there is, to show times as the agreement counts days;
     * UTC without one. An agreement with a zone the JDK does not know (a typo) is not applied: the guard
     * dead-letters it, and the table is shown all the same.
     */
    static ZoneId zoneOf(List<TimelineEntry> timeline) {
        return timeline.stream().filter(TimelineEntry.AgreementLine.class::isInstance)
                .map(e -> ((TimelineEntry.AgreementLine) e).agreement().getTimeZone())
                .flatMap(id -> knownZone(id).stream()).findFirst().orElse(ZoneId.of("UTC"));
    }

    private static Optional<ZoneId> knownZone(String id) {
        try {
            return Optional.of(ZoneId.of(id));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private void step(PrintWriter out, String what) {
        out.printf(Locale.ROOT, "[%5.1f s] %s ...%n", elapsedSeconds(), what);
        out.flush();
    }

    private void done(PrintWriter out, String what) {
        out.printf(Locale.ROOT, "[%5.1f s]   %s%n", elapsedSeconds(), what);
        out.flush();
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
