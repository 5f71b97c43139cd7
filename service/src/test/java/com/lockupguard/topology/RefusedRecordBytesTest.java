package com.lockupguard.topology;

import static com.lockupguard.topology.TopologyFixture.HOLDING;
import static com.lockupguard.topology.TopologyFixture.at;
import static com.lockupguard.topology.TopologyFixture.header;
import static com.lockupguard.topology.TopologyFixture.letter;
import static com.lockupguard.topology.TopologyFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.AgreementOutcome;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.web.OrderCorrelation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record the guard reads but refuses goes to the dead-letter topic as it was received: its own bytes,
 * written with the producer's schema version, not the guard's re-encoding of what it read. And the guard
 * never registers its own version of an input schema under the producers' subject to write one.
 */
class RefusedRecordBytesTest {

    @TempDir
    Path stateDir;

    private TopologyFixture guard;
    private InMemorySchemaRegistry registry;

    @BeforeEach
    void start() {
        guard = new TopologyFixture(stateDir);
        registry = InMemorySchemaRegistry.scope(guard.registryScope);
    }

    @AfterEach
    void stop() {
        guard.close();
    }

    @Test
    void shouldDeadLetterAnInvalidAgreementAsItsProducerWroteIt() {
        // given a producer on a newer agreement schema, with an optional field the guard does not know
        byte[] sent = withNewerSchema("agreements", Agreement.getClassSchema(),
                guard.topics.agreements().valueSerde().serializer(), letter().setTotalShares(0).build());
        int versionsBefore = registry.getAllVersions("agreements-value").size();

        // when it sends an invalid agreement
        guard.rawAgreements.pipeInput(HOLDING, sent, at("2003-04-28T09:00:00-04:00"));

        // then the dead letter holds the producer's bytes, with the reason in its headers
        TestRecord<String, byte[]> letter = single(guard.drainDeadLetters());
        assertThat(letter.value()).isEqualTo(sent);
        assertThat(letter.key()).isEqualTo(HOLDING);
        assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("INVALID_AGREEMENT");
        assertThat(header(letter, DeadLetters.EXCEPTION_HEADER)).isEqualTo(RejectedRecordException.class.getName());
        assertThat(header(letter, DeadLetters.TOPIC_HEADER)).isEqualTo("agreements");
        assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("invalid agreement");
        // and the rejection is still audited
        assertThat(guard.agreementAudit.readValuesToList()).singleElement()
                .satisfies(audit -> assertThat(audit.getOutcome()).isEqualTo(AgreementOutcome.REJECTED));
        // and the guard registered nothing under the producers' subject to write the dead letter
        assertThat(registry.getAllVersions("agreements-value")).hasSize(versionsBefore);
    }

    @Test
    void shouldDeadLetterAnOrderOfAnotherHoldingAsItsProducerWroteIt() {
        // given the letter agreement, and a producer on a newer order schema
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
        guard.agreementAudit.readValuesToList();
        SpecificRecord order = order("o-1", OrderKind.PUBLIC_SALE, 1_000);
        byte[] sent = withNewerSchema("orders", ProposedOrder.getClassSchema(),
                guard.topics.orders().valueSerde().serializer(), order);

        // when the order is keyed by another holding
        guard.rawOrders.pipeInput("someone/ELSE", sent, at("2003-08-01T10:00:00-04:00"));

        // then it is dead-lettered as it was received, and not decided
        TestRecord<String, byte[]> letter = single(guard.drainDeadLetters());
        assertThat(letter.value()).isEqualTo(sent);
        assertThat(letter.key()).isEqualTo("someone/ELSE");
        assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("KEY_MISMATCH");
        assertThat(header(letter, DeadLetters.TOPIC_HEADER)).isEqualTo("orders");
        assertThat(guard.drainDecisions()).isEmpty();
    }

    @Test
    void shouldKeepTheRefusedRecordsOwnHeadersBesideTheRefusal() {
        // given the letter agreement, and an order sent with its caller's correlation header
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
        guard.agreementAudit.readValuesToList();
        byte[] sent = guard.topics.orders().valueSerde().serializer().serialize("orders",
                order("o-1", OrderKind.PUBLIC_SALE, 1_000));
        Headers headers = new RecordHeaders().add(OrderCorrelation.HEADER, "caller-7".getBytes(StandardCharsets.UTF_8));

        // when the order is refused (keyed by another holding)
        guard.rawOrders.pipeInput(new TestRecord<>("someone/ELSE", sent, headers, at("2003-08-01T10:00:00-04:00")));

        // then its dead letter still carries the header its sender can match it by, beside the refusal's
        TestRecord<String, byte[]> letter = single(guard.drainDeadLetters());
        assertThat(header(letter, OrderCorrelation.HEADER)).isEqualTo("caller-7");
        assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("KEY_MISMATCH");
    }

    @Test
    void shouldReplaceTheErrorHeadersOfARecordRedrivenFromTheDeadLetterTopic() {
        // given the letter agreement, and an order an operator sends again as it lies on the dead-letter topic,
        // with the headers of its first refusal
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
        guard.agreementAudit.readValuesToList();
        Headers firstRefusal = new RecordHeaders()
                .add(DeadLetters.TOPIC_HEADER, "elsewhere".getBytes(StandardCharsets.UTF_8))
                .add(DeadLetters.OFFSET_HEADER, "99".getBytes(StandardCharsets.UTF_8))
                .add(DeadLetters.REASON_HEADER, "UNKNOWN_AGREEMENT".getBytes(StandardCharsets.UTF_8));

        // when it is refused again (keyed by another holding)
        guard.orders.pipeInput(new TestRecord<>("someone/ELSE", order("o-1", OrderKind.PUBLIC_SALE, 1_000),
                firstRefusal, at("2003-08-01T10:00:00-04:00")));

        // then its dead letter says where and why this time, once: a reader of the first header of a name is not
        // told the old refusal
        Headers headers = single(guard.drainDeadLetters()).headers();
        assertThat(headers.headers(DeadLetters.TOPIC_HEADER)).singleElement()
                .satisfies(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("orders"));
        assertThat(headers.headers(DeadLetters.OFFSET_HEADER)).singleElement()
                .satisfies(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("0"));
        assertThat(headers.headers(DeadLetters.REASON_HEADER)).singleElement()
                .satisfies(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("KEY_MISMATCH"));
    }

    @Test
    void shouldDeadLetterARefusedRecordWithTheTimestampOfTheRecordItself() {
        // given the letter agreement
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
        guard.agreementAudit.readValuesToList();
        Instant ordered = at("2003-08-01T10:00:00-04:00");

        // when an order stamped months after the guard's wall clock is refused (keyed by another holding)
        guard.orders.pipeInput("someone/ELSE", order("o-1", OrderKind.PUBLIC_SALE, 1_000), ordered);

        // then its dead letter carries the order's own timestamp, as everything the guard writes carries the
        // timestamp of the record it answers (docs/OPERATIONS.md, "Timestamps the broker refuses")
        assertThat(single(guard.drainDeadLetters()).timestamp()).isEqualTo(ordered.toEpochMilli());
    }

    /**
     * {@code record} as a producer writes it after adding an optional field (null here) to {@code schema}:
     * registered as a new version under {@code topic}-value, so the bytes name a schema id of its own and end
     * with the new field's null branch.
     */
    private <T> byte[] withNewerSchema(String topic, Schema schema, Serializer<T> serializer, T record) {
        byte[] usual = serializer.serialize(topic, record);
        Schema newer = new Schema.Parser().parse(schema.toString()
                .replaceFirst("]}$", ",{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}"));
        int newerId = registry.register(topic + "-value", newer);
        byte[] payload = Arrays.copyOfRange(usual, 5, usual.length);
        return ByteBuffer.allocate(5 + payload.length + 1).put((byte) 0).putInt(newerId).put(payload).put((byte) 0)
                .array();
    }

    private static TestRecord<String, byte[]> single(java.util.List<TestRecord<String, byte[]>> letters) {
        assertThat(letters).hasSize(1);
        return letters.get(0);
    }
}
