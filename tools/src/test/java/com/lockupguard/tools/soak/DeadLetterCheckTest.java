package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterCheckTest {

    private static final DeadLetterCheck.Letter INVALID_A = new DeadLetterCheck.Letter("a/SEC", "INVALID_EXECUTION");
    private static final DeadLetterCheck.Letter UNKNOWN_B = new DeadLetterCheck.Letter("b/SEC", "UNKNOWN_AGREEMENT");

    private final List<String> logged = new ArrayList<>();
    private final DeadLetterCheck check = new DeadLetterCheck(logged::add);

    @Test
    void shouldFindNothingWhenEveryDeadLetterIsTheReplaysByKeyAndReason() {
        // given two invalid reports of holding a and one of holding b without agreement
        Map<DeadLetterCheck.Letter, Long> expected = Map.of(INVALID_A, 2L, UNKNOWN_B, 1L);
        // when the guard dead-lettered the same, in any order
        Tally tally = check.deadLetters(expected, 0, List.of(INVALID_A, UNKNOWN_B, INVALID_A));
        // then
        assertThat(tally).isEqualTo(new Tally(3, 0, 0, 0));
        assertThat(logged).isEmpty();
    }

    @Test
    void shouldCountALetterForAnotherHoldingOrReasonAsMismatchedAndTheOneExpectedAsLost() {
        // given one invalid report of holding a, and one of holding b without agreement
        Map<DeadLetterCheck.Letter, Long> expected = Map.of(INVALID_A, 1L, UNKNOWN_B, 1L);
        // when the guard dead-lettered as many, but one of holding a for another reason
        Tally tally = check.deadLetters(expected, 0,
                List.of(INVALID_A, new DeadLetterCheck.Letter("a/SEC", "UNKNOWN_AGREEMENT")));
        // then the count agrees, and the soak fails nonetheless
        assertThat(tally).isEqualTo(new Tally(2, 1, 0, 1));
        assertThat(logged).anySatisfy(line -> assertThat(line).contains("UNEXPECTED", "a/SEC", "UNKNOWN_AGREEMENT"))
                .anySatisfy(line -> assertThat(line).contains("LOST", "b/SEC", "UNKNOWN_AGREEMENT"));
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
    void shouldTakeLettersTheReplayDidNotKeyAsItsUnansweredRecordsUpToTheirNumber() {
        // given a replay that dead-letters two records without answering them: it knows neither key nor reason
        // when the guard wrote three dead letters the replay did not key
        Tally tally = check.deadLetters(Map.of(), 2, List.of(INVALID_A, UNKNOWN_B,
                new DeadLetterCheck.Letter("c/SEC", "UNDECODABLE")));
        // then one of them is one too many
        assertThat(tally).isEqualTo(new Tally(3, 0, 0, 1));
    }
}
