package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterCheckTest {

    private static final DeadLetterCheck.Letter INVALID_A =
            new DeadLetterCheck.Letter("a/SEC", "x-1", "INVALID_EXECUTION");
    private static final DeadLetterCheck.Letter UNKNOWN_B =
            new DeadLetterCheck.Letter("b/SEC", "x-2", "UNKNOWN_AGREEMENT");

    private final List<String> logged = new ArrayList<>();
    private final DeadLetterCheck check = new DeadLetterCheck(logged::add);

    @Test
    void shouldFindNothingWhenEveryDeadLetterIsTheReplays() {
        // given two invalid reports of holding a under one execution id, and one of holding b without agreement
        Map<DeadLetterCheck.Letter, Long> expected = Map.of(INVALID_A, 2L, UNKNOWN_B, 1L);
        // when the guard dead-lettered the same, in any order
        Tally tally = check.deadLetters(expected, 0, List.of(INVALID_A, UNKNOWN_B, INVALID_A));
        // then
        assertThat(tally).isEqualTo(new Tally(3, 0, 0, 0));
        assertThat(logged).isEmpty();
    }

    @Test
    void shouldCountALetterOfAnotherRecordOrReasonAsMismatchedAndTheOneExpectedAsLost() {
        // given one invalid report of holding a, and one of holding b without agreement
        Map<DeadLetterCheck.Letter, Long> expected = Map.of(INVALID_A, 1L, UNKNOWN_B, 1L);
        // when the guard dead-lettered as many, but b's for another reason, and in a's place another of its reports
        Tally tally = check.deadLetters(expected, 0, List.of(new DeadLetterCheck.Letter("a/SEC", "x-9",
                "INVALID_EXECUTION"), new DeadLetterCheck.Letter("b/SEC", "x-2", "INVALID_EXECUTION")));
        // then the count agrees, and the soak fails nonetheless
        assertThat(tally).isEqualTo(new Tally(2, 2, 0, 2));
        assertThat(logged).anySatisfy(line -> assertThat(line).contains("UNEXPECTED", "a/SEC", "x-9"))
                .anySatisfy(line -> assertThat(line).contains("LOST", "b/SEC", "x-2", "UNKNOWN_AGREEMENT"));
    }

    @Test
    void shouldCountASecondLetterOfOneExpectedOnceAsDuplicated() {
        // given one invalid report
        Map<DeadLetterCheck.Letter, Long> expected = Map.of(INVALID_A, 1L);
        // when the guard dead-lettered it twice (a dead letter committed again after a crash)
        Tally tally = check.deadLetters(expected, 0, List.of(INVALID_A, INVALID_A));
        // then
        assertThat(tally).isEqualTo(new Tally(2, 0, 1, 0));
    }

    @Test
    void shouldTakeLettersBeyondTheExpectedAsTheReplaysUnansweredRecordsUpToTheirNumber() {
        // given a replay that dead-letters two records without answering them: it cannot name their letters, and
        // one of them may well look like a letter it expects (an invalid report of holding a, with its id)
        Map<DeadLetterCheck.Letter, Long> expected = Map.of(INVALID_A, 1L);
        // when the guard wrote the expected letter twice, and two letters the replay does not name
        Tally tally = check.deadLetters(expected, 2, List.of(INVALID_A, INVALID_A, UNKNOWN_B,
                new DeadLetterCheck.Letter("c/SEC", null, null)));
        // then one of the three beyond the expected is one too many: the second copy, the two others taken as the
        // unanswered records
        assertThat(tally).isEqualTo(new Tally(4, 0, 1, 0));
        // and with one more unanswered record, none is (as the review found, the second copy was counted as
        // duplicated before the unanswered records were taken into account)
        assertThat(check.deadLetters(expected, 3, List.of(INVALID_A, INVALID_A, UNKNOWN_B,
                new DeadLetterCheck.Letter("c/SEC", null, null)))).isEqualTo(new Tally(4, 0, 0, 0));
    }

    @Test
    void shouldNameALetterByItsKeyTheIdOfTheRecordItHoldsAndTheGuardsReason() {
        // given a dead letter of a report and one of an order, with the guard's reason, and one of Kafka Streams'
        RecordHeaders guards = new RecordHeaders();
        guards.add("lockup-guard.dlq.reason", "INVALID_EXECUTION".getBytes(StandardCharsets.UTF_8));
        ExecutionReport report = ExecutionReport.newBuilder().setExecutionId("x-7").setOrderId("o-1")
                .setInvestorId("a").setSecurityId("SEC").setKind(ExecutionKind.FILL).setQuantity(-5L).build();
        ProposedOrder order = ProposedOrder.newBuilder().setOrderId("o-2").setInvestorId("a").setSecurityId("SEC")
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(0L).build();

        // when each is named
        DeadLetterCheck.Letter ofReport = DeadLetterCheck.Letter.of("a/SEC", guards, report);
        DeadLetterCheck.Letter ofOrder = DeadLetterCheck.Letter.of("a/SEC", guards, order);
        DeadLetterCheck.Letter unreadable = DeadLetterCheck.Letter.of("a/SEC", new RecordHeaders(), null);

        // then
        assertThat(ofReport).isEqualTo(new DeadLetterCheck.Letter("a/SEC", "x-7", "INVALID_EXECUTION"));
        assertThat(ofOrder).isEqualTo(new DeadLetterCheck.Letter("a/SEC", "o-2", "INVALID_EXECUTION"));
        assertThat(unreadable).isEqualTo(new DeadLetterCheck.Letter("a/SEC", null, null));
    }
}
