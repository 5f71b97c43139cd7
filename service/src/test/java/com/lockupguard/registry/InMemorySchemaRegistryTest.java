package com.lockupguard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Schema v1 = SchemaBuilder.record("Thing").fields().requiredLong("a").endRecord();
    private final Schema v2 = SchemaBuilder.record("Thing").fields().requiredLong("a")
            .name("b").type().longType().longDefault(0).endRecord();
    private final Schema breaking = SchemaBuilder.record("Thing").fields().requiredString("a").endRecord();

    @Test
    void shouldGiveSameIdToSameSchemaUnderEverySubject() {
        int first = registry.register("a-value", v1);
        int again = registry.register("a-value", v1);
        int other = registry.register("b-value", v1);
        assertThat(again).isEqualTo(first);
        assertThat(other).isEqualTo(first);
        assertThat(registry.getAllVersions("a-value")).hasSize(1);
    }

    @Test
    void shouldNumberVersionsPerSubject() {
        registry.register("a-value", v1);
        int id2 = registry.register("a-value", v2);
        SchemaMetadata latest = registry.getLatestSchemaMetadata("a-value");
        assertThat(registry.getAllVersions("a-value")).extracting(SchemaMetadata::version).containsExactly(1, 2);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(id2);
        assertThat(latest.schema()).isEqualTo(v2);
    }

    @Test
    void shouldRefuseBackwardIncompatibleVersion() {
        registry.register("a-value", v1);
        assertThat(registry.testCompatibility("a-value", breaking)).isFalse();
        assertThatThrownBy(() -> registry.register("a-value", breaking))
                .isInstanceOf(SchemaRegistryException.IncompatibleSchema.class)
                .hasMessageContaining("a-value");
    }

    @Test
    void shouldAcceptAnythingUnderNone() {
        registry.register("a-value", v1);
        registry.setCompatibility("a-value", CompatibilityLevel.NONE);
        assertThat(registry.register("a-value", breaking)).isPositive();
    }

    @Test
    void shouldCheckForwardCompatibility() {
        Schema removesDefaultless = SchemaBuilder.record("Thing").fields().endRecord();
        assertThat(CompatibilityLevel.FORWARD.allows(removesDefaultless, java.util.List.of(v1))).isFalse();
        assertThat(CompatibilityLevel.BACKWARD.allows(removesDefaultless, java.util.List.of(v1))).isTrue();
        assertThat(CompatibilityLevel.FULL.allows(v2, java.util.List.of(v1))).isTrue();
    }

    @Test
    void shouldNotFindASchemaUnderASubjectThatDoesNotHoldItThoughAnotherDoes() {
        // given v1 registered under a-value, and b-value holding only v2
        registry.register("a-value", v1);
        registry.register("b-value", v2);
        // when v1 is looked up under b-value, then it is not found there (40403), as Confluent's registry answers
        assertThatThrownBy(() -> registry.getId("b-value", v1))
                .isInstanceOfSatisfying(SchemaRegistryException.SchemaNotFound.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40403))
                .hasMessageContaining("b-value");
    }

    @Test
    void shouldCheckTransitiveLevelsAgainstEveryVersionAndTheOthersAgainstTheLatestOnly() {
        // given a subject's versions: a as a long, then a removed
        Schema withoutA = SchemaBuilder.record("Thing").fields().endRecord();
        java.util.List<Schema> versions = java.util.List.of(v1, withoutA);
        // and a candidate with a back, as a string with a default: it reads the latest's records, not the first's
        Schema aAsString = SchemaBuilder.record("Thing").fields().name("a").type().stringType().stringDefault("x")
                .endRecord();
        // when / then
        assertThat(CompatibilityLevel.BACKWARD.allows(aAsString, versions)).isTrue();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.allows(aAsString, versions)).isFalse();
        assertThat(CompatibilityLevel.FULL_TRANSITIVE.allows(aAsString, versions)).isFalse();
        // and a transitive level checks only its own direction: a removed field without a default is backward
        // compatible only, a field added without a default forward compatible only
        Schema addsC = SchemaBuilder.record("Thing").fields().requiredLong("a").requiredLong("c").endRecord();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.allows(withoutA, java.util.List.of(v1))).isTrue();
        assertThat(CompatibilityLevel.FORWARD_TRANSITIVE.allows(withoutA, java.util.List.of(v1))).isFalse();
        assertThat(CompatibilityLevel.FORWARD_TRANSITIVE.allows(addsC, java.util.List.of(v1))).isTrue();
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.allows(addsC, java.util.List.of(v1))).isFalse();
    }

    @Test
    void shouldReportMissingSubjectAndSchemaWithConfluentCodes() {
        assertThatThrownBy(() -> registry.getLatestSchemaMetadata("nope"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        registry.register("a-value", v1);
        assertThatThrownBy(() -> registry.getId("a-value", v2))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> registry.getSchemaById(999))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    @Test
    void shouldShareOneRegistryPerMockScope() {
        SchemaRegistryClient a = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://shared-x"));
        SchemaRegistryClient b = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://shared-x"));
        SchemaRegistryClient c = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://other-x"));
        assertThat(a).isSameAs(b).isNotSameAs(c);
        InMemorySchemaRegistry.dropScope("shared-x");
        InMemorySchemaRegistry.dropScope("other-x");
    }

    @Test
    void shouldNameTheSettingWhenUrlIsMissing() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void shouldFindTheIdAndSchemaOfARegisteredSchemaAndPassACompatibleOne() {
        // given
        int id = registry.register("a-value", v1);
        registry.setDefaultCompatibility(CompatibilityLevel.FULL);

        // when / then
        assertThat(registry.getId("a-value", v1)).isEqualTo(id).isPositive();
        assertThat(registry.getSchemaById(id)).isEqualTo(v1);
        assertThat(registry.defaultCompatibility()).isEqualTo(CompatibilityLevel.FULL);
        assertThat(registry.testCompatibility("a-value", v2)).isTrue();
        assertThat(registry.testCompatibility("a-value", breaking)).isFalse();
    }
}
