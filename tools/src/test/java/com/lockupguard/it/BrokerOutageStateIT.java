package com.lockupguard.it;

import static com.lockupguard.it.Scenario.LETTER_AGREEMENT;
import static com.lockupguard.it.Scenario.letterSale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.timeline.TimelineProducer;
import com.lockupguard.topology.StoreNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A long outage of the only broker while a transaction of the guard is open (orders coming in), with exactly-once
 * (v2): what the guard knows of its holdings must survive it, in the running guard and in one started again.
 *
 * <p>Kafka Streams 4.4.0 loses it, and the guard repairs it (docs/OPERATIONS.md, "A task emptied by a long broker
 * outage", and EmptiedStateRepair). The commit cannot reach the broker ({@code SendOffsetsToTransaction timed out ...
 * within max.block.ms}) and the task is declared corrupted; its dirty close aborts the transaction, which fails too
 * while the broker is away, so that the task's record collector keeps the changelog offsets it wrote; the stores are
 * wiped and the task revived with that collector; when the state updater next checkpoints its restoring tasks (once its
 * end-offset lookup has given up, {@code default.api.timeout.ms} later) it writes those offsets into the new, empty
 * stores; and when the broker is back, the restore starts there, past everything the changelogs hold: the holding is
 * gone ({@code GET /api/holdings} is {@code []}, orders are blocked {@code UNKNOWN_AGREEMENT}), and a restart does not
 * help (the offsets are in the stores themselves). The guard sees the restore start past the changelog's start into an
 * empty store and has Kafka Streams rebuild the task from offset 0 before it decides anything.
 *
 * <p>Reproduced by hand with one broker away for three minutes and the default timeouts; here with every client
 * timeout at a few seconds, the broker stopped just after a commit (so that the next one finds a transaction open,
 * its records acknowledged) and brought back, on the same port and data, once the state updater has given up on the
 * changelogs' end offsets after the corruption, and while the stream thread waits on one of its commit attempts (see
 * {@link #awaitACommitUnderWay}: back while the thread polls instead, the loss is undone by a thread replacement).
 * The test is skipped (a JUnit assumption: counted as skipped in the run's summary), rather than passing without
 * meaning, when the corruption is not seen in three outages, and prints the stream threads' stacks for each; what it
 * logged along the way is printed at the end (failsafe's {@code -output.txt}).
 */
@Timeout(360) // about 65 s, and 60 s more for each outage that corrupts no task
class BrokerOutageStateIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String APPLICATION_ID = "guard-broker-outage";

    /** Long enough that the broker stops with a transaction open; the commit then comes during the outage. */
    private static final long COMMIT_INTERVAL_MS = 5_000;
    /** The stream thread's commit (SendOffsetsToTransaction, EndTxn) gives up after this. */
    private static final long MAX_BLOCK_MS = 5_000;
    /** The state updater's end-offset lookup gives up after this, then checkpoints its restoring tasks. */
    private static final long API_TIMEOUT_MS = 5_000;
    private static final long REQUEST_TIMEOUT_MS = 3_000;
    /** How long after the broker stops the stream thread has declared its task corrupted, normally. */
    private static final long CORRUPTION_WITHIN_MS = COMMIT_INTERVAL_MS + 2 * MAX_BLOCK_MS + 20_000;
    /** Outages tried before the run is given up as proving nothing. */
    private static final int OUTAGES = 3;

    @TempDir
    Path stateDir;

    /** A purchase of one share: decided (and remembered) in the holding's task, changing no position. */
    private static String purchase(String orderId) {
        return "{\"type\":\"order\",\"at\":\"" + Instant.now() + "\",\"orderId\":\"" + orderId + "\","
                + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PURCHASE\",\"quantity\":1}";
    }

    /** A sale of more than the agreement has: blocked on capacity, changing nothing, so its answer never changes. */
    private static String oversizedSale(String orderId) {
        return "{\"orderId\":\"" + orderId + "\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
                + "\"kind\":\"PUBLIC_SALE\",\"quantity\":1000000000}";
    }

    @Test
    void shouldKeepItsHoldingsThroughABrokerOutageThatCorruptsATask() throws Exception {
        String scope = "broker-outage-" + UUID.randomUUID();
        PathLog path = PathLog.attach();
        Timeline timeline = new Timeline();
        SoftAssertions softly = new SoftAssertions();
        try (TestKafka kafka = TestKafka.start(1)) {
            int broker = kafka.brokerIds().iterator().next();
            Map<String, String> settings = settings(kafka, scope);
            BrokerIO io = new BrokerIO(settings);
            timeline.mark("broker started");

            // given a guard that approved 150,000 shares of dutchess/CBYI, what it holds for it, and how it answers a
            // sale of more than the agreement has
            GuardApplication guard = start(settings);
            JsonNode holdingBefore;
            JsonNode answerBefore;
            try {
                io.produce(Scenario.of(List.of(LETTER_AGREEMENT, letterSale("e1", "2003-07-11T09:45:00-04:00"))));
                answerBefore = order(guard, oversizedSale("before")); // decided after e1, on the same partition
                assertThat(answerBefore.get("reasons")).as("the answer before the outage: %s", answerBefore)
                        .extracting(JsonNode::asText).isNotEmpty().doesNotContain("UNKNOWN_AGREEMENT");
                holdingBefore = holding(guard).orElseThrow(() -> new AssertionError("no holding before the outage"));
                assertThat(holdingBefore.get("reservedNow").asLong() + holdingBefore.get("soldToDate").asLong())
                        .as("shares used before the outage: %s", holdingBefore).isEqualTo(150_000L);
                timeline.mark("guard decided e1 and answered 'before'");

                // when the only broker stops with a transaction of the guard open, orders coming in, and stays away
                // until Kafka Streams has declared the task corrupted (the commit failing after max.block.ms), closed
                // it dirty, revived it, and its state updater has given up on the changelogs' end offsets
                // (default.api.timeout.ms) and checkpointed it. Seen once in CI: the stream thread made no commit
                // attempt at all while the broker was away, and went on when it was back; such an outage is tried
                // again, and what the stream thread was doing is printed
                long stoppedAt = 0;
                Optional<PathLog.Line> corrupted = Optional.empty();
                long rebuiltBefore = 0;
                for (int outage = 1; outage <= OUTAGES && corrupted.isEmpty(); outage++) {
                    // the repair must come of the outage that corrupts: one of an outage before could count
                    rebuiltBefore = guard.service().rebuiltTasks();
                    // new order ids each time: ids decided before are answered as repeats, which write no state
                    stoppedAt = stopBrokerWithATransactionOpen(kafka, broker, guard.service().streams(), settings,
                            timeline, "o" + outage + "-p");
                    corrupted = path.await(stoppedAt, Duration.ofMillis(CORRUPTION_WITHIN_MS),
                            line -> line.message().contains("Detected the states of tasks")
                                    && line.message().contains("corrupted"));
                    if (corrupted.isEmpty()) {
                        timeline.mark("outage " + outage + ": no task corrupted within " + CORRUPTION_WITHIN_MS
                                + " ms; the stream threads meanwhile:\n" + streamThreadStacks());
                        kafka.restartBroker(broker);
                        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                                .ignoreExceptions().until(() -> get(guard, "/health/ready").statusCode() == 200);
                    }
                }
                // skipped, not failed: whether Kafka Streams takes this path is a matter of timing, not of the guard;
                // the stacks printed above say what the stream threads did instead
                long lastStop = stoppedAt;
                assumeTrue(corrupted.isPresent(), () -> "the task-corruption path was not hit in " + OUTAGES
                        + " outages: no 'Detected the states of tasks [..] are corrupted' within "
                        + CORRUPTION_WITHIN_MS + " ms of the broker stopping, so this run proves nothing about the "
                        + "outage.\n" + path.summary(lastStop));
                timeline.mark("task corruption: " + corrupted.get().message());
                List<Integer> partitions = taskPartitions(corrupted.get().message());
                List<String> holdingChangelogs = partitions.stream().map(p -> StoreNames.changelogTopic(
                        APPLICATION_ID, StoreNames.HOLDING_STATE) + "-" + p).toList();
                Optional<PathLog.Line> gaveUp = path.await(corrupted.get().at(),
                        Duration.ofMillis(2 * MAX_BLOCK_MS + API_TIMEOUT_MS + 20_000),
                        line -> line.message().contains("End offset for changelog ")
                                && line.message().contains("cannot be found")
                                && holdingChangelogs.stream().anyMatch(c -> line.message().contains(c + " ")));
                timeline.mark(gaveUp.map(line -> "state updater gave up: " + line.message())
                        .orElse("the state updater did not give up on the end offsets of " + holdingChangelogs
                                + " while the broker was away"));
                // (its checkpoint of the restoring tasks follows at once, in the same loop)
                Thread.sleep(300);
                timeline.mark(path.last(corrupted.get().at(), line -> line.thread().contains("StateUpdater")
                        && line.message().contains("State store " + StoreNames.HOLDING_STATE
                                + " updated to written offset")
                        && holdingChangelogs.stream().anyMatch(c -> line.message().endsWith(c)))
                        .map(line -> "while the broker is away, the state updater checkpointed the revived task: "
                                + line.message().substring(line.message().indexOf("State store ")))
                        .orElse("while the broker is away, no changelog offset was checkpointed into the revived "
                                + "task's new holding-state store"));

                // and comes back, on the same port and with its data, while the stream thread waits on its commit
                awaitACommitUnderWay(path, corrupted.get().at(), timeline);
                kafka.restartBroker(broker);
                long restartedAt = System.currentTimeMillis();
                timeline.mark("broker back after " + (restartedAt - stoppedAt) + " ms");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .until(() -> get(guard, "/health/ready").statusCode() == 200);
                path.await(restartedAt, Duration.ofSeconds(30), line -> line.message().startsWith("restored "
                        + StoreNames.HOLDING_STATE + " from ") && holdingChangelogs.stream()
                                .anyMatch(c -> line.message().contains(c + ":")));
                timeline.mark("guard ready again; " + String.join("; ", path.all(restartedAt, line -> line.message()
                        .startsWith("restor") && line.message().contains(StoreNames.HOLDING_STATE + " from ")
                        && holdingChangelogs.stream().anyMatch(c -> line.message().contains(c)))));

                timeline.mark("tasks the guard had Kafka Streams rebuild: " + guard.service().rebuiltTasks());
                // the defect showed: a holding-state restore started past offset 0 once the broker was back. Else
                // the state came back by the accident awaitACommitUnderWay describes, and the run says nothing of the
                // repair
                Pattern restoring = Pattern.compile("^restoring " + StoreNames.HOLDING_STATE + " from (\\S+) offsets "
                        + "(\\d+) to ");
                boolean pastTheStart = !path.all(restartedAt, line -> {
                    Matcher restore = restoring.matcher(line.message());
                    return restore.find() && holdingChangelogs.contains(restore.group(1))
                            && Long.parseLong(restore.group(2)) > 0;
                }).isEmpty();
                assumeTrue(pastTheStart, "no holding-state restore started past offset 0 after the broker came back: "
                        + "the task came back by a thread replacement, not by the repair, so this run proves nothing");
                // then the running guard still holds the holding as it was, and answers the same sale as before
                expectTheHoldingAsBefore(softly, "in the running guard after the outage", guard, holdingBefore,
                        answerBefore, "after-outage");
                // rebuilt at the latest on the order that check sent, before deciding it
                softly.assertThat(guard.service().rebuiltTasks()).as("tasks the guard had Kafka Streams rebuild")
                        .isGreaterThan(rebuiltBefore);
                timeline.mark("running guard checked");
            } finally {
                guard.close();
            }

            // and so does a guard started again on the same state directory
            GuardApplication again = start(settings);
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .until(() -> get(again, "/health/ready").statusCode() == 200);
                expectTheHoldingAsBefore(softly, "in a guard started again on the same state.dir", again,
                        holdingBefore, answerBefore, "after-restart");
                timeline.mark("restarted guard checked");
            } finally {
                again.close();
            }
        } finally {
            System.out.println(timeline);
            System.out.println(path.summary(timeline.start));
            path.detach();
            InMemorySchemaRegistry.dropScope(scope);
        }
        softly.assertAll();
    }

    /**
     * The guard's settings: exactly-once v2 (the default), one stream thread, commits every few seconds, and every
     * client timeout at a few seconds, so that the outage that takes a task down this way lasts seconds, not minutes.
     */
    private Map<String, String> settings(TestKafka kafka, String scope) {
        Map<String, String> settings = GuardInstance.settings(kafka, APPLICATION_ID, scope);
        settings.put(GuardConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2");
        settings.put(GuardConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(COMMIT_INTERVAL_MS));
        settings.put("producer.max.block.ms", Long.toString(MAX_BLOCK_MS));
        settings.put("producer.delivery.timeout.ms", Long.toString(MAX_BLOCK_MS));
        // longer than the outage, so that the broker back does not abort the open transaction on its own before the
        // stream thread's pending commit of it completes (the manual reproduction, with 10 s, did not lose that race)
        settings.put("producer.transaction.timeout.ms", "60000");
        settings.put("request.timeout.ms", Long.toString(REQUEST_TIMEOUT_MS));
        settings.put("default.api.timeout.ms", Long.toString(API_TIMEOUT_MS));
        settings.put(GuardConfig.API_DECISION_TIMEOUT_MS_CONFIG, "30000");
        settings.put(GuardConfig.HTTP_PORT_CONFIG, "0");
        settings.put(GuardConfig.STATE_DIR_CONFIG, stateDir.toString());
        return settings;
    }

    private static GuardApplication start(Map<String, String> settings) throws Exception {
        GuardApplication application = GuardApplication.start(new GuardConfig(settings));
        try {
            assertThat(application.service().awaitRunning(Duration.ofSeconds(90))).as("the guard runs").isTrue();
            return application;
        } catch (RuntimeException | AssertionError e) {
            application.close();
            throw e;
        }
    }

    /**
     * Sends purchases of dutchess/CBYI (ids {@code idPrefix} and a number) one after another until Kafka Streams
     * commits, so that its next commit is a commit interval away; a second more of them, decided in the transaction
     * that commit would close; waits for their records to be acknowledged; and stops the broker. Tries again if a
     * commit came meanwhile. Returns when it stopped (epoch millis).
     */
    private static long stopBrokerWithATransactionOpen(TestKafka kafka, int broker, KafkaStreams streams,
            Map<String, String> settings, Timeline timeline, String idPrefix) throws Exception {
        int sent = 0;
        try (TimelineProducer producer = new TimelineProducer(new GuardConfig(settings).clientProperties(),
                new BrokerIO(settings).topics())) {
            for (int attempt = 1; attempt <= 5; attempt++) {
                double commits = commits(streams);
                long deadline = System.nanoTime() + Duration.ofMillis(3 * COMMIT_INTERVAL_MS).toNanos();
                while (commits(streams) == commits) {
                    assertThat(System.nanoTime()).as("a commit within 3 commit intervals of orders coming in")
                            .isLessThan(deadline);
                    send(producer, purchase(idPrefix + sent++));
                    Thread.sleep(100);
                }
                double aligned = commits(streams);
                long committedAt = System.currentTimeMillis();
                int first = sent;
                while (System.currentTimeMillis() - committedAt < 1_000) {
                    send(producer, purchase(idPrefix + sent++));
                    Thread.sleep(100);
                }
                Thread.sleep(700); // decided, and what they wrote acknowledged by the broker
                if (commits(streams) != aligned) {
                    timeline.mark("attempt " + attempt + ": a commit came before the broker stopped; again");
                    continue;
                }
                kafka.stopBroker(broker);
                long stoppedAt = System.currentTimeMillis();
                timeline.mark("broker stopped " + (stoppedAt - committedAt) + " ms after the last commit, with "
                        + (sent - first) + " purchases decided since" + (commits(streams) != aligned
                                ? " (a commit came while it stopped)" : ""));
                return stoppedAt;
            }
        }
        throw new AssertionError("could not stop the broker between two commits in 5 attempts");
    }

    /**
     * Waits until the stream thread has just begun one of its commit attempts. Meanwhile it retries the commit every
     * {@code commit.interval.ms} after the last failed one, each attempt waiting up to {@code max.block.ms}: a broker
     * back during that wait lets the pending transaction complete before the thread polls and rejoins its group, as in
     * the incident (max.block.ms 60 s, commits every 20 ms: the thread nearly always waits). A broker back while the
     * thread polls instead has it rejoin first; the transaction's offset commit, of the old generation, then fails
     * ({@code CommitFailedException}), the thread is replaced, and the replacement wipes the task again and restores
     * it from the start: the state comes back by a second accident.
     */
    private static void awaitACommitUnderWay(PathLog path, long since, Timeline timeline) throws InterruptedException {
        Predicate<PathLog.Line> failedCommit = line -> line.logger().endsWith(".TaskExecutor")
                && line.message().contains("Committing task(s)") && line.message().endsWith("failed.");
        for (int waits = 0; waits < 3; waits++) {
            Optional<PathLog.Line> last = path.last(since, failedCommit);
            long now = System.currentTimeMillis();
            if (last.isPresent() && now <= last.get().at() + COMMIT_INTERVAL_MS + 1_500) {
                long begun = last.get().at() + COMMIT_INTERVAL_MS + 300;
                Thread.sleep(Math.max(0, begun - now));
                timeline.mark("a commit attempt under way since about " + (System.currentTimeMillis() - begun + 300)
                        + " ms (the last failed at " + last.get().time() + ")");
                return;
            }
            path.await(now, Duration.ofMillis(COMMIT_INTERVAL_MS + MAX_BLOCK_MS + 5_000), failedCommit);
        }
        timeline.mark("no commit attempt of the stream thread seen to time the broker's return by");
    }

    private static void send(TimelineProducer producer, String line) throws InterruptedException {
        producer.send(Scenario.of(List.of(line)).entries(), n -> { }).orFail();
    }

    /** Commits of the stream threads so far (those that committed something). */
    private static double commits(KafkaStreams streams) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : streams.metrics().entrySet()) {
            if (metric.getKey().name().equals("commit-total")
                    && metric.getKey().group().equals("stream-thread-metrics")) {
                total += ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return total;
    }

    private static List<Integer> taskPartitions(String corruption) {
        Matcher tasks = Pattern.compile("tasks \\[([^\\]]*)\\]").matcher(corruption);
        assertThat(tasks.find()).as("the corrupted tasks in: %s", corruption).isTrue();
        List<Integer> partitions = new ArrayList<>();
        for (String task : tasks.group(1).split(",")) {
            partitions.add(Integer.parseInt(task.trim().substring(task.trim().indexOf('_') + 1)));
        }
        return partitions;
    }

    /**
     * What a user expects of {@code guard}: the same sale answered alike (an order first: with a guard that notices
     * emptied state, the first record after a restore is what has it rebuilt), and dutchess/CBYI as before.
     */
    private static void expectTheHoldingAsBefore(SoftAssertions softly, String where, GuardApplication guard,
            JsonNode holdingBefore, JsonNode answerBefore, String orderId) throws Exception {
        JsonNode answer = order(guard, oversizedSale(orderId));
        softly.assertThat(answer.get("reasons")).as("%s: the reasons a sale of 1,000,000,000 is blocked for (%s)",
                where, answer).isEqualTo(answerBefore.get("reasons"));
        softly.assertThat(answer.get("maxAllowedNow")).as("%s: maxAllowedNow of that sale (%s)", where, answer)
                .isEqualTo(answerBefore.get("maxAllowedNow"));
        try {
            // a holding restored late shows up late: a little patience before concluding it is gone
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> holding(guard).isPresent());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the soft assertion below says what is missing
        }
        Optional<JsonNode> holding = holding(guard);
        String holdings = get(guard, "/api/holdings").body();
        softly.assertThat(holding).as("%s: GET /api/holdings has dutchess/CBYI (it answered %s)", where, holdings)
                .isPresent();
        holding.ifPresent(now -> {
            for (String field : List.of("soldToDate", "reservedNow", "releasedToDate", "totalShares",
                    "agreementVersion")) {
                softly.assertThat(now.get(field)).as("%s: %s of dutchess/CBYI", where, field)
                        .isEqualTo(holdingBefore.get(field));
            }
        });
    }

    private static Optional<JsonNode> holding(GuardApplication guard) throws Exception {
        HttpResponse<String> answer = get(guard, "/api/holdings");
        assertThat(answer.statusCode()).as("GET /api/holdings: %s", answer.body()).isEqualTo(200);
        for (JsonNode holding : JSON.readTree(answer.body())) {
            if (holding.get("investorId").asText().equals("dutchess")
                    && holding.get("securityId").asText().equals("CBYI")) {
                return Optional.of(holding);
            }
        }
        return Optional.empty();
    }

    /** POSTs {@code body} to /api/orders until it is answered 200 (503 while rebalancing); the decision. */
    private static JsonNode order(GuardApplication guard, String body) throws Exception {
        List<String> refusals = new ArrayList<>();
        for (int attempt = 0; attempt < 10; attempt++) {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + guard.httpPort() + "/api/orders")).timeout(Duration.ofSeconds(40))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                return JSON.readTree(answer.body());
            }
            refusals.add(answer.statusCode() + " " + answer.body());
            Thread.sleep(1_000);
        }
        throw new AssertionError("POST /api/orders " + body + " was never answered: " + refusals);
    }

    /** What each stream thread is doing now, for a run that did not go the expected way. */
    private static String streamThreadStacks() {
        StringBuilder text = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().contains("StreamThread")) {
                text.append("  ").append(thread.getName()).append(' ').append(thread.getState()).append('\n');
                for (StackTraceElement frame : stack) {
                    text.append("    at ").append(frame).append('\n');
                }
            }
        });
        return text.toString();
    }

    private static HttpResponse<String> get(GuardApplication guard, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + guard.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What happened when, for the report. */
    private static final class Timeline {

        private final long start = System.currentTimeMillis();
        private final Map<String, Long> marks = new LinkedHashMap<>();

        void mark(String what) {
            marks.put(what, System.currentTimeMillis());
            System.out.printf("[BrokerOutageStateIT] +%6d ms %s%n", System.currentTimeMillis() - start, what);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("[BrokerOutageStateIT] timeline:\n");
            marks.forEach((what, at) -> text.append(String.format("  +%6d ms %s%n", at - start, what)));
            return text.toString();
        }
    }

    /**
     * Kafka Streams' and the guard's log lines along the bug's path, captured as they are logged: the corruption, the
     * dirty close, the state updater's failed end-offset lookups and checkpoints, and the restores. Raises the
     * levels of the few loggers that say so (Kafka is at WARN otherwise) for the test, and puts them back after.
     */
    private static final class PathLog extends AppenderBase<ILoggingEvent> {

        private static final String INTERNALS = "org.apache.kafka.streams.processor.internals.";
        private static final Map<String, Level> LEVELS = Map.of(
                INTERNALS + "StreamThread", Level.INFO,
                INTERNALS + "StreamTask", Level.DEBUG,
                INTERNALS + "RecordCollectorImpl", Level.INFO,
                INTERNALS + "ProcessorStateManager", Level.DEBUG,
                INTERNALS + "StoreChangelogReader", Level.INFO,
                INTERNALS + "DefaultStateUpdater", Level.DEBUG);
        private static final List<String> CAPTURED = List.of("org.apache.kafka.streams", "com.lockupguard");

        record Line(long at, String thread, String logger, Level level, String message, String failure) {

            LocalTime time() {
                return LocalTime.ofInstant(Instant.ofEpochMilli(at), ZoneId.systemDefault());
            }

            @Override
            public String toString() {
                return time() + " " + level + " ["
                        + thread + "] " + logger.substring(logger.lastIndexOf('.') + 1) + " - " + message
                        + (failure == null ? "" : "\n    " + failure);
            }
        }

        private final Queue<Line> lines = new ConcurrentLinkedQueue<>();
        private final Map<String, Level> previous = new LinkedHashMap<>();

        static PathLog attach() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            PathLog log = new PathLog();
            log.setContext(context);
            log.setName("broker-outage-path");
            log.start();
            LEVELS.forEach((name, level) -> {
                Logger logger = context.getLogger(name);
                log.previous.put(name, logger.getLevel());
                logger.setLevel(level);
            });
            CAPTURED.forEach(name -> context.getLogger(name).addAppender(log));
            return log;
        }

        void detach() {
            LoggerContext context = (LoggerContext) getContext();
            CAPTURED.forEach(name -> context.getLogger(name).detachAppender(this));
            previous.forEach((name, level) -> context.getLogger(name).setLevel(level));
            stop();
        }

        @Override
        protected void append(ILoggingEvent event) {
            IThrowableProxy thrown = event.getThrowableProxy();
            lines.add(new Line(event.getTimeStamp(), event.getThreadName(), event.getLoggerName(), event.getLevel(),
                    event.getFormattedMessage(), thrown == null ? null : thrown.getClassName() + ": "
                            + thrown.getMessage()));
        }

        /** The first line at or after {@code since} (epoch millis) that {@code wanted}, waiting up to {@code max}. */
        Optional<Line> await(long since, Duration max, Predicate<Line> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + max.toNanos();
            do {
                Optional<Line> found = lines.stream().filter(line -> line.at() >= since).filter(wanted).findFirst();
                if (found.isPresent()) {
                    return found;
                }
                Thread.sleep(50);
            } while (System.nanoTime() < deadline);
            return Optional.empty();
        }

        /** The messages so far at or after {@code since} (epoch millis) that {@code wanted}. */
        List<String> all(long since, Predicate<Line> wanted) {
            return lines.stream().filter(line -> line.at() >= since).filter(wanted).map(Line::message).toList();
        }

        /** The last line so far at or after {@code since} (epoch millis) that {@code wanted}. */
        Optional<Line> last(long since, Predicate<Line> wanted) {
            return lines.stream().filter(line -> line.at() >= since).filter(wanted).reduce((a, b) -> b);
        }

        /** The lines that tell the story since {@code since}, one a line. */
        String summary(long since) {
            Predicate<Line> telling = line -> {
                String m = line.message();
                return m.contains("Detected the states of tasks") || m.contains("Committing task(s)")
                        || m.contains("Closing record collector dirty")
                        || m.contains("Ignoring error in unclean record collector close")
                        || m.contains("Closed dirty") || m.contains("got corrupted")
                        || m.contains("was added to the state updater")
                        || (m.contains("End offset for changelog ") && m.contains(StoreNames.HOLDING_STATE))
                        || m.contains("Checkpointing state of all restoring tasks")
                        || (line.thread().contains("StateUpdater") && m.contains("State store " + StoreNames
                                .HOLDING_STATE + " updated to written offset"))
                        || (line.thread().contains("StateUpdater") && m.contains("Checkpointable offsets")
                                && !m.endsWith("{}"))
                        || m.startsWith("restoring " + StoreNames.HOLDING_STATE + " ")
                        || m.startsWith("restored " + StoreNames.HOLDING_STATE + " ")
                        || m.startsWith("guard state ") || line.level().isGreaterOrEqual(Level.ERROR);
            };
            StringBuilder text = new StringBuilder("[BrokerOutageStateIT] the path, as logged:\n");
            lines.stream().filter(line -> line.at() >= since).filter(telling)
                    .forEach(line -> text.append("  ").append(line).append('\n'));
            return text.toString();
        }
    }
}
