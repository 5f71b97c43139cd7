package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakReportTest {

    private static final Tally CLEAN = new Tally(10, 0, 0, 0);
    private static final Tally NO_DEAD_LETTERS = new Tally(0, 0, 0, 0);

    private static SoakReport report(long lost, long duplicated, long mismatched, long positions,
            boolean transactionsFinished, boolean groupEmpty, Tally results, Tally alerts) {
        return report(lost, duplicated, mismatched, positions, 0, transactionsFinished, groupEmpty, results, alerts);
    }

    private static SoakReport report(long lost, long duplicated, long mismatched, long positions, long published,
            boolean transactionsFinished, boolean groupEmpty, Tally results, Tally alerts) {
        return new SoakReport(2, 100, 0, 3, 3, 1, 1, 100, lost, duplicated, mismatched, positions, published,
                transactionsFinished, groupEmpty, 30, 40, results, alerts, NO_DEAD_LETTERS, 0);
    }

    @Test
    void shouldPassWhenEverythingWasAnsweredOnceAsTheReplayAnswersIt() {
        assertThat(report(0, 0, 0, 0, true, true, CLEAN, CLEAN).passed()).isTrue();
    }

    @Test
    void shouldFailOnAnySingleLostDuplicatedOrMismatchedAnswerOrAnUnfinishedEnd() {
        // given reports each with one thing wrong
        List<SoakReport> failing = List.of(
                report(1, 0, 0, 0, true, true, CLEAN, CLEAN),
                report(0, 1, 0, 0, true, true, CLEAN, CLEAN),
                report(0, 0, 1, 0, true, true, CLEAN, CLEAN),
                report(0, 0, 0, 1, true, true, CLEAN, CLEAN),
                report(0, 0, 0, 0, 1, true, true, CLEAN, CLEAN),
                report(0, 0, 0, 0, false, true, CLEAN, CLEAN),
                report(0, 0, 0, 0, true, false, CLEAN, CLEAN),
                report(0, 0, 0, 0, true, true, new Tally(10, 1, 0, 0), CLEAN),
                report(0, 0, 0, 0, true, true, new Tally(10, 0, 1, 0), CLEAN),
                report(0, 0, 0, 0, true, true, new Tally(10, 0, 0, 1), CLEAN),
                report(0, 0, 0, 0, true, true, CLEAN, new Tally(10, 1, 0, 0)),
                report(0, 0, 0, 0, true, true, CLEAN, new Tally(10, 0, 1, 0)),
                report(0, 0, 0, 0, true, true, CLEAN, new Tally(10, 0, 0, 1)));
        // then none passes
        assertThat(failing).noneMatch(SoakReport::passed);
    }

    @Test
    void shouldFailOnADeadLetterTheReplayDidNotWrite() {
        // given everything answered once, as the replay answers it, and one dead letter more than the replay's
        // (seen: orders decided and dead-lettered besides, and reports applied and dead-lettered, passed)
        SoakReport report = new SoakReport(2, 100, 0, 3, 3, 1, 1, 100, 0, 0, 0, 0, 0, true, true, 30, 40, CLEAN,
                CLEAN, new Tally(1, 0, 0, 1), 0);
        // then it does not pass
        assertThat(report.passed()).isFalse();
    }

    @Test
    void shouldFailOnADeadLetterOfAnotherKeyOrReasonThoughTheirCountIsTheReplays() {
        // given everything answered once, and as many dead letters as the replay's, one of them for another record
        SoakReport report = new SoakReport(2, 100, 0, 3, 3, 1, 1, 100, 0, 0, 0, 0, 0, true, true, 30, 40, CLEAN,
                CLEAN, new Tally(5, 1, 0, 1), 5);
        // then it does not pass
        assertThat(report.passed()).isFalse();
    }

    @Test
    void shouldNotPassASoakThatSentOrDecidedNothing() {
        // given soaks whose every tally is clean because there was nothing to count
        Tally none = new Tally(0, 0, 0, 0);
        SoakReport nothingSent = new SoakReport(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, true, true, 1, 0, none,
                none, NO_DEAD_LETTERS, 0);
        SoakReport nothingDecided = new SoakReport(2, 100, 0, 3, 3, 1, 1, 0, 0, 0, 0, 0, 0, true, true, 30, 0, CLEAN,
                CLEAN, NO_DEAD_LETTERS, 0);

        // then neither passes: two empty sets agree, and prove nothing
        assertThat(List.of(nothingSent, nothingDecided)).noneMatch(SoakReport::passed);
    }

    @Test
    void shouldFailAsCleanASoakThatDidNotKillOrBounceAsAsked() {
        // given clean answers after fewer kills, or fewer broker bounces, than asked for (a chaos event that failed)
        SoakReport noKills = new SoakReport(2, 100, 0, 0, 3, 1, 1, 100, 0, 0, 0, 0, 0, true, true, 30, 40, CLEAN,
                CLEAN, NO_DEAD_LETTERS, 0);
        SoakReport noBounce = new SoakReport(2, 100, 0, 3, 3, 0, 1, 100, 0, 0, 0, 0, 0, true, true, 30, 40, CLEAN,
                CLEAN, NO_DEAD_LETTERS, 0);
        // then neither passes, and each says what it did not do
        assertThat(List.of(noKills, noBounce)).noneMatch(SoakReport::passed);
        assertThat(noKills.chaosShortfall()).contains("asked for 3 kills and 1 broker bounces, did 0 and 1 (the "
                + "soak's log says why)");
        assertThat(report(0, 0, 0, 0, true, true, CLEAN, CLEAN).chaosShortfall()).isEmpty();
    }

    @Test
    void shouldPrintEveryFigureUnderItsName() {
        // given
        SoakReport report = new SoakReport(3, 48_000, 14, 24, 24, 3, 3, 48_001, 1, 2, 3, 4, 11, true, false,
                513.4, 9_000,
                new Tally(9_001, 5, 6, 7), new Tally(300, 8, 9, 10), new Tally(12, 14, 15, 16), 13);
        // then
        assertThat(report.figures()).isEqualTo("instances=3 orders=48000 resent=14 kills=24 broker_bounces=3 "
                + "decisions=48001 "
                + "lost=1 duplicated=2 mismatched=3 final_positions_mismatched=4 published_positions_mismatched=11 "
                + "transactions_finished=true "
                + "group_empty=false seconds=513 reports=9000 results=9001 results_lost=5 results_duplicated=6 "
                + "results_mismatched=7 alerts=300 alerts_lost=8 alerts_duplicated=9 alerts_mismatched=10 "
                + "dead_letters=12 dead_letters_expected=13 dead_letters_lost=14 dead_letters_duplicated=15 "
                + "dead_letters_mismatched=16");
    }
}
