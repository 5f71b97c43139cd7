package com.lockupguard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.testing.ForeignSchemas;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.TopicNames;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchemaBootstrapTest {

    private final String scope = "bootstrap-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
    private final List<SchemaBootstrap.Subject> subjects = GuardTopics
            .avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://" + scope)).subjects();

    @AfterEach
    void drop() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void shouldRegisterWhatTheGuardWritesWhenAutoRegistering() {
        new SchemaBootstrap(registry, true).ensure(subjects);
        assertThat(registry.getAllSubjects()).containsExactlyInAnyOrder("orders-approved-value", "orders-blocked-value",
                "holding-positions-value", "agreement-audit-value", "execution-results-value",
                "compliance-alerts-value");
    }

    @Test
    void shouldCheckTheSubjectsTheGuardWritesUnderTheSubjectNameStrategyItIsConfiguredWith() {
        // given a guard configured, as report producers are told to be, with TopicRecordNameStrategy
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://" + scope,
                "value.subject.name.strategy", "TopicRecordNameStrategy"));
        new SchemaBootstrap(registry, true).ensure(topics.subjects());

        // when it writes a decision
        List<String> before = List.copyOf(registry.getAllSubjects());
        topics.approved().valueSerde().serializer().serialize("orders-approved", Decision.newBuilder()
                .setOrderId("o1").setInvestorId("dutchess").setSecurityId("CBYI").setKind(OrderKind.PUBLIC_SALE)
                .setQuantity(1L).setOrderAt(Instant.parse("2003-07-11T13:45:00Z")).setOutcome(Outcome.APPROVED)
                .setReasons(List.of()).setMaxAllowedNow(null).build());

        // then it writes under the subject the start-up check registered, not another one
        assertThat(before).contains("orders-approved-com.lockupguard.avro.Decision");
        assertThat(registry.getAllSubjects()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void shouldWriteInputsUnderTheirOwnSubjectsWhateverStrategyTheGuardWritesWith() {
        // given a guard configured with TopicRecordNameStrategy for what it writes
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://" + scope,
                "value.subject.name.strategy", "TopicRecordNameStrategy"));

        // when produce (or a test) writes an agreement with the guard's agreements serde
        topics.agreements().valueSerde().serializer().serialize("agreements", Agreement.newBuilder()
                .setInvestorId("dutchess").setSecurityId("CBYI").setExecutionDate(LocalDate.parse("2003-04-28"))
                .build());

        // then it goes under the input subject the start-up check reads and schemas --inputs registers
        assertThat(registry.getAllSubjects()).containsExactly("agreements-value");
    }

    @Test
    void shouldRefuseToStartNamingTheMissingSubjectWhenNotAutoRegistering() {
        // given / when / then: the command that registers it is named, not the .avsc files, whose shared types a
        // registry without schema references cannot resolve
        assertThatThrownBy(() -> new SchemaBootstrap(registry, false).ensure(subjects))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("schema registry has no subject 'orders-approved-value' and auto.register.schemas=false: "
                        + "register com.lockupguard.avro.Decision under it with `lockup-guard schemas --register` and "
                        + "this configuration (or set auto.register.schemas=true)");
    }

    @Test
    void shouldSayWhyTheOrdersTheApiSendsCannotBeWrittenWithoutRegisteringThem() {
        // given a guard that does not register schemas, whose API writes orders under orders-value
        SchemaBootstrap.Subject orders = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url",
                "mock://" + scope)).ordersWritten();
        SchemaBootstrap lookingUp = new SchemaBootstrap(registry, false);

        // when the subject is missing, then why is said (the start warns: every POST /api/orders would be a 502),
        // and nothing is registered
        assertThat(lookingUp.whyNotWritable(orders)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("schema registry has no subject 'orders-value'")
                .contains("`lockup-guard schemas --register`"));
        assertThat(registry.getAllSubjects()).isEmpty();
        // and once the orders schema is registered, nothing is
        registry.register("orders-value", orders.schema());
        assertThat(lookingUp.whyNotWritable(orders)).isEmpty();
        // and a registry that does not answer the lookup is said, not thrown: it does not stop a start
        SchemaRegistryClient away = (SchemaRegistryClient) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {SchemaRegistryClient.class}, (proxy, method, args) -> {
                    throw new SchemaRegistryException.Unavailable("schema registry unavailable", null, true);
                });
        assertThat(new SchemaBootstrap(away, false).whyNotWritable(orders)).hasValue("schema registry unavailable");
    }

    @Test
    void shouldStartWhenEverySchemaIsAlreadyRegistered() {
        // given every schema the guard writes registered by a first start
        new SchemaBootstrap(registry, true).ensure(subjects);
        List<SchemaBootstrap.Subject> written = subjects.stream().filter(SchemaBootstrap.Subject::written).toList();
        assertThat(written).isNotEmpty();
        Map<String, Integer> versions = new java.util.TreeMap<>();
        written.forEach(subject -> versions.put(subject.name(), registry.getAllVersions(subject.name()).size()));
        // when / then a start that registers nothing finds them, and neither start registered a version again
        assertThatCode(() -> new SchemaBootstrap(registry, false).ensure(subjects)).doesNotThrowAnyException();
        assertThatCode(() -> new SchemaBootstrap(registry, true).ensure(subjects)).doesNotThrowAnyException();
        written.forEach(subject -> assertThat(registry.getAllVersions(subject.name())).as(subject.name())
                .hasSize(versions.get(subject.name())));
    }

    @Test
    void shouldRefuseToStartWhenSubjectHoldsAnIncompatibleSchema() {
        registry.setCompatibility("orders-blocked-value", CompatibilityLevel.NONE);
        registry.register("orders-blocked-value", SchemaBuilder.record("Decision").namespace("com.lockupguard.avro")
                .fields().requiredInt("outcome").endRecord());
        registry.setCompatibility("orders-blocked-value", CompatibilityLevel.BACKWARD);
        List<SchemaBootstrap.Subject> blocked = subjects.stream()
                .filter(s -> s.name().equals("orders-blocked-value")).toList();
        assertThatThrownBy(() -> new SchemaBootstrap(registry, false).ensure(blocked))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("orders-blocked-value").hasMessageContaining("INCOMPATIBLE");
    }

    @Test
    void shouldRefuseToAutoRegisterAnIncompatibleSchema() {
        registry.register("orders-approved-value", SchemaBuilder.record("Decision").namespace("com.lockupguard.avro")
                .fields().requiredInt("outcome").endRecord());
        assertThatThrownBy(() -> new SchemaBootstrap(registry, true).ensure(subjects))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("orders-approved-value");
    }

    @Test
    void shouldRefuseToStartWhenProducersWriteWhatTheGuardCannotRead() {
        Schema unreadable = SchemaBuilder.record("ProposedOrder").namespace("com.lockupguard.avro").fields()
                .requiredString("quantity").endRecord();
        registry.register("orders-value", unreadable);
        assertThatThrownBy(() -> new SchemaBootstrap(registry, true).ensure(subjects))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("orders-value").hasMessageContaining("cannot be read");
    }

    @Test
    void shouldRefuseToStartWhenProducersDroppedAFieldTheGuardReadsWithoutADefault() {
        // given a guard that reads things with a field a, which has no default, and producers whose latest schema
        // dropped it: the guard cannot read their records, though they could read the guard's
        Schema guardReads = SchemaBuilder.record("Thing").namespace("test").fields().requiredLong("a")
                .optionalString("b").endRecord();
        Schema producersWrite = SchemaBuilder.record("Thing").namespace("test").fields().optionalString("b")
                .endRecord();
        registry.register("things-value", producersWrite);
        // when it starts, then it refuses, rather than dead-letter every record it reads
        assertThatThrownBy(() -> new SchemaBootstrap(registry, false).ensure(List.of(new SchemaBootstrap.Subject(
                "things-value", guardReads, false))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("things-value").hasMessageContaining("cannot be read");
    }

    @Test
    void shouldRefuseToStartWhenProducersWriteATimestampInMicrosecondsWhereTheGuardReadsMilliseconds() {
        // given producers whose agreements carry effectiveAt as timestamp-micros, which Avro's check lets through
        Schema micros = new Schema.Parser().parse(Agreement.getClassSchema().toString()
                .replace("timestamp-millis", "timestamp-micros"));
        registry.register("agreements-value", micros);
        // when the guard starts, then it refuses, naming the field, rather than read 2003 as the year 35492
        assertThatThrownBy(() -> new SchemaBootstrap(registry, false).ensure(List.of(new SchemaBootstrap.Subject(
                "agreements-value", Agreement.getClassSchema(), false))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("agreements-value")
                .hasMessageContaining("Agreement.effectiveAt is written as timestamp-micros, read as timestamp-millis");
    }

    @Test
    void shouldStartWhenProducersWriteOrdersOfAnotherNamespaceOrWithAnIdTheyCallAUuid() {
        // given producers whose orders are com.acme.orders.ProposedOrder, their ids marked uuid: what Avro reads as
        // the guard's ProposedOrder, and the guard's deserializer too
        Schema acme = ForeignSchemas.ordersOfAnotherNamespaceWithUuidIds();
        assertThat(acme.getField("orderId").schema().getTypes().get(1).getLogicalType()).isNotNull();
        registry.register("orders-value", acme);
        // when / then the guard starts
        assertThatCode(() -> new SchemaBootstrap(registry, false).ensure(List.of(new SchemaBootstrap.Subject(
                "orders-value", ProposedOrder.getClassSchema(), false)))).doesNotThrowAnyException();
    }

    @Test
    void shouldAcceptNewerCompatibleProducerSchema() {
        Schema newer = new Schema.Parser().parse(ProposedOrder.getClassSchema().toString().replace(
                "\"fields\":[", "\"fields\":[{\"name\":\"desk\",\"type\":\"string\",\"default\":\"\"},"));
        registry.register("orders-value", ProposedOrder.getClassSchema());
        int newerId = registry.register("orders-value", newer);
        // when the guard, which reads with the older schema, starts
        assertThatCode(() -> new SchemaBootstrap(registry, false).ensure(List.of(new SchemaBootstrap.Subject(
                "orders-value", ProposedOrder.getClassSchema(), false)))).doesNotThrowAnyException();
        // then the producers' newer schema stays the subject's latest
        assertThat(registry.getLatestSchemaMetadata("orders-value").id()).isEqualTo(newerId);
    }
}
