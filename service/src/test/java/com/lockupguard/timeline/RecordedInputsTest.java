package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.AgreementAudit;
import com.lockupguard.avro.AgreementOutcome;
import com.lockupguard.avro.AgreementRejection;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.InputPartitions;
import com.lockupguard.topology.TopicNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link RecordedInputs} makes of the records on a guard's topics, read through a mock consumer: the order of
 * the lines, and what it leaves out. On a broker, with the guard's own decisions: {@code EndToEndIT}.
 */
class RecordedInputsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUDIT = "agreement-audit";
    private static final String ORDERS = "orders";
    private static final String AGREEMENTS = "agreements";

    private final String scope = "recorded-inputs-" + UUID.randomUUID();
    private final GuardConfig config = new GuardConfig(Map.of("schema.registry.url", "mock://" + scope));
    private final GuardTopics topics = GuardTopics.avro(TopicNames.defaults(), config.serdeConfig());
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> written = new HashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** How far the reading had got each time it said so: {@code topic read/records}. */
    private final List<String> readings = new ArrayList<>();
    /** The holdings exported; every one when empty. */
    private List<HoldingKey> exported = List.of();
    /** The end of the export; the topics' ends when null. */
    private Instant until;
    /** What the last export counted. */
    private RecordedInputs.Counts counts;
    /**
     * The first offset each partition keeps by the time the export first polls it, the records before it deleted
     * after the export took its beginning: the poll fails with the position out of range, as Kafka's does.
     */
    private Map<TopicPartition, Long> keptFromOnceRead = Map.of();
    /**
     * The first offset each partition keeps when the export starts, the records before it deleted (the retention)
     * before then; 0 unless given.
     */
    private Map<TopicPartition, Long> keptFrom = Map.of();
    /** The position the poll says is out of range, when not where the export is: one the topic never had. */
    private Long outOfRangeAt;
    /** The guard's committed positions on the agreements topic; none unless given. */
    private Map<TopicPartition, Long> guardPositions = Map.of();
    /** The settings the last export's consumer was made with. */
    private Properties consumerSettings;

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    /** An investor whose holding of SEC the guard's inputs of 2 partitions keep on {@code partition}. */
    private static String investorOn(int partition) {
        return IntStream.range(0, 100).mapToObj(n -> "inv-" + n)
                .filter(investor -> InputPartitions.expectedPartition(investor + "/SEC", 2) == partition)
                .findFirst().orElseThrow();
    }

    private static Agreement agreement(String investor, String executionDate) {
        return Agreement.newBuilder().setInvestorId(investor).setSecurityId("SEC")
                .setExecutionDate(LocalDate.parse(executionDate)).build();
    }

    private static AgreementAudit applied(Agreement agreement, long time, int sourcePartition, long sourceOffset) {
        return AgreementAudit.newBuilder().setOutcome(AgreementOutcome.APPLIED).setAgreement(agreement)
                .setRecordTimestamp(Instant.ofEpochMilli(time)).setSourceTopic("agreements")
                .setSourcePartition(sourcePartition).setSourceOffset(sourceOffset).build();
    }

    private static ProposedOrder sale(String orderId, String investor) {
        return ProposedOrder.newBuilder().setOrderId(orderId).setInvestorId(investor).setSecurityId("SEC")
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(10L).build();
    }

    private void audit(int partition, AgreementAudit audit) {
        write(AUDIT, partition, 0, audit.getAgreement().getInvestorId() + "/SEC", audit);
    }

    private void order(int partition, long time, String key, SpecificRecord value) {
        write(ORDERS, partition, time, key, value, new RecordHeaders());
    }

    private void write(String topic, int partition, long time, String key, SpecificRecord value) {
        write(topic, partition, time, key, value, new RecordHeaders());
    }

    private void write(String topic, int partition, long time, String key, SpecificRecord value, Headers headers) {
        TopicPartition place = new TopicPartition(topic, partition);
        List<ConsumerRecord<byte[], byte[]>> records = written.computeIfAbsent(place, p -> new ArrayList<>());
        byte[] bytes = value == null ? null : topic.equals(AUDIT)
                ? topics.agreementAudit().valueSerde().serializer().serialize(topic, (AgreementAudit) value)
                : topic.equals(AGREEMENTS)
                ? topics.agreements().valueSerde().serializer().serialize(topic, (Agreement) value)
                : topics.orders().valueSerde().serializer().serialize(topic, value);
        records.add(new ConsumerRecord<>(topic, partition, records.size(), time, TimestampType.CREATE_TIME, -1, -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), bytes, headers, Optional.empty()));
    }

    /**
     * What the export writes of the topics as written, each partition's end where its records end unless
     * {@code endsTaken} says otherwise.
     */
    private List<JsonNode> export(int auditPartitions, int orderPartitions) throws IOException {
        return export(auditPartitions, orderPartitions, Map.of());
    }

    private List<JsonNode> export(int auditPartitions, int orderPartitions, Map<TopicPartition, Long> endsTaken)
            throws IOException {
        Map<TopicPartition, Long> beginnings = new HashMap<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (String topic : List.of(AUDIT, AGREEMENTS, ORDERS)) {
            int count = topic.equals(AUDIT) ? auditPartitions : orderPartitions;
            List<PartitionInfo> infos = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                TopicPartition partition = new TopicPartition(topic, p);
                infos.add(new PartitionInfo(topic, p, Node.noNode(), new Node[0], new Node[0]));
                beginnings.put(partition, keptFrom.getOrDefault(partition, 0L));
                ends.put(partition, Math.max(beginnings.get(partition),
                        written.getOrDefault(partition, List.of()).size()));
            }
            consumer.updatePartitions(topic, infos);
        }
        ends.putAll(endsTaken);
        consumer.updateBeginningOffsets(beginnings);
        consumer.updateEndOffsets(ends);
        // each topic's records at the first poll it is assigned at (the partitions it reads): the agreements' audit
        // first, then the agreements the guard has not taken, if any, then the orders
        List<String> added = new ArrayList<>();
        for (int task = 0; task < 3; task++) {
            consumer.schedulePollTask(() -> List.of(AUDIT, AGREEMENTS, ORDERS).forEach(topic -> {
                if (added.contains(topic) || consumer.assignment().stream()
                        .noneMatch(partition -> partition.topic().equals(topic))) {
                    return;
                }
                added.add(topic);
                written.forEach((partition, records) -> {
                    if (partition.topic().equals(topic) && consumer.assignment().contains(partition)) {
                        records.forEach(consumer::addRecord);
                    }
                });
                keptFromOnceRead.forEach((partition, first) -> {
                    if (partition.topic().equals(topic)) {
                        // where the export is, before the deletion
                        long position = outOfRangeAt != null ? outOfRangeAt : consumer.position(partition);
                        consumer.updateBeginningOffsets(Map.of(partition, first));
                        consumer.setPollException(new OffsetOutOfRangeException("out of range",
                                Map.of(partition, position)));
                    }
                });
            }));
        }
        List<JsonNode> lines = new ArrayList<>();
        RecordedInputs.Sink sink = new RecordedInputs.Sink() {
            @Override
            public void line(String line) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void skipped(String where, String why) {
                skipped.add(where + ": " + why);
            }

            @Override
            public void warning(String where, String what) {
                warnings.add(where + ": " + what);
            }

            @Override
            public void reading(String topic, long read, long records) {
                readings.add(topic + " " + read + "/" + records);
            }
        };
        counts = new RecordedInputs(config, Duration.ofSeconds(5), exported, until, properties -> {
            consumerSettings = properties;
            return consumer;
        }, 2, partitions -> guardPositions).read(sink);
        return lines;
    }

    private static List<String> idsOf(List<JsonNode> lines) {
        return lines.stream().map(line -> line.path("type").asText() + " " + (line.has("executionId")
                ? line.get("executionId").asText() : line.has("orderId") ? line.get("orderId").asText()
                : line.path("investorId").asText() + "@" + line.get("at").asText())).toList();
    }

    @Test
    void shouldPutEachAgreementVersionInThePlaceOfItsOwnRecordWhateverPartitionOfTheAuditHoldsIt() throws Exception {
        // given two holdings on the 2 partitions of the inputs, whose versions an audit of 3 partitions holds in the
        // order they were applied: a's first version (at 100) before b's (at 50), a's second on another partition
        String a = investorOn(0);
        String b = investorOn(1);
        audit(2, applied(agreement(a, "2003-04-28"), 100, 0, 0));
        audit(2, applied(agreement(b, "2003-04-28"), 50, 1, 0));
        audit(0, applied(agreement(a, "2003-05-01"), 200, 0, 1));
        order(0, 150, a + "/SEC", sale("a1", a));
        order(0, 160, a + "/SEC", ExecutionReport.newBuilder().setExecutionId("x1").setOrderId("a1")
                .setInvestorId(a).setSecurityId("SEC").setKind(ExecutionKind.FILL).setQuantity(10L).build());
        order(0, 250, a + "/SEC", sale("a2", a));
        order(1, 60, b + "/SEC", sale("b1", b));

        // when
        List<JsonNode> lines = export(3, 2);

        // then the earliest record of all first, each agreement version before the orders that came after it
        assertThat(idsOf(lines)).containsExactly("agreement " + b + "@1970-01-01T00:00:00.050Z", "order b1",
                "agreement " + a + "@1970-01-01T00:00:00.100Z", "order a1", "execution x1",
                "agreement " + a + "@1970-01-01T00:00:00.200Z", "order a2");
        assertThat(lines.get(5).get("executionDate").asText()).isEqualTo("2003-05-01");
        assertThat(skipped).isEmpty();
    }

    @Test
    void shouldLetARejectedVersionHoldBackTheVersionsAfterItAsItDidInTheGuard() throws Exception {
        // given a version stamped late (300) that the guard rejected, before one stamped early (100) that it applied
        // on the agreements partition, and an order at 200: the guard took the order before either
        String a = investorOn(0);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        audit(0, AgreementAudit.newBuilder(applied(agreement(a, "2003-01-01"), 300, 0, 1))
                .setOutcome(AgreementOutcome.REJECTED).setRejection(AgreementRejection.CALENDAR_LOCKED).build());
        audit(0, applied(agreement(a, "2003-05-01"), 100, 0, 2));
        order(0, 200, a + "/SEC", sale("a1", a));

        // when
        List<JsonNode> lines = export(1, 2);

        // then the order before the version applied after the rejected one, which has no line; and a warning that a
        // guard that took the rejected version as it came took the next one earlier
        assertThat(idsOf(lines)).containsExactly("agreement " + a + "@1970-01-01T00:00:00.010Z", "order a1",
                "agreement " + a + "@1970-01-01T00:00:00.100Z");
        assertThat(warnings).containsExactly("agreements-0@1: an agreement version stamped 1970-01-01T00:00:00.300Z, "
                + "later than versions after it on its partition: they are placed after it, as a guard working "
                + "through a backlog takes them; a guard that took it as it came took them earlier, and the replay "
                + "may decide the orders between otherwise");
    }

    @Test
    void shouldKeepEachPartitionInOffsetOrderWhenItsTimesGoBack() throws Exception {
        // given a report stamped before the order it fills, after it on the partition (a clock behind)
        String a = investorOn(0);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        order(0, 500, a + "/SEC", sale("a1", a));
        order(0, 400, a + "/SEC", ExecutionReport.newBuilder().setExecutionId("x1").setOrderId("a1")
                .setInvestorId(a).setSecurityId("SEC").setKind(ExecutionKind.CANCEL).build());
        order(0, 450, a + "/SEC", sale("a2", a));

        // when / then: as the guard takes them, in partition order
        assertThat(idsOf(export(1, 2))).containsExactly("agreement " + a + "@1970-01-01T00:00:00.010Z", "order a1",
                "execution x1", "order a2");
    }

    @Test
    void shouldLeaveOutWhatTheGuardDeadLettersOrRejectedAndKeepAnOrderWithoutAHoldingWhateverItsKey()
            throws Exception {
        // given a rejected version, a tombstone, an order with no key, one keyed to another holding, one on the
        // wrong partition, one without any holding or key (answered invalid), one stamped with no time (-1), and
        // one whose headers leave no room for an answer (but for the error headers of an earlier dead-lettering,
        // which the guard drops)
        String a = investorOn(0);
        String b = investorOn(1);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        audit(0, AgreementAudit.newBuilder(applied(agreement(a, "2003-01-01"), 20, 0, 1))
                .setOutcome(AgreementOutcome.REJECTED).setRejection(AgreementRejection.CALENDAR_LOCKED).build());
        order(0, 100, a + "/SEC", null);
        order(0, 110, null, sale("no-key", a));
        order(0, 120, b + "/SEC", sale("other-key", a));
        order(0, 130, b + "/SEC", sale("wrong-partition", b));
        order(0, 140, null, ProposedOrder.newBuilder().setOrderId("no-holding").setQuantity(5L).build());
        order(0, -1, a + "/SEC", sale("no-time", a));
        write(ORDERS, 0, 145, a + "/SEC", sale("large-headers", a),
                new RecordHeaders().add("trace", new byte[1_000_000]));
        write(ORDERS, 0, 146, a + "/SEC", sale("large-error-headers", a),
                new RecordHeaders().add("__streams.errors.stacktrace", new byte[1_000_000]));
        order(0, 150, a + "/SEC", sale("a1", a));

        // when
        List<JsonNode> lines = export(1, 2);

        // then the rest in partition order, the order without a time read at the guard's time for it, past 9999
        assertThat(idsOf(lines)).containsExactly("agreement " + a + "@1970-01-01T00:00:00.010Z", "order no-holding",
                "order no-time", "order large-error-headers", "order a1");
        assertThat(lines.get(2).get("at").asText()).isEqualTo("+10000-01-01T00:00:00Z");
        assertThat(skipped).containsExactly(
                "orders-0@0: a tombstone (the guard dead-letters it TOMBSTONE)",
                "orders-0@1: it has no key (the guard dead-letters it KEY_MISMATCH)",
                "orders-0@2: its key '" + b + "/SEC' is not its holding's (the guard dead-letters it KEY_MISMATCH)",
                "orders-0@3: its key belongs on partition 1, not 0 (the guard dead-letters it WRONG_PARTITION)",
                "orders-0@6: its key and headers leave too little room for an answer within max.request.size "
                        + "(1048576) (the guard dead-letters it KEY_OR_HEADERS_TOO_LARGE)");
    }

    @Test
    void shouldGoOnFromTheFirstRecordKeptAndNameTheOffsetsDeletedBeforeTheExportReadThem() throws Exception {
        // given three orders on a partition, the first two of which the retention deletes before the export reads them
        String a = investorOn(0);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        order(0, 100, a + "/SEC", sale("a1", a));
        order(0, 200, a + "/SEC", sale("a2", a));
        order(0, 300, a + "/SEC", sale("a3", a));
        keptFromOnceRead = Map.of(new TopicPartition(ORDERS, 0), 2L);

        // when
        List<JsonNode> lines = export(1, 2);

        // then the export goes on from the first record kept, names the offsets lost and counts them
        assertThat(idsOf(lines)).containsExactly("agreement " + a + "@1970-01-01T00:00:00.010Z", "order a3");
        assertThat(skipped).containsExactly("orders-0@0: offsets 0 to 1 were deleted (the topic's retention, or a "
                + "deletion of records) before the export read them: their records are not in the timeline");
        assertThat(counts).isEqualTo(new RecordedInputs.Counts(1, 0, 1, 0, 0, 2));
        // and a position deleted under the consumer is met by the export, not reset by the consumer to the end
        assertThat(consumerSettings.getProperty("auto.offset.reset")).isEqualTo("none");
    }

    @Test
    void shouldNameTheOffsetsDeletedBeforeTheExportStartedOnEachInputPartitionAndCountThem() throws Exception {
        // given an agreement version on the second partition of the audit whose first was deleted, and three orders
        // on a partition whose first two were deleted, before the export started (the retention, as Kafka's
        // deleteRecords does it)
        String a = investorOn(0);
        String b = investorOn(1);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        audit(1, applied(agreement(b, "2003-04-28"), 5, 1, 0));
        audit(1, applied(agreement(b, "2003-05-01"), 20, 1, 1));
        order(0, 100, a + "/SEC", sale("a1", a));
        order(0, 200, a + "/SEC", sale("a2", a));
        order(0, 300, a + "/SEC", sale("a3", a));
        order(1, 150, b + "/SEC", sale("b1", b));
        keptFrom = Map.of(new TopicPartition(AUDIT, 1), 1L, new TopicPartition(ORDERS, 0), 2L);

        // when
        List<JsonNode> lines = export(2, 2);

        // then what is kept is exported, and each partition that lost its first offsets is named, with the offsets
        // lost and what it means for the replay, and they are counted
        assertThat(idsOf(lines)).containsExactly("agreement " + a + "@1970-01-01T00:00:00.010Z",
                "agreement " + b + "@1970-01-01T00:00:00.020Z", "order b1", "order a3");
        assertThat(skipped).containsExactly("agreement-audit-1@0: offsets 0 to 0 were deleted (the topic's "
                + "retention, or a deletion of records) before the export started: their records are not in the "
                + "timeline, and its replay cannot decide what came after them as the guard did",
                "orders-0@0: offsets 0 to 1 were deleted (the topic's retention, or a deletion of records) before the "
                + "export started: their records are not in the timeline, and its replay cannot decide what came "
                + "after them as the guard did");
        assertThat(counts).isEqualTo(new RecordedInputs.Counts(2, 0, 2, 0, 0, 3));
    }

    @Test
    void shouldNameAFewPartitionsThatLostTheirFirstOffsetsAndCountTheRest() throws Exception {
        // given 6 partitions of the orders topic, each of which lost its first offsets before the export started
        Map<TopicPartition, Long> deleted = new HashMap<>();
        IntStream.range(0, 6).forEach(partition -> deleted.put(new TopicPartition(ORDERS, partition),
                partition + 1L));
        keptFrom = deleted;

        // when
        List<JsonNode> lines = export(1, 6);

        // then the first three are named, and the others counted in one line
        assertThat(lines).isEmpty();
        assertThat(skipped).hasSize(4).startsWith("orders-0@0: offsets 0 to 0 were deleted (the topic's "
                + "retention, or a deletion of records) before the export started: their records are not in the "
                + "timeline, and its replay cannot decide what came after them as the guard did");
        assertThat(skipped.get(2)).startsWith("orders-2@0: offsets 0 to 2 were deleted");
        assertThat(skipped.get(3)).isEqualTo("orders: 3 more of its partitions lost their first offsets likewise, "
                + "15 offsets in all: their records are not in the timeline either");
        assertThat(counts.deletedUnread()).isEqualTo(21);
    }

    @Test
    void shouldNameTheAgreementRecordsTheGuardHadNotTakenByPartitionAndCountThem() throws Exception {
        // given a guard that took the first agreement of each of two holdings and stopped: a's second, and b's second
        // and third, are on the agreements topic, not on the audit
        String a = investorOn(0);
        String b = investorOn(1);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        audit(0, applied(agreement(b, "2003-04-28"), 20, 1, 0));
        write(AGREEMENTS, 0, 10, a + "/SEC", agreement(a, "2003-04-28"));
        write(AGREEMENTS, 0, 30, a + "/SEC", agreement(a, "2003-05-01"));
        write(AGREEMENTS, 1, 20, b + "/SEC", agreement(b, "2003-04-28"));
        write(AGREEMENTS, 1, 40, b + "/SEC", agreement(b, "2003-05-01"));
        write(AGREEMENTS, 1, 50, b + "/SEC", agreement(b, "2003-05-02"));
        order(0, 100, a + "/SEC", sale("a1", a));
        guardPositions = Map.of(new TopicPartition(AGREEMENTS, 0), 1L, new TopicPartition(AGREEMENTS, 1), 1L);

        // when
        List<JsonNode> lines = export(1, 2);

        // then what the audit holds is exported, and the records not taken are named by partition and counted
        assertThat(idsOf(lines)).containsExactly("agreement " + a + "@1970-01-01T00:00:00.010Z",
                "agreement " + b + "@1970-01-01T00:00:00.020Z", "order a1");
        assertThat(skipped).containsExactly("agreements: 3 agreement records the guard ('lockup-guard') had not "
                + "taken when the export started (agreements-0: 1 from offset 1, agreements-1: 2 from offset 1): "
                + "their versions are not on agreement-audit, so not in the timeline, and its replay decides their "
                + "holdings' orders without them (UNKNOWN_AGREEMENT, or under the terms before): export once the "
                + "guard has caught up (lockup_guard_input_lag 0)");
        assertThat(counts).isEqualTo(new RecordedInputs.Counts(2, 0, 1, 0, 0, 0, 3));
    }

    @Test
    void shouldSayNothingOfAgreementRecordsTheGuardTookWithoutAnAuditOrBeforeItsLastPosition() throws Exception {
        // given a guard that took a's record it dead-letters (no audit) and committed past it, and b's, audited but
        // committed with no position it has read yet
        String a = investorOn(0);
        String b = investorOn(1);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        audit(0, applied(agreement(b, "2003-04-28"), 20, 1, 0));
        write(AGREEMENTS, 0, 10, a + "/SEC", agreement(a, "2003-04-28"));
        write(AGREEMENTS, 0, 30, a + "/SEC", null);
        write(AGREEMENTS, 1, 20, b + "/SEC", agreement(b, "2003-04-28"));
        guardPositions = Map.of(new TopicPartition(AGREEMENTS, 0), 2L);

        // when
        export(1, 2);

        // then
        assertThat(skipped).isEmpty();
        assertThat(counts.untakenAgreements()).isZero();
    }

    @Test
    void shouldStopWhenThePartitionNoLongerHasAnOffsetTheExportReadPast() throws Exception {
        // given a partition that, as the export reads it, no longer has offset 7, to which it read: the topic was
        // deleted and created again under it
        String a = investorOn(0);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        order(0, 100, a + "/SEC", sale("a1", a));
        keptFromOnceRead = Map.of(new TopicPartition(ORDERS, 0), 0L);
        outOfRangeAt = 7L;

        // when, then it stops, saying so, rather than read the new topic as if it were the rest of the old
        assertThatThrownBy(() -> export(1, 2)).isInstanceOf(IllegalStateException.class).hasMessage("orders-0: the "
                + "export read up to offset 7, which the partition no longer has, though it keeps offset 0 on: was "
                + "the topic deleted and created again while the export read it? Export again");
    }

    @Test
    void shouldReadNoRecordWrittenAfterTheStart() throws Exception {
        // given an order written after the reading took the end of its partition
        String a = investorOn(0);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        order(0, 100, a + "/SEC", sale("a1", a));
        order(0, 200, a + "/SEC", sale("later", a));

        // when
        List<JsonNode> lines = export(1, 2, Map.of(new TopicPartition(ORDERS, 0), 1L));

        // then
        assertThat(idsOf(lines)).containsExactly("agreement " + a + "@1970-01-01T00:00:00.010Z", "order a1");
    }

    @Test
    void shouldExportOnlyTheHoldingsAskedForAndNameOnlyTheirRecordsLeftOut() throws Exception {
        // given two holdings on one partition of the inputs and a third on the other, each with a tombstone
        String a = investorOn(0);
        String other = IntStream.range(100, 200).mapToObj(n -> "inv-" + n)
                .filter(investor -> InputPartitions.expectedPartition(investor + "/SEC", 2) == 0)
                .findFirst().orElseThrow();
        String b = investorOn(1);
        for (String investor : List.of(a, other, b)) {
            int partition = investor.equals(b) ? 1 : 0;
            audit(0, applied(agreement(investor, "2003-04-28"), 10, partition, investor.equals(a) ? 0 : 1));
            order(partition, 100, investor + "/SEC", sale("o-" + investor, investor));
            order(partition, 110, investor + "/SEC", null);
        }
        exported = List.of(new HoldingKey(a, "SEC"));

        // when
        List<JsonNode> lines = export(1, 2);

        // then its lines alone, its tombstone alone named, and the other partition not even read
        assertThat(idsOf(lines)).containsExactly("agreement " + a + "@1970-01-01T00:00:00.010Z", "order o-" + a);
        assertThat(skipped).containsExactly("orders-0@1: a tombstone (the guard dead-letters it TOMBSTONE)");
        assertThat(consumer.assignment()).containsExactly(new TopicPartition(ORDERS, 0));
    }

    @Test
    void shouldTakeARecordWrittenBeforePartitionsWereAddedToTheInputsAsPlacedWhereTheGuardDecidedIt()
            throws Exception {
        // given a guard whose state was built on inputs of 2 partitions, which have 3 now, and a holding whose key
        // went to another partition then than it would now, with its agreement and an order written then
        String investor = IntStream.range(0, 100).mapToObj(n -> "inv-" + n)
                .filter(name -> InputPartitions.expectedPartition(name + "/SEC", 2)
                        != InputPartitions.expectedPartition(name + "/SEC", 3))
                .findFirst().orElseThrow();
        int then = InputPartitions.expectedPartition(investor + "/SEC", 2);
        consumer.updatePartitions("lockup-guard-holding-state-changelog", List.of(
                new PartitionInfo("lockup-guard-holding-state-changelog", 0, Node.noNode(), new Node[0], new Node[0]),
                new PartitionInfo("lockup-guard-holding-state-changelog", 1, Node.noNode(), new Node[0], new Node[0])));
        audit(0, applied(agreement(investor, "2003-04-28"), 10, then, 0));
        order(then, 100, investor + "/SEC", sale("o-1", investor));
        exported = List.of(new HoldingKey(investor, "SEC"));

        // when that holding is exported
        List<JsonNode> lines = export(1, 3);

        // then its order is in the timeline, as the guard decided it, not left out as misplaced
        assertThat(idsOf(lines)).containsExactly("agreement " + investor + "@1970-01-01T00:00:00.010Z", "order o-1");
        assertThat(skipped).isEmpty();
    }

    @Test
    void shouldSayOnceThatAMisplacedRecordMayHaveBeenDecidedWhereTheStatesPartitionCountIsNotKnown()
            throws Exception {
        // given no changelog of the guard's state (another application.id, or not allowed to see it), and two
        // orders on another partition than their key's on inputs of 2 partitions
        String investor = investorOn(0);
        audit(0, applied(agreement(investor, "2003-04-28"), 10, 0, 0));
        order(1, 100, investor + "/SEC", sale("o-1", investor));
        order(1, 110, investor + "/SEC", sale("o-2", investor));

        // when
        export(1, 2);

        // then each is named as the guard dead-letters it, and that the count it may have been placed by is not
        // known is said once
        assertThat(skipped).hasSize(2).allMatch(line -> line.endsWith("(the guard dead-letters it WRONG_PARTITION)"));
        assertThat(warnings).singleElement().asString().startsWith("orders-1@0: the partition count the guard's state "
                + "was built with is not known: there is no lockup-guard-holding-state-changelog");
    }

    @Test
    void shouldEndBeforeTheFirstLineStampedAfterTheInstantAsTheWholeExportWould() throws Exception {
        // given, up to 200: on a's agreements partition a version at 300 before one at 120, which the whole export
        // places after it; on a's orders partition an order at 250 before one at 150 and a tombstone; on b's a
        // tombstone before the end, and an order at 201 after it
        String a = investorOn(0);
        String b = investorOn(1);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        audit(1, applied(agreement(a, "2003-05-01"), 300, 0, 1));
        audit(0, applied(agreement(a, "2003-05-02"), 120, 0, 2));
        audit(1, applied(agreement(b, "2003-04-28"), 20, 1, 0));
        order(0, 100, a + "/SEC", sale("a1", a));
        order(0, 250, a + "/SEC", sale("a2", a));
        order(0, 150, a + "/SEC", sale("a3", a));
        order(0, 160, a + "/SEC", null);
        order(1, 50, b + "/SEC", sale("b1", b));
        order(1, 60, b + "/SEC", null);
        order(1, 199, b + "/SEC", sale("b2", b));
        order(1, 201, b + "/SEC", sale("b3", b));
        order(1, 202, b + "/SEC", null);
        until = Instant.ofEpochMilli(200);

        // when
        List<JsonNode> lines = export(2, 2);

        // then the lines before the first stamped after 200 of the whole export, which goes on with b3 at 201
        // and a2 at 250; the records left out before each partition's end named, and none after it
        assertThat(idsOf(lines)).containsExactly("agreement " + a + "@1970-01-01T00:00:00.010Z",
                "agreement " + b + "@1970-01-01T00:00:00.020Z", "order b1", "order a1", "order b2");
        assertThat(skipped).containsExactly("orders-1@1: a tombstone (the guard dead-letters it TOMBSTONE)");
        assertThat(warnings).isEmpty();
        assertThat(counts).isEqualTo(new RecordedInputs.Counts(2, 0, 3, 0, 1));
    }

    @Test
    void shouldSayHowFarEachTopicIsReadUpToWhereTheExportEnds() throws Exception {
        // given 3 audit records on 2 partitions, and 5 orders on 2 partitions of which the last of one is stamped
        // after the end of the export
        String a = investorOn(0);
        String b = investorOn(1);
        audit(0, applied(agreement(a, "2003-04-28"), 10, 0, 0));
        audit(1, applied(agreement(b, "2003-04-28"), 20, 1, 0));
        audit(1, applied(agreement(b, "2003-05-01"), 30, 1, 1));
        order(0, 100, a + "/SEC", sale("a1", a));
        order(0, 110, a + "/SEC", sale("a2", a));
        order(1, 120, b + "/SEC", sale("b1", b));
        order(1, 130, b + "/SEC", sale("b2", b));
        order(1, 300, b + "/SEC", sale("b3", b));
        until = Instant.ofEpochMilli(200);

        // when
        export(2, 2);

        // then each topic's reading said, the orders' counted up to the record that ends their second partition
        assertThat(readings).containsExactly("agreement-audit 3/3", "orders 4/4");
    }
}
