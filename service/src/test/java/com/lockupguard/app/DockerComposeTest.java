package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The container deployment: what docker-compose gives the guard is what the guard reads. */
class DockerComposeTest {

    private static JsonNode services;

    @BeforeAll
    static void read() throws Exception {
        services = yaml("docker-compose.yml").get("services");
    }

    private static Map<String, String> environment(String service) {
        Map<String, String> environment = new HashMap<>();
        services.get(service).get("environment").fields()
                .forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
        return environment;
    }

    @Test
    void shouldTurnGuardEnvironmentIntoItsSettings() {
        // given the guard container's environment
        GuardConfig config = new GuardConfig(ConfigSources.fromEnvironment(environment("lockup-guard")));
        // then the guard talks to the compose services, keeps state on the volume and registers its schemas
        assertThat(config.getList(GuardConfig.BOOTSTRAP_SERVERS_CONFIG)).containsExactly("kafka:19092");
        assertThat(config.getString(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG)).isEqualTo("http://schema-registry:8081");
        assertThat(config.getBoolean(GuardConfig.AUTO_REGISTER_SCHEMAS_CONFIG)).isTrue();
        assertThat(config.getString(GuardConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(config.getString(GuardConfig.STATE_DIR_CONFIG)).startsWith(volumeMount("lockup-guard"));
        assertThat(config.getShort(GuardConfig.TOPICS_REPLICATION_FACTOR_CONFIG)).isEqualTo((short) 1);
        assertThat(config.streamsProperties().get("replication.factor")).isEqualTo(1);
        assertThat(config.originalStrings()).containsEntry("http.host", "0.0.0.0");
    }

    @Test
    void shouldServeTheNetworkOnlyWithAuthenticationAndScrapeMetricsWithTheSameCredential() throws Exception {
        // given the guard container's environment, bound to every interface
        GuardConfig config = new GuardConfig(ConfigSources.fromEnvironment(environment("lockup-guard")));

        // then it has a credential, so it starts (the refusal rule), and Prometheus scrapes /metrics with it
        HttpSecurity security = HttpSecurity.from(config);
        org.assertj.core.api.Assertions.assertThatCode(() -> security.checkExposure("0.0.0.0"))
                .doesNotThrowAnyException();
        String token = config.getPassword(GuardConfig.API_TOKEN_CONFIG).value();
        JsonNode scrape = yaml("deploy/prometheus/prometheus.yml").get("scrape_configs").get(0);
        assertThat(scrape.get("authorization").get("type").asText()).isEqualTo("Bearer");
        assertThat(scrape.get("authorization").get("credentials").asText()).isEqualTo(token);
        assertThat(security.authentication().authenticate("Bearer " + token).has(
                com.lockupguard.security.Role.READ)).isTrue();
        assertThat(services.get("lockup-guard").get("healthcheck").get("test").toString())
                .as("the health check needs no token").contains("/health/ready");
    }

    @Test
    void shouldProduceExampleDataShippedInTheImage() throws Exception {
        JsonNode exampleData = services.get("example-data");
        assertThat(exampleData.get("image").asText()).isEqualTo(services.get("lockup-guard").get("image").asText());
        assertThat(exampleData.get("command").get(0).asText()).isEqualTo("produce");
        // sent once, not again into the guard that decided it each time the stack starts
        assertThat(exampleData.get("command").get(1).asText()).isEqualTo("--if-empty");
        String file = exampleData.get("command").get(2).asText();
        assertThat(file).startsWith("/app/examples/");
        assertThat(Path.of("examples", file.substring("/app/examples/".length()))).exists();
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("COPY examples /app/examples");
        GuardConfig config = new GuardConfig(ConfigSources.fromEnvironment(environment("example-data")));
        assertThat(config.getList(GuardConfig.BOOTSTRAP_SERVERS_CONFIG)).containsExactly("kafka:19092");
    }

    @Test
    void shouldPinEveryImage() {
        services.fields().forEachRemaining(service -> {
            String image = service.getValue().path("image").asText();
            assertThat(image).as(service.getKey()).matches(".+:[^:/]+").doesNotEndWith(":latest");
        });
    }

    @Test
    void shouldPublishEveryPortOnLoopbackOnly() {
        // a PLAINTEXT broker, kafka-ui (which can write approvals) and Grafana without a login, and the guard's
        // development token in the file: none of them for the machine's network
        List<String> published = new ArrayList<>();
        services.fields().forEachRemaining(service -> service.getValue().path("ports")
                .forEach(port -> published.add(service.getKey() + " " + port.asText())));
        assertThat(published).isNotEmpty()
                .allSatisfy(port -> assertThat(port).matches("\\S+ 127\\.0\\.0\\.1:\\d+:\\d+"));
    }

    @Test
    void shouldGiveTheGuardLongerToStopThanItsOwnShutdownTimeout() {
        // Docker kills after 10 s unless told; a guard killed before it has closed restores all its state at start
        String grace = services.get("lockup-guard").path("stop_grace_period").asText();
        GuardConfig config = new GuardConfig(ConfigSources.fromEnvironment(environment("lockup-guard")));
        long shutdownTimeoutMs = config.getLong(GuardConfig.SHUTDOWN_TIMEOUT_MS_CONFIG);
        long ordersUnderWayMs = config.getLong(GuardConfig.API_DECISION_TIMEOUT_MS_CONFIG) + 1_000;
        assertThat(grace).matches("\\d+s");
        // its close: the orders under way get their decisions, the API's producer and decision feed close (5 s
        // each), then Kafka Streams within the timeout
        assertThat(Long.parseLong(grace.substring(0, grace.length() - 1)) * 1000)
                .isGreaterThan(ordersUnderWayMs + 10_000 + shutdownTimeoutMs);
    }

    @Test
    void shouldLeaveTheContainerRoomBesideTheHeapForTheJvmRocksDbAndATenthToSpare() throws Exception {
        // given the image's heap share and the guard container's memory limit
        Matcher share = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)")
                .matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(share.find()).isTrue();
        String limit = services.get("lockup-guard").path("mem_limit").asText();
        assertThat(limit).matches("\\d+g");
        long limitBytes = Long.parseLong(limit.substring(0, limit.length() - 1)) << 30;
        GuardConfig config = new GuardConfig(ConfigSources.fromEnvironment(environment("lockup-guard")));

        // when the heap is full and RocksDB holds its bound
        long heapBytes = limitBytes * Integer.parseInt(share.group(1)) / 100;
        long jvmOwnBytes = 170_000_000L;
        long inUse = heapBytes + jvmOwnBytes + config.getLong(GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG);

        // then docs/OPERATIONS.md's sizing holds (Memory: heap + ~170 MB + rocksdb.memory.bytes + a tenth), short of an
        // OOM kill
        assertThat(inUse + inUse / 10).isLessThanOrEqualTo(limitBytes);
    }

    @Test
    void shouldStartTheGuardAgainWhenItExitsOnAFailure() {
        // the guard exits 1 when the registry or Kafka does not answer at start, and when it stops on its own (a
        // missing ACL, its inputs repartitioned): without a restart policy it would stay down
        assertThat(services.get("lockup-guard").path("restart").asText()).isIn("on-failure", "unless-stopped",
                "always");
    }

    @Test
    void shouldStartEachServiceOnlyWhenWhatItNeedsIsHealthyAndMonitoringWhateverTheGuard() {
        services.fields().forEachRemaining(service -> service.getValue().path("depends_on").fields()
                .forEachRemaining(dependency -> {
                    // Prometheus scrapes the guard once it has started: a guard that never becomes ready, or
                    // restarts over and over, is what its alerts are for
                    boolean monitoringTheGuard = service.getKey().equals("prometheus")
                            && dependency.getKey().equals("lockup-guard");
                    assertThat(dependency.getValue().get("condition").asText()).as(service.getKey())
                            .isEqualTo(monitoringTheGuard ? "service_started" : "service_healthy");
                    assertThat(services.get(dependency.getKey()).has("healthcheck")).as(dependency.getKey()).isTrue();
                }));
    }

    @Test
    void shouldRunTheImageAsANumberedUserThatRunAsNonRootCanCheck() throws Exception {
        // given the image's user, and the owner of its state volume
        String dockerfile = Files.readString(Path.of("Dockerfile"));

        // then both are numbers, not a name Kubernetes cannot tell is not root
        assertThat(dockerfile).containsPattern("(?m)^USER 10001:10001$")
                .contains("chown 10001:10001 /var/lib/lockup-guard");
    }

    @Test
    void shouldChartOnlyMetricsTheGuardExposes() throws Exception {
        // given the provisioned Grafana dashboard's queries
        JsonNode dashboard = json("deploy/grafana/dashboards/lockup-guard.json");
        java.util.Set<String> queried = new java.util.TreeSet<>();
        dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(target ->
                queried.addAll(guardSeries(target.get("expr").asText()))));
        // when the guard's metrics are scraped
        String scrape = scrapeAsTheApplicationBindsIt();
        // then every queried series exists
        assertThat(queried).isNotEmpty().allSatisfy(name -> assertThat(scrape).as(name)
                .containsPattern("(?m)^" + name + "[{ ]"));
        // and Prometheus scrapes the guard where compose runs it
        assertThat(Files.readString(Path.of("deploy/prometheus/prometheus.yml"))).contains("lockup-guard:8080")
                .contains("/metrics");
    }

    @Test
    void shouldAlertOnlyOnMetricsTheGuardExposesWithRulesPrometheusLoads() throws Exception {
        // given the alerting rules Prometheus loads, where compose runs it
        JsonNode rules = yaml("deploy/prometheus/alerts.yml");
        java.util.Set<String> queried = new java.util.TreeSet<>();
        List<String> alerts = new ArrayList<>();
        rules.get("groups").forEach(group -> group.get("rules").forEach(rule -> {
            alerts.add(rule.get("alert").asText());
            assertThat(rule.at("/labels/severity").asText()).as(rule.get("alert").asText()).isIn("page", "ticket");
            queried.addAll(guardSeries(rule.get("expr").asText()));
        }));
        // when the guard's metrics are scraped
        String scrape = scrapeAsTheApplicationBindsIt();
        // then every series an alert asks for exists, and so do the ones every page-worthy failure shows in
        assertThat(queried).allSatisfy(name -> assertThat(scrape).as(name).containsPattern("(?m)^" + name + "[{ ]"));
        assertThat(queried).contains("lockup_guard_compliance_alerts_total", "lockup_guard_topic_problems",
                "lockup_guard_decision_feed_up", "lockup_guard_dead_letters_total",
                "lockup_guard_stream_threads_replaced_total");
        assertThat(alerts).contains("LockupGuardDown", "LockupGuardRestarting", "LockupGuardAgreementBreached");
        // and Prometheus loads them: named in its configuration, mounted beside it
        assertThat(yaml("deploy/prometheus/prometheus.yml").get("rule_files").get(0).asText()).isEqualTo("alerts.yml");
        List<String> mounts = new ArrayList<>();
        services.get("prometheus").get("volumes").forEach(volume -> mounts.add(volume.asText()));
        assertThat(mounts).contains("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
    }

    @Test
    void shouldChartOnlyTheChosenGuardFromTheChosenPrometheus() throws Exception {
        // given the provisioned Grafana dashboard, imported into a Grafana whose Prometheus scrapes other JVMs too
        JsonNode dashboard = json("deploy/grafana/dashboards/lockup-guard.json");
        List<String> variables = new ArrayList<>();
        dashboard.at("/templating/list").forEach(variable -> variables.add(variable.get("name").asText()));

        // when / then: it asks which Prometheus, job and instances, and every panel and series keeps to them
        assertThat(variables).containsExactly("datasource", "job", "instance");
        dashboard.get("panels").forEach(panel -> {
            String title = panel.get("title").asText();
            assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo("${datasource}");
            panel.get("targets").forEach(target -> {
                String expr = target.get("expr").asText();
                java.util.regex.Matcher series = java.util.regex.Pattern
                        .compile("\\b(?:lockup_guard|kafka|jvm)_[a-z_]+(\\{[^}]*})?").matcher(expr);
                int found = 0;
                while (series.find()) {
                    found++;
                    assertThat(series.group(1)).as(title + ": " + expr)
                            .startsWith("{job=\"$job\",instance=~\"$instance\"");
                }
                assertThat(found).as(expr).isPositive();
            });
        });
    }

    @Test
    void shouldChartCountsOverAWindowInACountUnitNotPerSecond() throws Exception {
        // given the provisioned Grafana dashboard's panels
        JsonNode dashboard = json("deploy/grafana/dashboards/lockup-guard.json");

        // when / then: a panel of increase(...[window]) plots how many in that window, which is no rate: neither
        // its unit (ops, reqps... are per second) nor its title may say per second
        dashboard.get("panels").forEach(panel -> {
            boolean counts = java.util.stream.StreamSupport.stream(panel.get("targets").spliterator(), false)
                    .anyMatch(target -> target.get("expr").asText().contains("increase("));
            if (counts) {
                String title = panel.get("title").asText();
                assertThat(panel.at("/fieldConfig/defaults/unit").asText()).as(title).isNotIn("ops", "reqps", "rps", "wps");
                assertThat(title).doesNotContainIgnoringCase("per second");
            }
        });
    }

    @Test
    void shouldChartRatesOverAWindowThatHoldsSeveralScrapesOfAnyPrometheus() throws Exception {
        // given the provisioned Grafana dashboard's panels
        JsonNode dashboard = json("deploy/grafana/dashboards/lockup-guard.json");

        // when / then: each rate() is over Grafana's $__rate_interval (four scrape intervals of the chosen Prometheus)
        // or at least five minutes. A fixed minute held no two samples of a Prometheus that scrapes every minute, its
        // default, and the panel was empty
        dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(target -> {
            String expr = target.get("expr").asText();
            java.util.regex.Matcher window = java.util.regex.Pattern.compile("\\brate\\([^\\[]*\\[([^\\]]+)]")
                    .matcher(expr);
            while (window.find()) {
                assertThat(window.group(1)).as(panel.get("title").asText() + ": " + expr)
                        .matches("\\$__rate_interval|[5-9]m|[1-9][0-9]+m|[1-9][0-9]*h");
            }
        }));
    }

    /** The guard's own series ({@code lockup_guard_*}) a PromQL expression names. */
    private static List<String> guardSeries(String expr) {
        List<String> names = new ArrayList<>();
        java.util.regex.Matcher found = java.util.regex.Pattern.compile("lockup_guard_[a-z_]+").matcher(expr);
        while (found.find()) {
            names.add(found.group());
        }
        return names;
    }

    /** A scrape of the guard's metrics, bound as the application binds them, a dead letter and a request in. */
    private static String scrapeAsTheApplicationBindsIt() {
        try (com.lockupguard.metrics.GuardMetrics metrics = new com.lockupguard.metrics.GuardMetrics()) {
            metrics.bindInfo("lockup-guard", "exactly_once_v2");
            metrics.bindTopicProblems(() -> 0);
            metrics.bindReplacedThreads(() -> 0);
            metrics.bindRebuiltTasks(() -> 0);
            metrics.bindDecisionFeed(() -> true, () -> 0, () -> 0);
            metrics.bindReadiness(() -> true);
            metrics.bindUnreachablePeers(() -> 0);
            // with TLS on
            metrics.bindHttpCertificate(java.time.Instant::now, java.time.Instant::now, () -> false);
            metrics.bindRocksDBMemory(256L * 1024 * 1024, () -> 0, () -> 0);
            metrics.bindWaitingInputs(List.of(new org.apache.kafka.common.TopicPartition("orders", 0)),
                    partition -> 0, partition -> 0);
            metrics.deadLettered(com.lockupguard.topology.DeadLetterReason.KEY_MISMATCH);
            metrics.apiTimer("orders", 200).record(java.time.Duration.ofMillis(3));
            return metrics.scrape();
        }
    }

    /**
     * The YAML file at {@code path}, from the top of the project, read through NIO (which takes the working
     * directory from {@code user.dir}, as PIT's test runs set it) rather than through a {@code File}.
     */
    private static JsonNode yaml(String path) throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(Path.of(path)));
    }

    /** The JSON file at {@code path}, read as {@link #yaml} reads. */
    private static JsonNode json(String path) throws IOException {
        return new ObjectMapper().readTree(Files.readAllBytes(Path.of(path)));
    }

    private static String volumeMount(String service) {
        String volume = services.get(service).get("volumes").get(0).asText();
        return volume.substring(volume.indexOf(':') + 1);
    }
}
