package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayedTimelineTest {

    private static final String AGREEMENT = "{\"type\":\"agreement\",\"at\":\"2003-07-10T16:30:00-04:00\","
            + "\"investorId\":\"d\",\"securityId\":\"C\",\"executionDate\":\"2003-04-28\","
            + "\"effectiveAt\":\"2003-07-10T16:30:00-04:00\"}";

    private static String order(String orderId, String at, long quantity) {
        return "{\"type\":\"order\",\"at\":\"" + at + "\",\"orderId\":\"" + orderId
                + "\",\"investorId\":\"d\",\"securityId\":\"C\",\"kind\":\"PUBLIC_SALE\",\"quantity\":" + quantity + "}";
    }

    private static String fill(String executionId, String at, long quantity) {
        return "{\"type\":\"execution\",\"at\":\"" + at + "\",\"executionId\":\"" + executionId
                + "\",\"orderId\":\"e1\",\"investorId\":\"d\",\"securityId\":\"C\",\"kind\":\"FILL\",\"quantity\":"
                + quantity + "}";
    }

    @Test
    void shouldKeepEachHoldingsLastPositionWithTheAnswerThatCarriedIt() throws IOException {
        // given an approved order, two fills under one execution id (the first invalid, with no position) and a
        // second order on another holding, decided before them
        List<String> timeline = List.of(AGREEMENT, order("e1", "2003-07-11T09:45:00-04:00", 120_000),
                AGREEMENT.replace("\"d\"", "\"other\""),
                order("o1", "2003-07-11T09:50:00-04:00", 1_000).replace("\"d\"", "\"other\""),
                fill("x1", "2003-07-11T10:30:00-04:00", -5), fill("x1", "2003-07-11T10:31:00-04:00", 100_000));
        // when
        ReplayedTimeline replayed = ReplayedTimeline.of(timeline);
        // then the holding's last answer is the valid fill's, the second with its id; the other holding's is its
        // order's decision
        assertThat(replayed.decisions()).containsOnlyKeys("e1", "o1");
        assertThat(replayed.results()).hasSize(2);
        ReplayedTimeline.FinalPosition last = replayed.finalPositions().get("d/C");
        assertThat(last.orderId()).isNull();
        assertThat(last.report()).isEqualTo(ReportId.of("d", "C", "x1"));
        assertThat(last.occurrence()).isEqualTo(1);
        assertThat(last.position().getSoldToDate()).isEqualTo(100_000);
        assertThat(replayed.finalPositions().get("other/C").orderId()).isEqualTo("o1");
        assertThat(replayed.resultCounts()).isEqualTo("{APPLIED=1, INVALID=1}");
    }

    @Test
    void shouldCountTheRecordsTheGuardDeadLettersForTheTimeline() throws IOException {
        // given a timeline with an invalid fill (answered INVALID and dead-lettered besides), a fill reusing an
        // execution id with other content (DUPLICATE_EXECUTION_ID, the same), a fill of a holding without an
        // agreement (UNKNOWN_AGREEMENT, the same), and an agreement the replay does not apply, which produce does
        // not send
        List<String> timeline = List.of(AGREEMENT, order("e1", "2003-07-11T09:45:00-04:00", 120_000),
                fill("x1", "2003-07-11T10:30:00-04:00", -5), fill("x2", "2003-07-11T10:31:00-04:00", 100_000),
                fill("x2", "2003-07-11T10:32:00-04:00", 90_000),
                fill("x3", "2003-07-11T10:33:00-04:00", 1).replace("\"d\"", "\"nobody\""),
                AGREEMENT.replace("2003-04-28", "2003-02-30"));
        // when
        ReplayedTimeline replayed = ReplayedTimeline.of(timeline);
        // then the soak expects three dead letters of the guard: one for each report (seen: four, the agreement
        // counted though the guard never gets it)
        assertThat(replayed.resultCounts()).contains("DUPLICATE_EXECUTION_ID=1", "INVALID=1", "UNKNOWN_AGREEMENT=1");
        assertThat(replayed.deadLettered()).isEqualTo(3);
        // each with its holding's key, its execution id and the guard's reason
        assertThat(replayed.deadLetters()).containsOnly(
                Map.entry(new DeadLetterCheck.Letter("d/C", "x1", "INVALID_EXECUTION"), 1L),
                Map.entry(new DeadLetterCheck.Letter("d/C", "x2", "DUPLICATE_EXECUTION_ID"), 1L),
                Map.entry(new DeadLetterCheck.Letter("nobody/C", "x3", "UNKNOWN_AGREEMENT"), 1L));
        assertThat(replayed.unanswered()).isZero();
    }

    @Test
    void shouldKeepEveryAnswerToAnOrderIdSentAgainButNotTakeARetrysPositionAsTheHoldingsLast() throws IOException {
        // given two orders, then a retry of the first (same content) and a reuse of the second's id (another quantity)
        List<String> timeline = List.of(AGREEMENT, order("e1", "2003-07-11T09:45:00-04:00", 120_000),
                order("o2", "2003-07-11T09:50:00-04:00", 1_000), order("e1", "2003-07-11T09:55:00-04:00", 120_000),
                order("o2", "2003-07-11T10:00:00-04:00", 1_001));

        // when
        ReplayedTimeline replayed = ReplayedTimeline.of(timeline);

        // then each id has two answers in line order: the retry's is the first decision, repeated; the reuse is
        // blocked
        assertThat(replayed.decisionCount()).isEqualTo(4);
        assertThat(replayed.repeatedCount()).isEqualTo(1);
        List<JsonNode> retried = replayed.decisions().get("e1");
        assertThat(retried.get(1).get("repeated").asBoolean()).isTrue();
        assertThat(((ObjectNode) retried.get(1).deepCopy()).put("repeated", false)).isEqualTo(retried.get(0));
        List<JsonNode> reused = replayed.decisions().get("o2");
        assertThat(reused.get(1).get("reasons").toString()).isEqualTo("[\"DUPLICATE_ORDER_ID\"]");
        // and the holding was last left by the second order's decision, not by the retry's (which carries the
        // position after the first: seen, the soak then expected every retried holding back where it had been)
        ReplayedTimeline.FinalPosition last = replayed.finalPositions().get("d/C");
        assertThat(last.orderId()).isEqualTo("o2");
        assertThat(last.position().getReservedNow()).isEqualTo(121_000);
    }
}
