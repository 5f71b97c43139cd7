package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.contract.IsoInstant;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.timeline.DecisionReader;
import com.lockupguard.topology.DecisionObserver;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A timeline through the real broker gives exactly the replay's decisions. */
@Timeout(180)
class EndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestKafka kafka;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafka.start(1);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldDecideLettersTimelineOnBrokerExactlyAsReplay() throws Exception {
        // given the letter's worked example, with its agreement update between orders and a retried order
        Scenario letter = Scenario.of(Files.readAllLines(Path.of("examples/letter-2003.jsonl")));
        String scope = "e2e-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.settings(kafka, "guard-e2e-letter", scope);
        settings.put("topic.agreements", "letter-agreements");
        settings.put("topic.orders", "letter-orders");
        settings.put("topic.approved", "letter-approved");
        settings.put("topic.blocked", "letter-blocked");
        settings.put("topic.dead.letters", "letter-dlq");
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            BrokerIO io = new BrokerIO(settings);
            // when
            io.produce(letter);
            List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(letter.orderCount(), Duration.ofSeconds(60));
            // then the same decisions, in the same order (one holding: one partition)
            assertThat(BrokerIO.outcomes(decisions)).containsExactlyElementsOf(letter.expected());
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldProduceEveryReadableLineOfAFileAndReportTheOthersThenDecideAsTheReplay() throws Exception {
        // given the letter's timeline with two lines that cannot be sent as written after its first order: a sale
        // whose id holds a lone surrogate (Kafka would carry "e9" and U+D800 as "e9?", a new order taking the capacity
        // the letter's next sales use), and a line that is not JSON
        List<String> letter = Files.readAllLines(Path.of("examples/letter-2003.jsonl"));
        List<String> lines = new java.util.ArrayList<>(letter);
        lines.add(2, "{\"type\":\"order\",\"at\":\"2003-07-11T09:44:00-04:00\",\"orderId\":\"e9\\ud800\","
                + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":200000}");
        lines.add(3, "not json");
        Path file = Files.write(stateDir.resolve("letter-with-unreadable-lines.jsonl"), lines);
        String scope = "e2e-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(
                GuardInstance.settings(kafka, "guard-e2e-produced", scope), "produced-");
        try (GuardInstance guard = GuardInstance.start(settings, stateDir.resolve("state"), DecisionObserver.NONE)) {
            // when it is produced as an operator would
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = GuardCommand.run(List.of("produce"), settings, out, err, file.toString());

            // then the two are reported by line and not sent, the exit code says so, and every other line is sent
            assertThat(exit).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
            assertThat(err.toString()).contains("line 3: skipped: not Unicode text: orderId holds a lone surrogate "
                    + "(\\ud800, character 3)", "line 4: skipped: not valid JSON");
            Scenario scenario = Scenario.of(letter);
            assertThat(out.toString()).contains(scenario.orderCount() + " orders and 0 execution reports");
            // and the guard decides exactly the letter's orders, as the replay does: none of them took less
            BrokerIO io = new BrokerIO(settings);
            assertThat(BrokerIO.outcomes(io.awaitDecisions(scenario.orderCount(), Duration.ofSeconds(60))))
                    .containsExactlyElementsOf(scenario.expected());
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldSendATimelineOnceWithIfEmptyAndNothingWhenItsTopicsHoldRecords() throws Exception {
        // given the letter's timeline, and a job that sends it with --if-empty each time a stack starts
        String scope = "e2e-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(
                GuardInstance.settings(kafka, "guard-e2e-if-empty", scope), "once-");
        Scenario letter = Scenario.of(Files.readAllLines(Path.of("examples/letter-2003.jsonl")));
        try {
            // when it runs twice
            StringWriter first = new StringWriter();
            int sent = GuardCommand.run(List.of("produce"), settings, first, new StringWriter(), "--if-empty",
                    "examples/letter-2003.jsonl");
            StringWriter second = new StringWriter();
            StringWriter secondErr = new StringWriter();
            int skipped = GuardCommand.run(List.of("produce"), settings, second, secondErr, "--if-empty",
                    "examples/letter-2003.jsonl");

            // then the first sends it, and the second sends nothing, says why, and exits 0
            assertThat(sent).isZero();
            assertThat(first.toString()).contains("sent 2 agreements", letter.orderCount() + " orders");
            assertThat(skipped).as(secondErr.toString()).isZero();
            assertThat(second.toString()).isEqualTo("nothing sent (--if-empty): once-agreements was written to (2 "
                    + "offsets), once-orders was written to (" + letter.orderCount() + " offsets)\n");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldDecideRandomTimelineOverManyHoldingsExactlyAsReplay() throws Exception {
        // given 8 holdings on 4 partitions and 400 orders
        Scenario scenario = Scenario.random(42, 8, 400);
        String scope = "e2e-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.settings(kafka, "guard-e2e-random", scope);
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            BrokerIO io = new BrokerIO(settings);
            // when
            io.produce(scenario);
            List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(400, Duration.ofSeconds(90));
            // then
            BrokerIO.assertEachOrderDecidedOnce(decisions, 400);
            assertThat(Scenario.sorted(BrokerIO.outcomes(decisions)))
                    .containsExactlyElementsOf(Scenario.sorted(scenario.expected()));
            // and each holding's latest published position (positions coalesce per commit, through the outbox) is
            // the replay's final one
            Map<String, Position> published = new LinkedHashMap<>();
            io.awaitValues(io.topics().positions(), 8, Duration.ofSeconds(30))
                    .forEach(position -> published.put(position.getInvestorId() + "/" + position.getSecurityId(),
                            position));
            Map<String, Scenario.Outcome> last = BrokerIO.lastBy(scenario.expected().stream()
                    .filter(o -> o.soldToDate() != null).toList(), o -> o.investorId() + "/" + o.securityId());
            assertThat(published.keySet()).containsAll(last.keySet());
            last.forEach((holding, outcome) -> {
                assertThat(published.get(holding).getSoldToDate()).as(holding).isEqualTo(outcome.soldToDate());
                assertThat(published.get(holding).getReservedNow()).as(holding).isEqualTo(outcome.reservedNow());
            });
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldNameTheAgreementRecordsAStoppedGuardHadNotTakenAndExitOne() throws Exception {
        // given a guard that decided 2 holdings' 10 orders, then stopped, and 2 new agreement versions and 4 orders
        // sent after it stopped
        String scope = "e2e-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(
                GuardInstance.settings(kafka, "guard-e2e-untaken", scope), "untaken-");
        try {
            BrokerIO io = new BrokerIO(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                Scenario scenario = Scenario.random(71, 2, 10);
                io.produce(scenario);
                io.awaitDecisions(scenario.orderCount(), Duration.ofSeconds(90));
                // when it has caught up, its export says nothing of agreements
                StringWriter err = new StringWriter();
                assertThat(GuardCommand.run(List.of("export"), settings, new StringWriter(), err)).as(err.toString())
                        .isZero();
            }
            Scenario later = Scenario.random(72, 2, 4);
            assertThat(later.leadingAgreementLines()).isEqualTo(2);
            io.produce(later.head(2)); // agreements alone: not waiting for a guard to audit them
            io.produce(later.tail(2));

            // when its inputs are exported
            StringWriter err = new StringWriter();
            int exit = GuardCommand.run(List.of("export"), settings, new StringWriter(), err);

            // then the agreement records it had not taken are named and counted, with exit code 1
            assertThat(exit).as(err.toString()).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
            assertThat(err.toString()).containsPattern("untaken-agreements: left out: 2 agreement records the guard "
                    + "\\('guard-e2e-untaken'\\) had not taken when the export started \\(untaken-agreements-\\d: .*"
                    + "\\): their versions are not on untaken-agreement-audit, so not in the timeline")
                    .contains("; the guard had not taken 2 agreement records (above): the timeline lacks their "
                            + "versions");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldExportWhatTheGuardWasGivenAsATimelineWhoseReplayGivesItsDecisionsAndResults() throws Exception {
        // given a guard that decided a random timeline of 6 holdings, fills and cancels among its orders, and a
        // tombstone on its orders topic, which it dead-letters; its inputs have 3 partitions, the outputs it
        // created 4, so that the audit of its agreements mixes the inputs' partitions
        Scenario scenario = Scenario.randomWithExecutions(7, 6, 150);
        String scope = "e2e-" + UUID.randomUUID();
        Map<String, String> settings = GuardInstance.withTopicPrefix(
                GuardInstance.settings(kafka, "guard-e2e-export", scope), "export-");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(settings.get(GuardConfig.TOPIC_AGREEMENTS_CONFIG), 3, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")), new NewTopic(settings.get(
                            GuardConfig.TOPIC_ORDERS_CONFIG), 3, (short) 1).configs(Map.of("retention.ms", "-1"))))
                    .all().get();
        }
        try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
            BrokerIO io = new BrokerIO(settings);
            io.produce(scenario);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(settings.get(GuardConfig.TOPIC_ORDERS_CONFIG), "investor-0/SEC",
                        null)).get();
            }
            List<DecisionReader.DecisionRecord> decisions = io.awaitDecisions(scenario.orderCount(),
                    Duration.ofSeconds(90));
            List<ReportResult> results = io.awaitValues(io.topics().executionResults(), scenario.executionCount(),
                    Duration.ofSeconds(60));

            // when its inputs are exported
            Path exported = stateDir.resolve("exported.jsonl");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = GuardCommand.run(List.of("export"), settings, out, err, "--output", exported.toString());

            // then every agreement, order and report is a line, the tombstone is named, and the exit code says so
            assertThat(exit).as(err.toString()).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
            assertThat(err.toString()).containsPattern("export-orders-\\d@\\d+: left out: a tombstone")
                    .contains(String.format(Locale.ROOT, "exported 6 agreement versions, %d orders and %d "
                            + "execution reports; left out 1 records the guard dead-letters (above)",
                            scenario.orderCount(), scenario.executionCount()));
            assertThat(out.toString()).isEmpty();
            assertThat(stateDir.resolve("exported.jsonl.partial")).doesNotExist();
            // and their replay decides every order and answers every report as the guard did
            Scenario replayed = Scenario.of(Files.readAllLines(exported));
            assertThat(Scenario.sorted(replayed.expected()))
                    .containsExactlyElementsOf(Scenario.sorted(BrokerIO.outcomes(decisions)));
            assertThat(Scenario.sortedResults(replayed.expectedResults())).containsExactlyElementsOf(
                    Scenario.sortedResults(results.stream().map(Scenario.ResultOutcome::of).toList()));
            // and one holding's export (the tombstone is another's) replays to that holding's decisions alone
            Path one = stateDir.resolve("investor-3.jsonl");
            assertThat(GuardCommand.run(List.of("export"), settings, new StringWriter(), new StringWriter(),
                    "--holding", "investor-3/SEC", "--output", one.toString())).isZero();
            assertThat(Scenario.sorted(Scenario.of(Files.readAllLines(one)).expected())).isNotEmpty()
                    .containsExactlyElementsOf(Scenario.sorted(BrokerIO.outcomes(decisions).stream()
                            .filter(outcome -> outcome.investorId().equals("investor-3")).toList()));
            // and '--output -' writes the same to standard output, as other tools take it, not to a file named '-'
            StringWriter dashOut = new StringWriter();
            assertThat(GuardCommand.run(List.of("export"), settings, dashOut, new StringWriter(), "--holding",
                    "investor-3/SEC", "--output", "-")).isZero();
            assertThat(dashOut.toString().lines()).containsExactlyElementsOf(Files.readAllLines(one));
            assertThat(Path.of("-")).doesNotExist();
            // and an export up to the time of a line half-way is the whole export's lines up to that time (the
            // tombstone, stamped now, after it), whose replay gives the guard's decisions of the orders among them
            List<String> whole = Files.readAllLines(exported);
            Instant half = timeOf(whole.get(whole.size() / 2));
            Path upTo = stateDir.resolve("until.jsonl");
            StringWriter untilErr = new StringWriter();
            assertThat(GuardCommand.run(List.of("export"), settings, new StringWriter(), untilErr, "--until",
                    half.toString(), "--output", upTo.toString())).as(untilErr.toString()).isZero();
            List<String> prefix = whole.stream().takeWhile(line -> !timeOf(line).isAfter(half)).toList();
            assertThat(Files.readAllLines(upTo)).hasSizeGreaterThan(whole.size() / 2).hasSizeLessThan(whole.size())
                    .containsExactlyElementsOf(prefix);
            List<Scenario.Outcome> decided = Scenario.of(prefix).expected();
            Set<String> orderIds = decided.stream().map(Scenario.Outcome::orderId).collect(Collectors.toSet());
            assertThat(Scenario.sorted(decided)).containsExactlyElementsOf(Scenario.sorted(BrokerIO.outcomes(
                    decisions).stream().filter(outcome -> orderIds.contains(outcome.orderId())).toList()));
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    private static Instant timeOf(String line) {
        try {
            return IsoInstant.parse(JSON.readTree(line).get("at").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
