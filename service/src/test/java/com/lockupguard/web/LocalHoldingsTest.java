package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.GuardTopology;
import com.lockupguard.topology.StoreNames;
import com.lockupguard.topology.StreamsDefaults;
import com.lockupguard.topology.TopicNames;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an instance answers from its own stores, on the stores the guard's topology really writes
 * (a TopologyTestDriver): open reservations and what-if decisions that count them.
 */
class LocalHoldingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HoldingKey LETTER = new HoldingKey("dutchess", "CBYI");
    /** The server's clock: 2003-07-11 11:00 in New York, in the letter's first window (registered 07-10 16:30). */
    private static final Instant NOW = Instant.parse("2003-07-11T15:00:00Z");

    @TempDir
    Path stateDir;

    private final String registryScope = "local-holdings-" + UUID.randomUUID();
    private TopologyTestDriver driver;
    private TestInputTopic<String, Agreement> agreements;
    private TestInputTopic<String, SpecificRecord> orders;
    private LocalHoldings holdings;
    private GuardTopics topics;

    @BeforeEach
    void start() {
        topics = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url",
                "mock://" + registryScope));
        Properties properties = new Properties();
        properties.putAll(StreamsDefaults.errorHandling(topics.names()));
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "lockup-guard-web-test");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(GuardTopology.build(topics), properties, Instant.parse("2003-01-01T00:00:00Z"));
        agreements = driver.createInputTopic("agreements", new StringSerializer(),
                topics.agreements().valueSerde().serializer());
        orders = driver.createInputTopic("orders", new StringSerializer(), topics.orders().valueSerde().serializer());
        holdings = new LocalHoldings(driver::getKeyValueStore, topics, JSON, Clock.fixed(NOW, ZoneOffset.UTC));
        registered("CBYI");
    }

    @AfterEach
    void stop() {
        driver.close();
        InMemorySchemaRegistry.dropScope(registryScope);
    }

    private static Instant at(String isoWithOffset) {
        return OffsetDateTime.parse(isoWithOffset).toInstant();
    }

    /** The letter on dutchess/{@code security}, registered on 2003-07-10 16:30: 200,000 shares in its first window. */
    private void registered(String security) {
        agreements.pipeInput("dutchess/" + security, Agreement.newBuilder().setInvestorId("dutchess")
                .setSecurityId(security).setExecutionDate(LocalDate.parse("2003-04-28"))
                .setEffectiveAt(at("2003-07-10T16:30:00-04:00")).build(), at("2003-04-28T09:00:00-04:00"));
    }

    private void sale(String security, String orderId, long quantity, String at) {
        orders.pipeInput("dutchess/" + security, ProposedOrder.newBuilder().setOrderId(orderId)
                .setInvestorId("dutchess").setSecurityId(security).setKind(OrderKind.PUBLIC_SALE)
                .setQuantity(quantity).build(), at(at));
    }

    private void report(String executionId, String orderId, ExecutionKind kind, Long quantity, String at) {
        orders.pipeInput(LETTER.asString(), ExecutionReport.newBuilder().setExecutionId(executionId)
                .setOrderId(orderId).setInvestorId("dutchess").setSecurityId("CBYI").setKind(kind)
                .setQuantity(quantity).build(), at(at));
    }

    /** Every position this instance lists, read back from the list's bytes. */
    private JsonNode list() {
        try {
            return JSON.readTree(holdings.all().toString());
        } catch (JsonProcessingException e) {
            throw new AssertionError("the list is not JSON", e);
        }
    }

    private static ProposedOrder whatIf(String orderId, long quantity) {
        return ProposedOrder.newBuilder().setOrderId(orderId).setInvestorId("dutchess")
                .setSecurityId("CBYI").setKind(OrderKind.PUBLIC_SALE).setQuantity(quantity).build();
    }

    @Test
    void shouldListOpenReservationsOldestFirstWithTheirAge() {
        // given: two approvals whose order ids sort the other way round, the older one partly filled,
        // and an approval on another security of the same investor
        sale("CBYI", "z-first", 50_000, "2003-07-11T09:45:00-04:00");
        sale("CBYI", "a-second", 30_000, "2003-07-11T10:15:00-04:00");
        report("x1", "z-first", ExecutionKind.FILL, 20_000L, "2003-07-11T10:20:00-04:00");
        registered("CBYIX");
        sale("CBYIX", "b1", 1_000, "2003-07-11T09:00:00-04:00");

        // when
        JsonNode reservations = holdings.reservations(LETTER);

        // then: oldest first, with what fills took, the rest, and the age at the server's clock
        assertThat(reservations).extracting(r -> r.get("orderId").asText()).containsExactly("z-first", "a-second");
        JsonNode oldest = reservations.get(0);
        assertThat(oldest.get("kind").asText()).isEqualTo("PUBLIC_SALE");
        assertThat(oldest.get("phase").asText()).isEqualTo("FIRST");
        assertThat(oldest.get("period").isNull()).isTrue();
        assertThat(oldest.get("quantity").asLong()).isEqualTo(50_000);
        assertThat(oldest.get("taken").asLong()).isEqualTo(20_000);
        assertThat(oldest.get("rest").asLong()).isEqualTo(30_000);
        assertThat(oldest.get("fromTranche").asLong()).isZero();
        assertThat(oldest.get("fromCarry").asLong()).isZero();
        assertThat(oldest.get("openedAt").asText()).isEqualTo("2003-07-11T13:45:00Z");
        assertThat(oldest.get("ageSeconds").asLong()).isEqualTo(75 * 60);
        assertThat(reservations.get(1).get("ageSeconds").asLong()).isEqualTo(45 * 60);
        assertThat(reservations.get(1).get("rest").asLong()).isEqualTo(30_000);
    }

    @Test
    void shouldNoLongerListAReservationThatACancelReleasedOrAFillUsedUp() {
        // given
        sale("CBYI", "e2", 120_000, "2003-07-11T09:45:00-04:00");
        sale("CBYI", "e3", 10_000, "2003-07-11T09:50:00-04:00");
        sale("CBYI", "e4", 5_000, "2003-07-11T09:55:00-04:00");
        report("x1", "e2", ExecutionKind.CANCEL, null, "2003-07-11T10:00:00-04:00");
        report("x2", "e3", ExecutionKind.FILL, 10_000L, "2003-07-11T10:01:00-04:00");

        // when / then
        assertThat(holdings.reservations(LETTER)).extracting(r -> r.get("orderId").asText()).containsExactly("e4");
    }

    @Test
    void shouldListNoReservationsOfAHoldingWithoutApprovalsAndAnswer404ForAnUnknownHolding() {
        // given: the letter's holding, nothing approved
        // when / then
        assertThat(holdings.reservations(LETTER)).isEmpty();
        ApiException unknown = catchThrowableOfType(ApiException.class,
                () -> holdings.reservations(new HoldingKey("nobody", "CBYI")));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.getMessage()).contains("nobody/CBYI");
    }

    @Test
    void shouldSeeTheCapacityAnOpenApprovalHoldsInAWhatIf() {
        // given: 200,000 shares sellable now; then an approval of 120,000 that nothing has filled yet
        JsonNode before = holdings.whatIf(whatIf("w1", 100_000));
        sale("CBYI", "e2", 120_000, "2003-07-11T09:45:00-04:00");

        // when
        JsonNode after = holdings.whatIf(whatIf("w2", 100_000));

        // then: the reservation leaves 80,000, though nothing is sold
        assertThat(before.get("decision").asText()).isEqualTo("APPROVED");
        assertThat(before.get("maxAllowedNow").asLong()).isEqualTo(200_000);
        assertThat(after.get("decision").asText()).isEqualTo("BLOCKED");
        assertThat(after.get("reasons").get(0).asText()).isEqualTo("FIRST_RELEASE_CAP");
        assertThat(after.get("maxAllowedNow").asLong()).isEqualTo(80_000);
        assertThat(after.get("position").get("soldToDate").asLong()).isZero();
        assertThat(after.get("position").get("reservedNow").asLong()).isEqualTo(120_000);
        JsonNode position = holdings.one(LETTER);
        assertThat(position.get("reservedNow").asLong()).isEqualTo(120_000);
        assertThat(position.get("availableNow").asLong()).isEqualTo(80_000);
        assertThat(holdings.whatIf(whatIf("w3", 80_000)).get("decision").asText()).isEqualTo("APPROVED");
        assertThat(holdings.reservations(LETTER)).hasSize(1);
    }

    @Test
    void shouldAnswerAWhatIfOfAKindItDoesNotKnowInvalidWithThatKind() {
        // given an order of a kind added after this guard (UNKNOWN to it), for a holding it knows
        ProposedOrder newer = ProposedOrder.newBuilder(whatIf("k1", 1_000)).setKind(OrderKind.UNKNOWN).build();

        // when
        JsonNode answer = holdings.whatIf(newer);

        // then it is invalid, and says the kind it came with rather than none
        assertThat(answer.get("decision").asText()).isEqualTo("BLOCKED");
        assertThat(answer.get("reasons").get(0).asText()).isEqualTo("INVALID_ORDER");
        assertThat(answer.get("kind").asText()).isEqualTo("UNKNOWN");
    }

    @Test
    void shouldGiveEachPositionTheZoneItsReleaseDatesAreCountedIn() {
        // given the letter in New York, and one in Tokyo, whose release dates are Tokyo's dates
        agreements.pipeInput("dutchess/TKY", Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("TKY")
                .setExecutionDate(LocalDate.parse("2003-04-28")).setTimeZone("Asia/Tokyo").build(),
                at("2003-04-28T09:00:00+09:00"));
        // when / then each position says its zone: 2003-07-26T15:00:00Z is Tokyo's 07-27
        JsonNode tokyo = holdings.one(new HoldingKey("dutchess", "TKY"));
        assertThat(tokyo.get("timeZone").asText()).isEqualTo("Asia/Tokyo");
        assertThat(tokyo.get("firstReleaseAt").asText()).isEqualTo("2003-07-26T15:00:00Z");
        assertThat(list()).extracting(p -> p.get("timeZone").asText())
                .containsExactlyInAnyOrder("America/New_York", "Asia/Tokyo");
    }

    @Test
    void shouldListEachPositionAsItsHoldingIsAnsweredAlone() {
        // given the letter on two securities, one of them with an approval still open
        registered("TKY");
        sale("TKY", "s1", 50_000, "2003-07-11T10:00:00-04:00");

        // when every position is listed, written one at a time rather than as one tree
        JsonNode listed = list();

        // then each is the position its holding's own answer gives, as JSON (read back, numbers are ints or longs)
        assertThat(listed).hasSize(2).map(JsonNode::toString).containsExactlyInAnyOrder(
                holdings.one(LETTER).toString(), holdings.one(new HoldingKey("dutchess", "TKY")).toString());
        assertThat(listed.findValues("reservedNow")).extracting(JsonNode::asLong).contains(50_000L);
    }

    @Test
    void shouldAnswerTheAgreementInForceWithTheTextItsHashIsTakenOf() throws Exception {
        // given the letter, then its registration as version 2
        agreements.pipeInput(LETTER.asString(), Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setExecutionDate(LocalDate.parse("2003-04-28")).setEffectiveAt(at("2003-07-01T09:00:00-04:00"))
                .build(), at("2003-07-01T09:00:00-04:00"));
        // when
        JsonNode agreement = holdings.agreement(LETTER);
        // then version 2, whose hash is the SHA-256 of the canonical text given, and whose terms it shows
        assertThat(agreement.get("agreementVersion").asLong()).isEqualTo(2);
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(agreement.get("canonicalTerms").asText().getBytes(StandardCharsets.UTF_8));
        assertThat(agreement.get("termsHash").asText()).isEqualTo(HexFormat.of().formatHex(digest));
        assertThat(agreement.get("terms").get("effectiveAt").asText()).isEqualTo("2003-07-01T13:00:00.000Z");
        assertThat(agreement.get("terms").get("totalShares").asLong()).isEqualTo(675_675);
        assertThatThrownBy(() -> holdings.agreement(new HoldingKey("nobody", "CBYI")))
                .isInstanceOf(ApiException.class).hasMessageContaining("no agreement");
    }

    @Test
    void shouldAnswerAWhatIfOfADecidedOrderAsItsResendWouldBeAnswered() {
        // given an order the guard has decided
        sale("CBYI", "e2", 120_000, "2003-07-11T09:45:00-04:00");
        JsonNode decided = holdings.whatIf(whatIf("e2", 120_000));

        // when a what-if asks about the same order again, then it is answered as a resend is: the first decision,
        // marked as repeated (RULES.md section 4.2)
        assertThat(decided.get("decision").asText()).isEqualTo("APPROVED");
        assertThat(decided.get("evaluatedAt").asText()).isEqualTo("2003-07-11T13:45:00Z");
        assertThat(decided.get("repeated").asBoolean()).isTrue();
    }

    @Test
    void shouldTellWhatBecameOfEachOrderWithoutDecidingAnything() {
        // given: an approval partly filled, one cancelled, one filled whole, and a block
        sale("CBYI", "open", 50_000, "2003-07-11T09:45:00-04:00");
        report("x1", "open", ExecutionKind.FILL, 20_000L, "2003-07-11T10:00:00-04:00");
        sale("CBYI", "cancelled", 10_000, "2003-07-11T09:50:00-04:00");
        report("x2", "cancelled", ExecutionKind.CANCEL, null, "2003-07-11T10:01:00-04:00");
        sale("CBYI", "filled", 5_000, "2003-07-11T09:55:00-04:00");
        report("x3", "filled", ExecutionKind.FILL, 5_000L, "2003-07-11T10:02:00-04:00");
        sale("CBYI", "blocked", 500_000, "2003-07-11T10:05:00-04:00");
        String before = holdings.one(LETTER).toString();

        // when each is looked up
        JsonNode open = holdings.order(LETTER, "open");
        JsonNode cancelled = holdings.order(LETTER, "cancelled");
        JsonNode filled = holdings.order(LETTER, "filled");
        JsonNode blocked = holdings.order(LETTER, "blocked");

        // then: the first decision as written, where its reservation stands, and the open one's rest and age
        assertThat(open.get("decision").get("decision").asText()).isEqualTo("APPROVED");
        assertThat(open.get("decision").get("quantity").asLong()).isEqualTo(50_000);
        assertThat(open.get("decision").get("repeated").asBoolean()).isFalse();
        assertThat(open.get("reservationStatus").asText()).isEqualTo("OPEN");
        assertThat(open.get("reservation").get("rest").asLong()).isEqualTo(30_000);
        assertThat(open.get("reservation").get("ageSeconds").asLong()).isEqualTo(4_500);
        assertThat(cancelled.get("reservationStatus").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("reservation").isNull()).isTrue();
        assertThat(filled.get("reservationStatus").asText()).isEqualTo("FILLED");
        assertThat(blocked.get("decision").get("decision").asText()).isEqualTo("BLOCKED");
        assertThat(blocked.get("decision").get("reasons").get(0).asText()).isEqualTo("FIRST_RELEASE_CAP");
        assertThat(blocked.get("reservationStatus").isNull()).isTrue();
        assertThat(blocked.get("reservation").isNull()).isTrue();
        // and nothing changed by asking
        assertThat(holdings.one(LETTER).toString()).isEqualTo(before);
    }

    @Test
    void shouldAnswer404ForAnOrderIdTheHoldingDoesNotKnow() {
        // given an order decided on another security of the same investor
        registered("CBYIX");
        sale("CBYIX", "e1", 1_000, "2003-07-11T09:00:00-04:00");

        // when / then: not known on this holding, nor anything on an unknown one
        ApiException unknown = catchThrowableOfType(ApiException.class, () -> holdings.order(LETTER, "e1"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.getMessage()).contains("order e1 of holding dutchess/CBYI is not known");
        assertThat(catchThrowableOfType(ApiException.class,
                () -> holdings.order(new HoldingKey("nobody", "CBYI"), "e1")).status()).isEqualTo(404);
        assertThat(holdings.order(new HoldingKey("dutchess", "CBYIX"), "e1").get("decision").get("decision")
                .asText()).isEqualTo("APPROVED");
    }

    @Test
    void shouldListEveryOtherHoldingAndLogTheOneWhoseStoredStateCannotBeReadOnce() {
        // given the letter on two securities, and a third holding whose stored state is foreign bytes
        registered("TKY");
        driver.<String, byte[]>getKeyValueStore(StoreNames.HOLDING_STATE).put("dutchess/BAD", new byte[] {0x7f, 1});
        try (CapturedLogs logs = CapturedLogs.of(LocalHoldings.class)) {

            // when the list is asked for twice, as a dashboard asks for it again at every position
            JsonNode first = list();
            JsonNode second = list();

            // then both list the readable holdings, and the unreadable one is named in the log once
            assertThat(first).extracting(position -> position.get("securityId").asText())
                    .containsExactlyInAnyOrder("CBYI", "TKY");
            assertThat(second).hasSize(2);
            assertThat(logs.messagesAt(Level.ERROR)).singleElement().asString()
                    .startsWith("1 holding(s) left out of the list of positions: their stored state cannot be "
                            + "read (dutchess/BAD; dutchess/BAD: holding-state value");
        }
    }

    @Test
    void shouldAnswer503NotLeaveTheHoldingOutWhenTheRegistryThatReadsAnOlderGuardsValueIsAway() throws Exception {
        // given a holding state an older guard wrote (Avro, schema id 1), read with a registry nobody answers at
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        GuardTopics away = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url",
                "http://127.0.0.1:" + port, "max.retries", "0"));
        driver.<String, byte[]>getKeyValueStore(StoreNames.HOLDING_STATE).put("dutchess/OLD",
                new byte[] {0, 0, 0, 0, 1, 2});
        LocalHoldings upgraded = new LocalHoldings(driver::getKeyValueStore, away, JSON,
                Clock.fixed(NOW, ZoneOffset.UTC));

        // when the list, and that holding, are asked for
        ApiException list = catchThrowableOfType(ApiException.class, upgraded::all);
        ApiException one = catchThrowableOfType(ApiException.class,
                () -> upgraded.one(new HoldingKey("dutchess", "OLD")));

        // then each is a 503 to retry, as the registry is: not a list without the holding, nor a 500
        assertThat(list.status()).isEqualTo(503);
        assertThat(list.getMessage()).contains("schema registry");
        assertThat(one.status()).isEqualTo(503);
    }

    @Test
    void shouldAnswer503NamingANewerGuardForAHoldingWhoseStateOneWrote() {
        // given a holding whose state a newer guard wrote, in a format this one does not know
        registered("TKY");
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store =
                driver.getKeyValueStore(StoreNames.HOLDING_STATE);
        byte[] newer = store.get("dutchess/TKY").clone();
        newer[0] = 0x03;
        store.put("dutchess/TKY", newer);

        // when it is asked for
        ApiException one = catchThrowableOfType(ApiException.class,
                () -> holdings.one(new HoldingKey("dutchess", "TKY")));

        // then 503, saying so and where to ask (seen: 500 with the server's stack), not an internal error
        assertThat(one.status()).isEqualTo(503);
        assertThat(one.getMessage()).startsWith("holding-state value starts with byte 0x03, a format of a newer guard")
                .endsWith(": ask an instance of the newer version");
    }

    @Test
    void shouldAnswer503WhenTheStoresMoveAwayDuringARead() {
        // given: stores that a rebalance took away
        LocalHoldings moving = new LocalHoldings(name -> {
            throw new InvalidStateStoreException("store " + name + " is migrating");
        }, topics, JSON, Clock.fixed(NOW, ZoneOffset.UTC));

        // when
        ApiException failure = catchThrowableOfType(ApiException.class, () -> moving.reservations(LETTER));

        // then
        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.retryAfterSeconds()).isEqualTo(1);
        assertThat(failure.getMessage()).contains("rebalancing");
    }
}
