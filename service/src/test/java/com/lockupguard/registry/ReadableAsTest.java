package com.lockupguard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ProposedOrder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

/** What a producer's schema may differ in from the guard's, beyond what Avro's resolution checks. */
class ReadableAsTest {

    private static Schema agreementWith(String from, String to) {
        return new Schema.Parser().parse(Agreement.getClassSchema().toString().replace(from, to));
    }

    @Test
    void shouldTellAFieldThatLooksRenamedButNotOneLeftOutOrOneAdded() {
        // given a producer's agreement with commitmentShares where the guard reads totalShares, one that leaves
        // totalShares out, and one that adds a note
        Schema renamed = agreementWith("\"name\":\"totalShares\"", "\"name\":\"commitmentShares\"");
        Schema leftOut = SchemaBuilder.record("Agreement").namespace("com.acme").fields().requiredString("investorId")
                .requiredString("securityId").requiredString("executionDate").endRecord();
        Schema added = SchemaBuilder.record("Agreement").namespace("com.acme").fields().requiredString("investorId")
                .requiredString("securityId").requiredString("executionDate").optionalString("note").endRecord();

        // when / then only the first is told, naming both fields
        assertThat(ReadableAs.renamedFields(Agreement.getClassSchema(), renamed)).isEqualTo("writes "
                + "[commitmentShares], which are not read, and lacks [totalShares], which are read as their "
                + "defaults: was a field renamed?");
        assertThat(ReadableAs.renamedFields(Agreement.getClassSchema(), leftOut)).isNull();
        assertThat(ReadableAs.renamedFields(Agreement.getClassSchema(), Agreement.getClassSchema())).isNull();
        // (a field added while another is left out looks the same, and is told: one line for the schema id)
        assertThat(ReadableAs.renamedFields(Agreement.getClassSchema(), added)).contains("[note]");
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

    @Test
    void shouldRefuseADateWrittenInAUnionWhereTheGuardReadsATimestampThoughAvroPromotesTheIntToALong() {
        // given an agreement whose effectiveAt is an optional date (days), which Avro reads into the guard's optional
        // timestamp-millis by promoting the int to a long: 2003-07-10 would be 12.243 s after 1970
        Schema days = agreementWith("\"name\":\"effectiveAt\",\"type\":[\"null\",{\"type\":\"long\","
                + "\"logicalType\":\"timestamp-millis\"}]",
                "\"name\":\"effectiveAt\",\"type\":[\"null\",{\"type\":\"int\",\"logicalType\":\"date\"}]");
        assertThat(days.getField("effectiveAt").schema().getTypes().get(1).getLogicalType().getName())
                .isEqualTo("date");
        // when / then it is refused, naming the field
        assertThat(ReadableAs.refusal(Agreement.getClassSchema(), days))
                .isEqualTo("its logical types are not the guard's: Agreement.effectiveAt is written as date, read as "
                        + "timestamp-millis");
    }

    @Test
    void shouldRefuseAnEnumOfAnotherNamespaceThatAvroWouldNotReadIntoTheGuardsUnionThoughItsCheckPasses() {
        // given orders of a producer's namespace whose kind is a required enum of that namespace: Avro's check
        // compares enum names without their namespace, its reading matches the guard's union branch by full name
        Schema required = ordersOfAcmeWithKind("{\"type\":\"enum\",\"name\":\"OrderKind\",\"symbols\":"
                + "[\"PUBLIC_SALE\",\"PRIVATE_TRANSFER\",\"PURCHASE\",\"UNKNOWN\"],\"default\":\"UNKNOWN\"}");
        Schema optional = ordersOfAcmeWithKind("[\"null\",{\"type\":\"enum\",\"name\":\"OrderKind\","
                + "\"symbols\":[\"PUBLIC_SALE\",\"PRIVATE_TRANSFER\",\"PURCHASE\",\"UNKNOWN\"],"
                + "\"default\":\"UNKNOWN\"}]");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(ProposedOrder.getClassSchema(), required)
                .getType()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        // when / then the required enum is refused, as Avro's reader would fail on every record; the optional one,
        // in a union shaped as the guard's, is read
        assertThat(ReadableAs.refusal(ProposedOrder.getClassSchema(), required))
                .startsWith("Avro's reading of it fails (").contains("com.acme.orders.OrderKind");
        assertThat(ReadableAs.refusal(ProposedOrder.getClassSchema(), optional)).isNull();
    }

    @Test
    void shouldLeaveToAvroTheRecordsOfAWriterWhoseUnionHasABranchTheGuardsLacks() {
        // given orders whose orderId may also be a boolean: Avro's check refuses it (the start does), but its reader
        // reads every record whose orderId is a string or null
        Schema wider = new Schema.Parser().parse(ProposedOrder.getClassSchema().toString().replace(
                "\"orderId\",\"type\":[\"null\",{\"type\":\"string\",\"avro.java.string\":\"String\"}]",
                "\"orderId\",\"type\":[\"null\",{\"type\":\"string\",\"avro.java.string\":\"String\"},\"boolean\"]"));
        assertThat(wider.getField("orderId").schema().getTypes()).hasSize(3);
        // when / then it is not refused record by record: only the records of the boolean branch fail, in Avro's reader
        assertThat(ReadableAs.refusal(ProposedOrder.getClassSchema(), wider)).isNull();
    }

    private static Schema ordersOfAcmeWithKind(String kind) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"ProposedOrder\",\"namespace\":"
                + "\"com.acme.orders\",\"fields\":[{\"name\":\"orderId\",\"type\":\"string\"},{\"name\":"
                + "\"investorId\",\"type\":\"string\"},{\"name\":\"securityId\",\"type\":\"string\"},"
                + "{\"name\":\"kind\",\"type\":" + kind + "},{\"name\":\"quantity\",\"type\":\"long\"}]}");
    }
}
