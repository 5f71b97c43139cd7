package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.registry.SchemaBootstrap;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.TopicNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code schemas}: what a deployment step registers when the guard may not (auto.register.schemas=false). */
class SchemasCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A plugged-in serde standing in for Confluent's: it names its subjects by value.subject.name.strategy. */
    private static final String COUNTING_SERDE = "com.lockupguard.topology.PluggableSerdeTest$CountingSerde";

    private final String scope = "schemas-" + UUID.randomUUID();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void drop() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    private int run(String... arguments) {
        CommandLine command = new CommandLine(new SchemasCommand());
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(arguments);
    }

    @Test
    void shouldRefuseInputsWithoutRegisterRatherThanRegisterNothingSilently() {
        // given a deployment step that asks for the producers' subjects but forgot --register
        String[] step = {"--inputs"};

        // when
        int exit = run(step);

        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--inputs goes with --register");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldPrintEverySubjectWithASchemaTheRegistryCanTakeAsIs() throws Exception {
        // when
        int exit = run();

        // then one line per subject, the schema whole (its named types inlined), as a registry's POST body takes it
        assertThat(exit).isZero();
        List<String> subjects = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            JsonNode entry = JSON.readTree(line);
            subjects.add(entry.get("subject").asText());
            Schema schema = new Schema.Parser().parse(entry.get("schema").asText());
            assertThat(entry.get("record").asText()).isEqualTo(schema.getFullName());
        }
        assertThat(subjects).containsExactly("agreements-value", "orders-value",
                "orders-com.lockupguard.avro.ExecutionReport", "orders-approved-value", "orders-blocked-value",
                "holding-positions-value", "agreement-audit-value", "execution-results-value",
                "compliance-alerts-value");
    }

    @Test
    void shouldRegisterWhatTheGuardWritesSoThatItStartsWithAutoRegisterOff() {
        // given an empty registry
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

        // when
        int exit = run("--register", "--set", "schema.registry.url=mock://" + scope);

        // then the guard's own subjects are there (orders-value too: its HTTP API writes orders), the producers'
        // are left to them, and the guard would start
        assertThat(exit).isZero();
        assertThat(registry.getAllSubjects()).containsExactlyInAnyOrder("orders-value", "orders-approved-value",
                "orders-blocked-value", "holding-positions-value", "agreement-audit-value", "execution-results-value",
                "compliance-alerts-value");
        assertThat(out.toString()).contains("orders-approved-value: id ");
        assertThatCode(() -> new SchemaBootstrap(registry, false).ensure(GuardTopics
                .avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://" + scope)).subjects()))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRegisterTheOrdersSubjectThatThePreTradeApiWritesWhenTheApiIsOn() {
        // given an empty registry, and a guard whose HTTP API (POST /api/orders, on by default) produces orders
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

        // when
        int exit = run("--register", "--set", "schema.registry.url=mock://" + scope);

        // then the API can write an order with auto.register.schemas=false, as the guard's own producer writes it
        assertThat(exit).isZero();
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://" + scope,
                "auto.register.schemas", "false"));
        assertThatCode(() -> topics.orders().valueSerde().serializer().serialize("orders", ProposedOrder.newBuilder()
                .setOrderId("o1").setInvestorId("dutchess").setSecurityId("CBYI").setKind(OrderKind.PUBLIC_SALE)
                .setQuantity(1L).build())).doesNotThrowAnyException();
        assertThat(registry.getAllSubjects()).contains("orders-value");
        assertThat(out.toString()).contains("orders-value: id ");
    }

    @Test
    void shouldRegisterTheOrdersSubjectTheApiWritesUnderWhateverStrategyTheOutputsUse() {
        // given an empty registry, and a guard writing its outputs under TopicRecordNameStrategy
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

        // when
        int exit = run("--register", "--set", "schema.registry.url=mock://" + scope, "--set",
                "value.subject.name.strategy=TopicRecordNameStrategy");

        // then the API's orders go under the producers' orders-value, as its serde writes them, and it can write one
        assertThat(exit).isZero();
        assertThat(registry.getAllSubjects()).contains("orders-value", "orders-approved-com.lockupguard.avro.Decision")
                .doesNotContain("orders-com.lockupguard.avro.ProposedOrder");
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://" + scope,
                "auto.register.schemas", "false", "value.subject.name.strategy", "TopicRecordNameStrategy"));
        assertThatCode(() -> topics.orders().valueSerde().serializer().serialize("orders", ProposedOrder.newBuilder()
                .setOrderId("o1").setInvestorId("dutchess").setSecurityId("CBYI").setKind(OrderKind.PUBLIC_SALE)
                .setQuantity(1L).build())).doesNotThrowAnyException();
    }

    @Test
    void shouldLeaveTheOrdersSubjectToTheProducersWhenTheApiIsOff() {
        // given
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

        // when
        int exit = run("--register", "--set", "schema.registry.url=mock://" + scope, "--set", "http.port=-1");

        // then
        assertThat(exit).isZero();
        assertThat(registry.getAllSubjects()).doesNotContain("orders-value", "agreements-value").hasSize(6);
    }

    @Test
    void shouldRegisterTheProducersSubjectsTooWhenAsked() {
        // given
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

        // when
        int exit = run("--register", "--inputs", "--set", "schema.registry.url=mock://" + scope, "--set",
                "topic.orders=desk-orders");

        // then
        assertThat(exit).isZero();
        assertThat(registry.getAllSubjects()).contains("agreements-value", "desk-orders-value",
                "desk-orders-com.lockupguard.avro.ExecutionReport").hasSize(9);
    }

    @Test
    void shouldPrintTheSubjectsAPluggedInSerdeWritesUnderTheConfiguredStrategy() throws Exception {
        // given a plugged-in serde that names its subjects as Confluent's does, by value.subject.name.strategy
        String[] settings = {"--set", "schema.registry.url=mock://" + scope, "--set",
            "default.value.serde=" + COUNTING_SERDE, "--set",
            "value.subject.name.strategy=TopicRecordNameStrategy"};

        // when
        int exit = run(settings);

        // then what the guard writes is named as that strategy names it, orders too (the HTTP API writes them)
        assertThat(exit).isZero();
        Map<String, Boolean> written = new java.util.LinkedHashMap<>();
        for (String line : out.toString().split("\n")) {
            JsonNode entry = JSON.readTree(line);
            written.put(entry.get("subject").asText(), entry.get("written").asBoolean());
        }
        assertThat(written).containsEntry("orders-approved-com.lockupguard.avro.Decision", true)
                .containsEntry("orders-blocked-com.lockupguard.avro.Decision", true)
                .containsEntry("holding-positions-com.lockupguard.avro.Position", true)
                .containsEntry("compliance-alerts-com.lockupguard.avro.ComplianceAlert", true)
                .containsEntry("orders-com.lockupguard.avro.ProposedOrder", true)
                .doesNotContainKeys("orders-approved-value", "holding-positions-value")
                .containsEntry("agreements-value", false);
        // and it is the subject the serde itself writes an order under
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://" + scope,
                "default.value.serde", COUNTING_SERDE,
                "value.subject.name.strategy", "TopicRecordNameStrategy"));
        topics.orders().valueSerde().serializer().serialize("orders", ProposedOrder.newBuilder().setOrderId("o1")
                .setInvestorId("dutchess").setSecurityId("CBYI").setKind(OrderKind.PUBLIC_SALE).setQuantity(1L)
                .build());
        assertThat(InMemorySchemaRegistry.scope(scope).getAllSubjects())
                .containsExactly("orders-com.lockupguard.avro.ProposedOrder");
    }

    /** A plugged-in serde that takes any subject name strategy, as Confluent's loads a strategy class of the user's. */
    public static final class OwnStrategySerde implements Serde<Object> {
        @Override
        public Serializer<Object> serializer() {
            throw new UnsupportedOperationException("schemas never writes a record");
        }

        @Override
        public Deserializer<Object> deserializer() {
            throw new UnsupportedOperationException("schemas never reads a record");
        }
    }

    @Test
    void shouldSayItCannotKnowTheSubjectsOfAPluggedInSerdeWithAStrategyOfItsOwn() {
        // when the plugged-in serde is told a subject name strategy the guard does not know
        int exit = run("--set", "schema.registry.url=mock://" + scope, "--set",
                "default.value.serde=" + OwnStrategySerde.class.getName(), "--set",
                "value.subject.name.strategy=com.example.DeskSubjectStrategy");

        // then no subject is printed, and it says why
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("default.value.serde").contains("com.example.DeskSubjectStrategy")
                .contains("cannot");
    }

    @Test
    void shouldRegisterTheOrdersSubjectWhenTheApiListensOnAnyFreePort() {
        // given an empty registry, and a guard whose API takes any free port (http.port=0): it is on
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

        // when
        int exit = run("--register", "--set", "schema.registry.url=mock://" + scope, "--set", "http.port=0");

        // then
        assertThat(exit).isZero();
        assertThat(registry.getAllSubjects()).contains("orders-value");
    }

    @Test
    void shouldExitWithTheConfigurationErrorCodeOnARefusedSetting() {
        // when a setting is refused
        int exit = run("--set", "http.port=many");

        // then it says so with exit code 2 (a deployment step tells it from a registry that refused a subject, 1)
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: ").contains("http.port");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldRefuseAMisspeltTopicOrGuardSettingRatherThanRegisterTheDefaultTopicsSubjects() {
        // when a topic is named under a misspelt setting, or the guard's own names hold one it does not know
        int misspeltTopic = run("--set", "topic.order=myorders", "--set", "schema.registry.url=mock://" + scope);
        String misspeltTopicError = err.toString();
        int unknown = run("--set", "topics.partition=3", "--set", "schema.registry.url=mock://" + scope);

        // then each is refused as run refuses it, and nothing is printed or registered (seen in a review: exit 0,
        // the subjects of the default orders topic registered)
        assertThat(misspeltTopic).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(misspeltTopicError).startsWith("configuration error: ").contains("did you mean topic.orders?");
        assertThat(unknown).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("topics.partition: the guard has no such setting");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldWarnOfASettingNobodyKnowsAsRunDoes() {
        // when
        int exit = run("--set", "comit.interval.ms=3", "--set", "schema.registry.url=mock://" + scope);

        // then the subjects are printed, with the warning run logs
        assertThat(exit).isZero();
        assertThat(err.toString()).contains("warning: settings neither the guard nor Kafka's clients know, so "
                + "without effect (misspelt?): comit.interval.ms");
    }

    @Test
    void shouldNotShowTheRegistryPasswordWhenARefusedValueIsTheUrl() {
        // when the registry URL itself is refused, with its password in it
        int exit = run("--set", "schema.registry.url=ftp://guard:s3cret@registry.test");

        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: ").doesNotContain("s3cret");
    }

    @Test
    void shouldNotShowTheRegistryPasswordWhenASubjectCannotBeRegistered() {
        // when the registry, whose URL carries a password, cannot be reached
        int exit = run("--register", "--set", "schema.registry.url=http://guard:s3cret@127.0.0.1:1", "--set",
                "max.retries=0");

        // then the subject and the registry are named, never the password
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
        assertThat(err.toString()).contains("orders-approved-value").doesNotContain("s3cret");
    }

    @Test
    void shouldRefuseToRegisterWithAPluggedInSerdeRatherThanSayNothing() {
        // when a deployment step asks to register with a plugged-in serde (which registers its own schemas)
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
        int exit = run("--register", "--set", "schema.registry.url=mock://" + scope, "--set",
                "default.value.serde=" + COUNTING_SERDE);

        // then it fails, saying why, rather than succeed having registered nothing
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("plugged-in serde");
        assertThat(registry.getAllSubjects()).isEmpty();
    }

    @Test
    void shouldSayWhichSubjectFailedWhenTheRegistryCannotBeReached() {
        // when
        int exit = run("--register", "--set", "schema.registry.url=http://127.0.0.1:1", "--set", "max.retries=0");

        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
        assertThat(err.toString()).contains("orders-approved-value").contains("127.0.0.1:1");
    }
}
