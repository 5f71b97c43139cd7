package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Phase;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.Reason;
import com.lockupguard.contract.ContractJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> logged = new ArrayList<>();
    private final DecisionCheck check = new DecisionCheck(logged::add);

    /** A replay decision line, as the replay writes it: a first decision, never a repeated one. */
    private static JsonNode line(String orderId, String outcome, long maxAllowedNow, String... reasons) {
        return lineOf(decision(orderId, Outcome.valueOf(outcome), maxAllowedNow, false,
                java.util.Arrays.stream(reasons).map(Reason::valueOf).toArray(Reason[]::new)));
    }

    /** The replay's lines of orders each sent once: one line per order id. */
    private static Map<String, List<JsonNode>> once(Map<String, JsonNode> lines) {
        Map<String, List<JsonNode>> once = new HashMap<>();
        lines.forEach((orderId, line) -> once.put(orderId, List.of(line)));
        return once;
    }

    private static JsonNode lineOf(Decision decision) {
        return new ContractJson(JSON).decision(decision);
    }

    private static Decision decision(String orderId, Outcome outcome, long maxAllowedNow, boolean repeated,
            Reason... reasons) {
        return Decision.newBuilder().setOrderId(orderId).setOrderAt(Instant.EPOCH).setOutcome(outcome)
                .setReasons(List.of(reasons)).setMaxAllowedNow(maxAllowedNow).setRepeated(repeated).build();
    }

    @Test
    void shouldFindNothingWhenEveryOrderIsDecidedOnceAsTheReplayDecidesIt() {
        // given an approval and a block
        Map<String, JsonNode> expected = Map.of("o-1", line("o-1", "APPROVED", 100),
                "o-2", line("o-2", "BLOCKED", 0, "LOCKUP_ACTIVE"));
        // when the guard wrote the same
        Tally tally = check.decisions(once(expected), List.of(decision("o-1", Outcome.APPROVED, 100, false),
                decision("o-2", Outcome.BLOCKED, 0, false, Reason.LOCKUP_ACTIVE)));
        // then
        assertThat(tally).isEqualTo(new Tally(2, 0, 0, 0));
        assertThat(logged).isEmpty();
    }

    @Test
    void shouldCountAnOrderWithoutDecisionAsLostAndASecondDecisionAsDuplicated() {
        // given two orders the replay decided
        Map<String, JsonNode> expected = Map.of("o-1", line("o-1", "APPROVED", 100),
                "o-2", line("o-2", "BLOCKED", 0, "LOCKUP_ACTIVE"));
        // when the guard decided the first twice (a decision committed again after a crash) and never the second
        Tally tally = check.decisions(once(expected), List.of(decision("o-1", Outcome.APPROVED, 100, false),
                decision("o-1", Outcome.APPROVED, 100, false)));
        // then
        assertThat(tally).isEqualTo(new Tally(2, 1, 1, 0));
    }

    @Test
    void shouldCountADecisionThatDiffersInOutcomeReasonsOrMaxAllowedNowAsMismatched() {
        // given three orders the replay decided
        Map<String, JsonNode> expected = Map.of("o-1", line("o-1", "APPROVED", 100),
                "o-2", line("o-2", "BLOCKED", 0, "LOCKUP_ACTIVE"),
                "o-3", line("o-3", "BLOCKED", 50, "PERIOD_CAP"));
        // when the guard decided each once, but each differently: the outcome, a reason, the quantity allowed
        Tally tally = check.decisions(once(expected), List.of(decision("o-1", Outcome.BLOCKED, 100, false),
                decision("o-2", Outcome.BLOCKED, 0, false, Reason.NOT_REGISTERED),
                decision("o-3", Outcome.BLOCKED, 40, false, Reason.PERIOD_CAP)));
        // then each is a mismatch
        assertThat(tally).isEqualTo(new Tally(3, 0, 0, 3));
        assertThat(logged).hasSize(3);
    }

    @Test
    void shouldCountADecisionThatDiffersInItsQuantityOrItsPositionAsMismatched() {
        // given two orders the replay decided, each with the position after it
        Map<String, JsonNode> expected = Map.of("o-1", lineOf(sale("o-1", 100, 100)),
                "o-2", lineOf(sale("o-2", 50, 150)));

        // when the guard wrote the same outcomes, one with another quantity, the other with another position
        Tally tally = check.decisions(once(expected), List.of(sale("o-1", 1_100, 100), sale("o-2", 50, 1_150)));

        // then both are mismatches (seen: both passed, only outcome, reasons, maxAllowedNow and repeated compared)
        assertThat(tally).isEqualTo(new Tally(2, 0, 0, 2));
    }

    /** An approved sale of {@code quantity}, the holding having sold {@code sold} after it. */
    private static Decision sale(String orderId, long quantity, long sold) {
        Decision decision = decision(orderId, Outcome.APPROVED, 100, false);
        decision.setQuantity(quantity);
        decision.setPosition(position(sold));
        return decision;
    }

    private static Position position(long sold) {
        return Position.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI").setAsOf(Instant.EPOCH)
                .setPhase(Phase.FIRST).setRegistered(true).setTotalShares(675_675).setSoldToDate(sold)
                .setReservedNow(0).setContractCapacity(200_000).setReleasedToDate(200_000)
                .setAvailableNow(200_000 - sold).setFirstReleaseAt(Instant.EPOCH).setSecondReleaseAt(Instant.EPOCH)
                .setRule144Date(java.time.LocalDate.of(2004, 4, 28)).build();
    }

    @Test
    void shouldCountADecisionForAnOrderTheReplayNeverDecidedAsMismatched() {
        // given one order the replay decided
        Map<String, JsonNode> expected = Map.of("o-1", line("o-1", "APPROVED", 100));
        // when the guard also wrote a decision for an order id the timeline never held
        Tally tally = check.decisions(once(expected), List.of(decision("o-1", Outcome.APPROVED, 100, false),
                decision("o-ghost", Outcome.APPROVED, 100, false)));
        // then the soak cannot pass
        assertThat(tally).isEqualTo(new Tally(2, 0, 0, 1));
        assertThat(logged).singleElement().asString().contains("UNEXPECTED").contains("o-ghost");
    }

    @Test
    void shouldCountASoleDecisionMarkedRepeatedAsMismatched() {
        // given an order sent once, which the replay decides as a first decision
        Map<String, JsonNode> expected = Map.of("o-1", line("o-1", "APPROVED", 100));
        // when the only decision the guard wrote is a retry's: its state remembered the order, but the first
        // decision was never committed
        Tally tally = check.decisions(once(expected), List.of(decision("o-1", Outcome.APPROVED, 100, true)));
        // then
        assertThat(tally).isEqualTo(new Tally(1, 0, 0, 1));
        assertThat(logged).singleElement().asString().contains("MISMATCH o-1");
    }

    @Test
    void shouldFindNothingWhenARetryGetsItsFirstDecisionAgainInWhicheverOrderTheTopicsAreRead() {
        // given an order sent twice, approved, then answered again to the retry; and an order whose id was reused,
        // approved, then the reuse blocked
        Map<String, List<JsonNode>> expected = Map.of(
                "o-1", List.of(line("o-1", "APPROVED", 100), lineOf(decision("o-1", Outcome.APPROVED, 100, true))),
                "o-2", List.of(line("o-2", "APPROVED", 100), line("o-2", "BLOCKED", 0, "DUPLICATE_ORDER_ID")));

        // when the guard wrote the same, read with the block (on the blocked topic) before the approval
        Tally tally = check.decisions(expected, List.of(decision("o-1", Outcome.APPROVED, 100, true),
                decision("o-2", Outcome.BLOCKED, 0, false, Reason.DUPLICATE_ORDER_ID),
                decision("o-1", Outcome.APPROVED, 100, false), decision("o-2", Outcome.APPROVED, 100, false)));

        // then
        assertThat(tally).isEqualTo(new Tally(4, 0, 0, 0));
        assertThat(logged).isEmpty();
    }

    @Test
    void shouldCountARetryDecidedAfreshAsMismatched() {
        // given an order sent twice, which the replay answers the second time with the first decision, repeated
        Map<String, List<JsonNode>> expected = Map.of("o-1",
                List.of(line("o-1", "APPROVED", 100), lineOf(decision("o-1", Outcome.APPROVED, 100, true))));

        // when the guard decided the retry as a new order: it forgot the id, in a crash
        Tally tally = check.decisions(expected, List.of(decision("o-1", Outcome.APPROVED, 100, false),
                decision("o-1", Outcome.APPROVED, 100, false)));

        // then it is a mismatch (seen: with one line per order id, the retry's answer counted as a duplicate only,
        // whatever it said)
        assertThat(tally).isEqualTo(new Tally(2, 0, 0, 1));
        assertThat(logged).singleElement().asString().contains("MISMATCH o-1").contains("\"repeated\":true");
    }

    @Test
    void shouldCountARetryLeftUnansweredAsLostAndAThirdAnswerAsDuplicated() {
        // given two orders, each sent twice
        JsonNode first = line("o-1", "APPROVED", 100);
        JsonNode repeated = lineOf(decision("o-1", Outcome.APPROVED, 100, true));
        Map<String, List<JsonNode>> expected = Map.of("o-1", List.of(first, repeated),
                "o-2", List.of(line("o-2", "APPROVED", 100), lineOf(decision("o-2", Outcome.APPROVED, 100, true))));

        // when the guard answered the first three times and the second once
        Tally tally = check.decisions(expected, List.of(decision("o-1", Outcome.APPROVED, 100, false),
                decision("o-1", Outcome.APPROVED, 100, true), decision("o-1", Outcome.APPROVED, 100, true),
                decision("o-2", Outcome.APPROVED, 100, false)));

        // then
        assertThat(tally).isEqualTo(new Tally(4, 1, 1, 0));
    }
}
