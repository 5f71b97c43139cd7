package com.lockupguard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.Decision;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** What a producer's schema may differ in from the guard's, beyond what Avro's resolution checks. */
class ReadableAsTest {

    private static Schema agreementWith(String from, String to) {
        return new Schema.Parser().parse(Agreement.getClassSchema().toString().replace(from, to));
    }

    @Test
    void shouldReadTheGuardsOwnSchemaAndATimestampWrittenAsAPlainLong() {
        // given the guard's schema, and one whose effectiveAt is a plain long (milliseconds, as documented)
        Schema plain = agreementWith("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "\"long\"");
        // when / then both are read
        assertThat(ReadableAs.refusal(Agreement.getClassSchema(), Agreement.getClassSchema())).isNull();
        assertThat(ReadableAs.refusal(Agreement.getClassSchema(), plain)).isNull();
    }

    @Test
    void shouldRefuseAnotherLogicalTypeInsideAUnionAndANestedRecord() {
        // given an agreement with a local timestamp, and a decision whose nested position has its asOf in micros
        Schema local = agreementWith("timestamp-millis", "local-timestamp-millis");
        Schema nested = new Schema.Parser().parse(Decision.getClassSchema().toString().replace(
                "{\"name\":\"asOf\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}",
                "{\"name\":\"asOf\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}"));
        // when / then each is refused, naming the field by its path
        assertThat(ReadableAs.refusal(Agreement.getClassSchema(), local))
                .isEqualTo("its logical types are not the guard's: Agreement.effectiveAt is written as "
                        + "local-timestamp-millis, read as timestamp-millis");
        assertThat(ReadableAs.refusal(Decision.getClassSchema(), nested))
                .isEqualTo("its logical types are not the guard's: Decision.position.asOf is written as "
                        + "timestamp-micros, read as timestamp-millis");
    }

    @Test
    void shouldReadALogicalTypeTheGuardsFieldHasNoneOfAndARecordOfAnotherNamespace() {
        // given an agreement whose ids are marked uuid, in a producer's own namespace
        Schema acme = new Schema.Parser().parse(Agreement.getClassSchema().toString()
                .replace("\"namespace\":\"com.lockupguard.avro\"", "\"namespace\":\"com.acme\"")
                .replace("\"name\":\"investorId\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"}",
                        "\"name\":\"investorId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}"));
        assertThat(acme.getField("investorId").schema().getLogicalType()).isNotNull();
        // when / then it is read: a uuid is a string to the guard, and Avro reads a record by its name in any namespace
        assertThat(ReadableAs.refusal(Agreement.getClassSchema(), acme)).isNull();
    }

    @Test
    void shouldReadARecordTheGuardsSchemaNamesByAnAlias() {
        // given a producer's record of an older name, which the reader's schema lists as an alias
        Schema aliased = new Schema.Parser().parse(Agreement.getClassSchema().toString().replaceFirst(
                "\"name\":\"Agreement\",", "\"name\":\"Agreement\",\"aliases\":[\"com.example.Letter\"],"));
        Schema older = new Schema.Parser().parse(Agreement.getClassSchema().toString()
                .replaceFirst("\"name\":\"Agreement\",\"namespace\":\"com.lockupguard.avro\"",
                        "\"name\":\"Letter\",\"namespace\":\"com.example\""));
        // when / then the alias reads it; without the alias it is refused
        assertThat(ReadableAs.refusal(aliased, older)).isNull();
        assertThat(ReadableAs.refusal(Agreement.getClassSchema(), older))
                .isEqualTo("a com.example.Letter is not a com.lockupguard.avro.Agreement (nor named by an alias of "
                        + "it)");
    }
}
