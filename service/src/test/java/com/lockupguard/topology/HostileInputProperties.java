package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.contract.AgreementMapper;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.serde.WireFormat;
import com.lockupguard.state.StateCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Hostile input: whatever arrives on the input topics, each record gets exactly one outcome —
 * an order a decision or a dead letter, an agreement applied (its position published) or a dead
 * letter — nothing vanishes, the stream never stops, and a malformed agreement never replaces
 * a good one.
 */
class HostileInputProperties {

    private static final String[] INVESTORS = {"h0", "h1", "h2"};
    private static final Map<String, AtomicLong> COUNTS = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** One record thrown at the guard. */
    sealed interface Hostile {
    }

    record Raw(String topic, String key, byte[] value, String kind) implements Hostile {
    }

    record Order(String key, ProposedOrder order) implements Hostile {
    }

    record AgreementRecord(String key, Agreement agreement, String terms) implements Hostile {
    }

    /** Terms RULES.md section 1 calls invalid. */
    private static final java.util.Set<String> INVALID_TERMS = java.util.Set.of("zero-tranche-days",
            "negative-lockup", "first-above-total", "huge-total", "bad-zone", "unknown-mode", "year-1969",
            "effective-negative", "10kb-id");

    /** An order written by a newer producer, with a kind this guard does not know. */
    record FutureOrder(String key, String investor) implements Hostile {
    }

    /** An execution report: ids, kinds and quantities of every sort, for orders sent before or never. */
    record Report(String key, ExecutionReport report) implements Hostile {
    }

    /** A valid record's bytes, damaged: wrong magic byte, unknown schema id, truncated, or padded. */
    record Damaged(Order order, String damage, int where) implements Hostile {
    }

    @Provide
    Arbitrary<List<Hostile>> hostileStreams() {
        Arbitrary<String> investor = Arbitraries.of(INVESTORS);
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                Arbitraries.just(""), Arbitraries.just("x".repeat(10_240)), Arbitraries.just("a/b"),
                Arbitraries.just(null));
        // mostly well-formed, so that orders are approved and reports applied often enough to lock a holding's
        // calendar: what a calendar move after sales must then meet
        Arbitrary<Long> quantity = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.longs().between(1, 300_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, -1L, 0L)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(null)));
        Arbitrary<OrderKind> kind = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.of(OrderKind.class)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(null)));
        // ids from a small set, so that reports meet the orders they execute, each other, and their own resends
        Arbitrary<String> pooledId = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of("a", "b", "c", "d")), net.jqwik.api.Tuple.of(4, id));
        Arbitrary<String> keyChoice = Arbitraries.of("right", "right", "right", "null", "other");
        Arbitrary<Hostile> orders = Combinators.combine(pooledId, investor, kind, quantity, keyChoice).as((orderId, inv,
                k, q,
                key) -> new Order(key(key, inv), ProposedOrder.newBuilder().setOrderId(orderId).setInvestorId(inv)
                        .setSecurityId("S").setKind(k).setQuantity(q).build()));
        Arbitrary<Hostile> raw = Combinators.combine(Arbitraries.of("orders", "agreements"),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64), Arbitraries.of("random", "empty", "null"))
                .as((topic, bytes, how) -> new Raw(topic, "h0/S", how.equals("null") ? null
                        : how.equals("empty") ? new byte[0] : bytes, how));
        Arbitrary<Hostile> damaged = Combinators.combine(orders, Arbitraries.of("magic", "schema-id", "truncate",
                "pad"), Arbitraries.integers().between(0, 1_000)).as((o, damage, where) -> new Damaged((Order) o,
                damage, where));
        Arbitrary<Hostile> agreements = Combinators.combine(investor, Arbitraries.of(
                "valid", "valid", "valid", "effective-before-execution", "tranche-above-total", "zero-tranche-days",
                "negative-lockup", "first-above-total", "huge-total", "bad-zone", "unknown-mode", "year-1969",
                "effective-negative", "10kb-id", "move-calendar", "move-calendar", "move-calendar"), keyChoice)
                .as((inv, terms, key) -> new AgreementRecord(key(key, inv), agreement(inv, terms), terms));
        Arbitrary<Hostile> future = investor.map(inv -> new FutureOrder(inv + "/S", inv));
        Arbitrary<ExecutionKind> reportKind = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(ExecutionKind.class)), net.jqwik.api.Tuple.of(1,
                        Arbitraries.just(null)));
        Arbitrary<Hostile> reports = Combinators.combine(pooledId, pooledId, investor, reportKind, quantity,
                keyChoice).as((executionId, orderId, inv, k, q, key) -> new Report(key(key, inv),
                        ExecutionReport.newBuilder().setExecutionId(executionId).setOrderId(orderId)
                                .setInvestorId(inv).setSecurityId("S").setKind(k).setQuantity(q).build()));
        Arbitrary<List<Hostile>> hostile = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, orders), net.jqwik.api.Tuple.of(2, raw), net.jqwik.api.Tuple.of(2, damaged),
                net.jqwik.api.Tuple.of(3, agreements), net.jqwik.api.Tuple.of(1, future),
                net.jqwik.api.Tuple.of(4, reports))
                .list().ofMinSize(1).ofMaxSize(40);
        // most streams start on a holding in business, an agreement and a sale approved under it, so that fills and
        // cancels meet a reservation; some then move its calendar, which the shares used forbid
        Arbitrary<String> start = Arbitraries.of("none", "none", "in business", "in business", "moved after a sale");
        return Combinators.combine(start, hostile).as((how, rest) -> {
            List<Hostile> stream = new java.util.ArrayList<>();
            if (!how.equals("none")) {
                stream.add(new AgreementRecord("h0/S", agreement("h0", "valid"), "valid"));
                stream.add(new Order("h0/S", ProposedOrder.newBuilder().setOrderId("a").setInvestorId("h0")
                        .setSecurityId("S").setKind(OrderKind.PUBLIC_SALE).setQuantity(1_000L).build()));
            }
            if (how.equals("moved after a sale")) {
                stream.add(new AgreementRecord("h0/S", agreement("h0", "move-calendar"), "move-calendar"));
            }
            stream.addAll(rest);
            return stream;
        });
    }

    private static String key(String choice, String investor) {
        return switch (choice) {
            case "null" -> null;
            case "other" -> "someone/else";
            default -> investor + "/S";
        };
    }

    private static Agreement agreement(String investor, String terms) {
        Agreement.Builder builder = Agreement.newBuilder().setInvestorId(investor).setSecurityId("S")
                .setExecutionDate(LocalDate.parse("2003-04-28"))
                .setEffectiveAt(Instant.parse("2003-07-10T20:30:00Z"));
        switch (terms) {
            case "effective-before-execution" -> builder.setEffectiveAt(Instant.parse("2003-01-01T00:00:00Z"));
            case "tranche-above-total" -> builder.setTrancheShares(10_000_000);
            case "zero-tranche-days" -> builder.setTrancheDays(0);
            case "negative-lockup" -> builder.setLockupDays(-5);
            case "first-above-total" -> builder.setFirstReleaseShares(1_000_000);
            case "huge-total" -> builder.setTotalShares(Long.MAX_VALUE);
            case "bad-zone" -> builder.setTimeZone("Nowhere/Atlantis");
            case "unknown-mode" -> builder.setTrancheMode(TrancheMode.UNKNOWN);
            case "year-1969" -> builder.setExecutionDate(LocalDate.parse("1969-12-31"));
            case "effective-negative" -> builder.setEffectiveAt(Instant.ofEpochMilli(-1));
            case "10kb-id" -> builder.setInvestorId("y".repeat(10_240));
            case "move-calendar" -> builder.setEffectiveAt(null);
            default -> { }
        }
        return builder.build();
    }

    @Property(tries = 60)
    void everyRecordGetsExactlyOneOutcomeAndTheStreamNeverStops(@ForAll("hostileStreams") List<Hostile> stream)
            throws IOException {
        Path stateDir = Files.createTempDirectory("hostile-");
        try (TopologyFixture guard = new TopologyFixture(stateDir)) {
            Map<String, Agreement> inForce = new HashMap<>();
            Map<String, String> firstRelease = new HashMap<>(); // investor -> which FRD its agreement has
            Instant at = Instant.parse("2003-08-20T14:00:00Z");
            for (Hostile input : stream) {
                at = at.plusSeconds(3_600);
                // whose calendar is locked: shares used since the First Release, by approvals or by fills no approval
                // covered, and not all given back since (the holding's own count, which the rules keep)
                java.util.Set<String> used = usedSinceFirstRelease(guard);
                pipe(guard, input, at);
                List<Decision> decisions = guard.drainDecisions();
                List<TestRecord<String, byte[]>> deadLetters = guard.drainDeadLetters();
                int positions = guard.positions.readValuesToList().size();
                List<ReportResult> results = guard.executionResults.readValuesToList();
                List<ComplianceAlert> alerts = guard.complianceAlerts.readValuesToList();
                String topic = topicOf(input);
                if (input instanceof Report report) {
                    // a report: one result (and with it, for a report refused, one dead letter), or, keyed to
                    // another holding, only a dead letter; at most one alert, and no decision
                    assertThat(decisions).isEmpty();
                    assertThat(results.size()).as("results of %s", input).isLessThanOrEqualTo(1);
                    assertThat(deadLetters.size()).as("dead letters of %s", input).isLessThanOrEqualTo(1);
                    assertThat(results.size() + deadLetters.size()).as("outcomes of %s", input).isPositive();
                    assertThat(alerts.size()).as("alerts of %s", input).isLessThanOrEqualTo(results.size());
                    boolean misKeyed = report.report().getInvestorId() != null
                            && !(report.report().getInvestorId() + "/S").equals(report.key());
                    if (misKeyed) {
                        assertThat(results).as("result of mis-keyed %s", input).isEmpty();
                    }
                    results.forEach(result -> assertThat(com.lockupguard.rules.ExecutionResult.valueOf(
                            result.getOutcome().name()).isDeadLettered()).as("dead-lettered with %s", result)
                            .isEqualTo(!deadLetters.isEmpty()));
                    count(results.isEmpty() ? "reports dead-lettered without a result" : "reports answered "
                            + results.get(0).getOutcome());
                } else if (topic.equals("orders")) {
                    assertThat(results).isEmpty();
                    // an order: one decision, or one dead letter, and the right one
                    assertThat(decisions.size() + deadLetters.size()).as("outcomes of %s", input).isEqualTo(1);
                    expectOrderOutcome(input, decisions, deadLetters);
                    count(decisions.isEmpty() ? "orders dead-lettered" : "orders decided");
                } else {
                    // an agreement: applied (its position published), or one dead letter, and the right one
                    assertThat(decisions).isEmpty();
                    assertThat(positions + deadLetters.size()).as("outcomes of %s", input).isEqualTo(1);
                    boolean applies = applies(input, firstRelease, used);
                    assertThat(positions == 1).as("applied: %s", input).isEqualTo(applies);
                    if (movesALockedCalendar(input, firstRelease, used)) {
                        count("calendar moves refused after shares were used");
                    }
                    if (applies) {
                        AgreementRecord applied = (AgreementRecord) input;
                        inForce.put(applied.agreement().getInvestorId(), applied.agreement());
                        firstRelease.put(applied.agreement().getInvestorId(), firstReleaseOf(applied.terms()));
                        count("agreements applied");
                    } else {
                        count("agreements dead-lettered");
                    }
                }
                deadLetters.forEach(letter -> assertThat(TopologyFixture.header(letter, DeadLetters.TOPIC_HEADER))
                        .isEqualTo(topic));
                // a malformed agreement never replaces a good one
                KeyValueStore<String, byte[]> holdings = guard.driver.getKeyValueStore(StoreNames.HOLDING_STATE);
                StateCodec codec = guard.topics.stateCodec();
                for (String investor : INVESTORS) {
                    byte[] stored = holdings.get(investor + "/S");
                    Agreement expected = inForce.get(investor);
                    assertThat(stored == null ? null : AgreementMapper.toAvro(codec.holding(stored).state().terms()))
                            .as("agreement in force for %s", investor).isEqualTo(expected);
                }
            }
            // and the stream still decides
            guard.orders.pipeInput("h0/S", ProposedOrder.newBuilder().setOrderId("after-" + stream.size())
                    .setInvestorId("h0").setSecurityId("S").setKind(OrderKind.PURCHASE).setQuantity(1L).build(),
                    at.plusSeconds(60));
            assertThat(guard.drainDecisions()).hasSize(1);
        } finally {
            Utils.delete(stateDir.toFile());
        }
    }

    /** The investors whose holding has used shares since its First Release: their calendar may not move. */
    private static java.util.Set<String> usedSinceFirstRelease(TopologyFixture guard) {
        KeyValueStore<String, byte[]> holdings = guard.driver.getKeyValueStore(StoreNames.HOLDING_STATE);
        StateCodec codec = guard.topics.stateCodec();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (String investor : INVESTORS) {
            byte[] stored = holdings.get(investor + "/S");
            if (stored != null && codec.holding(stored).state().hasUsedSharesSinceFirstRelease()) {
                used.add(investor);
            }
        }
        return used;
    }

    /** Whether this is a valid agreement for its holding that moves the First Release of one whose shares were used. */
    private static boolean movesALockedCalendar(Hostile input, Map<String, String> firstRelease,
            java.util.Set<String> used) {
        if (!(input instanceof AgreementRecord record) || INVALID_TERMS.contains(record.terms())
                || !(record.agreement().getInvestorId() + "/S").equals(record.key())) {
            return false;
        }
        String investor = record.agreement().getInvestorId();
        String before = firstRelease.get(investor);
        return before != null && used.contains(investor) && !before.equals(firstReleaseOf(record.terms()));
    }

    /** Whether RULES.md applies this agreement: valid, keyed to its holding, not moving a used holding's calendar. */
    private static boolean applies(Hostile input, Map<String, String> firstRelease, java.util.Set<String> sold) {
        if (!(input instanceof AgreementRecord record)) {
            return false; // raw bytes on the agreements topic
        }
        if (INVALID_TERMS.contains(record.terms())) {
            return false;
        }
        String investor = record.agreement().getInvestorId();
        if (!(investor + "/S").equals(record.key())) {
            return false;
        }
        String before = firstRelease.get(investor);
        return before == null || !sold.contains(investor) || before.equals(firstReleaseOf(record.terms()));
    }

    /** The First Release instant each valid variant gives. */
    private static String firstReleaseOf(String terms) {
        return switch (terms) {
            case "effective-before-execution" -> "execution date";
            case "move-calendar" -> "90 days";
            default -> "effective 07-10";
        };
    }

    private static void expectOrderOutcome(Hostile input, List<Decision> decisions,
            List<TestRecord<String, byte[]>> deadLetters) {
        if (input instanceof Damaged || (input instanceof Raw raw && raw.value() == null)) {
            assertThat(deadLetters).as("dead letter for %s", input).hasSize(1);
        } else if (input instanceof FutureOrder) {
            assertThat(decisions).hasSize(1);
            assertThat(decisions.get(0).getReasons()).containsExactly(com.lockupguard.avro.Reason.INVALID_ORDER);
        } else if (input instanceof Order order) {
            String investor = order.order().getInvestorId();
            boolean misKeyed = !(investor + "/S").equals(order.key());
            assertThat(deadLetters.size()).as("dead letter (mis-keyed) for %s", input).isEqualTo(misKeyed ? 1 : 0);
        }
    }

    private static String topicOf(Hostile input) {
        if (input instanceof Raw raw) {
            return raw.topic();
        }
        return input instanceof AgreementRecord ? "agreements" : "orders"; // reports are on the orders topic
    }

    private static void pipe(TopologyFixture guard, Hostile input, Instant at) throws IOException {
        if (input instanceof Raw raw) {
            if (raw.topic().equals("orders")) {
                guard.rawOrders.pipeInput(raw.key(), raw.value(), at);
            } else {
                guard.rawAgreements.pipeInput(raw.key(), raw.value(), at);
            }
            count("raw " + raw.kind() + " records");
        } else if (input instanceof Order order) {
            guard.orders.pipeInput(order.key(), order.order(), at);
        } else if (input instanceof Report report) {
            guard.orders.pipeInput(report.key(), report.report(), at);
        } else if (input instanceof AgreementRecord agreement) {
            guard.agreements.pipeInput(agreement.key(), agreement.agreement(), at);
        } else if (input instanceof FutureOrder future) {
            guard.rawOrders.pipeInput(future.key(), futureOrder(guard, future.investor()), at);
            count("orders of an unknown (newer) kind");
        } else if (input instanceof Damaged damaged) {
            byte[] good = guard.topics.orders().valueSerde().serializer().serialize("orders", damaged.order().order());
            guard.rawOrders.pipeInput(damaged.order().key(), damage(good, damaged.damage(), damaged.where()), at);
            count("damaged (" + damaged.damage() + ") records");
        }
    }

    private static byte[] damage(byte[] good, String how, int where) {
        return switch (how) {
            case "magic" -> {
                byte[] bad = good.clone();
                bad[0] = (byte) (1 + where % 255);
                yield bad;
            }
            case "schema-id" -> {
                byte[] bad = good.clone();
                WireFormat.writeHeader(bad, 100_000 + where);
                yield bad;
            }
            case "truncate" -> Arrays.copyOf(good, Math.max(0, Math.min(good.length - 1, where % good.length)));
            default -> {
                byte[] bad = Arrays.copyOf(good, good.length + 1 + where % 16);
                yield bad;
            }
        };
    }

    private static byte[] futureOrder(TopologyFixture guard, String investor) throws IOException {
        Schema future = new Schema.Parser().parse(Files.readString(
                Path.of("service/src/test/resources/schemas/future/ProposedOrder.avsc")));
        GenericRecord order = new GenericData.Record(future);
        order.put("orderId", "future");
        order.put("investorId", investor);
        order.put("securityId", "S");
        order.put("kind", new GenericData.EnumSymbol(future.getField("kind").schema().getTypes().get(1), "SHORT_SALE"));
        order.put("quantity", 1L);
        order.put("desk", "london");
        int id = InMemorySchemaRegistry.scope(guard.registryScope).register("orders-value", future);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, id);
        out.write(header);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(future).write(order, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static void count(String what) {
        COUNTS.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    @AfterContainer
    static void report() {
        StringBuilder report = new StringBuilder("hostile input counts:");
        COUNTS.forEach((what, n) -> report.append(System.lineSeparator()).append("  ").append(what).append(": ")
                .append(n.get()));
        System.out.println(report);
    }
}
