package com.lockupguard.rules;

import static com.lockupguard.rules.RulesFixtures.EFFECTIVE;
import static com.lockupguard.rules.RulesFixtures.at;
import static com.lockupguard.rules.RulesFixtures.letter;
import static com.lockupguard.rules.RulesFixtures.letterEffective;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LockupCalendarTest {

    private static final Duration ONE_MILLI = Duration.ofMillis(1);

    @Nested
    @DisplayName("the letter's own calendar, with no earlier effective date")
    class LetterCalendar {

        private final LockupCalendar calendar = letter().calendar();

        @Test
        void shouldEndLockupNinetyDaysAfterExecutionAtLocalMidnight() {
            // given the letter executed on Mon 2003-04-28 in New York
            // then the First Release instant is Sun 2003-07-27 00:00 EDT
            assertThat(calendar.firstRelease()).isEqualTo(at("2003-07-27T00:00:00-04:00"));
        }

        @Test
        void shouldPlaceSecondReleaseDateThirtyDaysAfterFirstRelease() {
            assertThat(calendar.secondReleaseDate()).isEqualTo(LocalDate.parse("2003-08-26"));
            assertThat(calendar.secondReleaseStart()).isEqualTo(at("2003-08-26T00:00:00-04:00"));
        }

        @ParameterizedTest(name = "period {0} runs {1} to {2}")
        @CsvSource({
            "0, 2003-08-26, 2003-09-24",
            "1, 2003-09-25, 2003-10-24",
            "2, 2003-10-25, 2003-11-23",
            "3, 2003-11-24, 2003-12-23",
        })
        void shouldCutFixedThirtyDayPeriodsFromSecondReleaseDate(long k, String first, String last) {
            // when the first and the last instant of each local day are placed
            Instant start = LocalDate.parse(first).atStartOfDay(calendar.zone()).toInstant();
            Instant end = LocalDate.parse(last).plusDays(1).atStartOfDay(calendar.zone()).toInstant().minus(ONE_MILLI);
            // then both fall in period k, and the instants around them in its neighbours
            assertThat(calendar.windowAt(start)).isEqualTo(Window.period(k));
            assertThat(calendar.windowAt(end)).isEqualTo(Window.period(k));
            assertThat(calendar.windowAt(end.plus(ONE_MILLI))).isEqualTo(Window.period(k + 1));
            assertThat(calendar.periodStart(k)).isEqualTo(start);
        }

        @Test
        void shouldMakeSharesSalableUnderRule144OneYearAfterExecution() {
            assertThat(calendar.rule144Date()).isEqualTo(LocalDate.parse("2004-04-28"));
            assertThat(calendar.registeredAt(at("2004-04-27T23:59:59.999-04:00"))).isFalse();
            assertThat(calendar.registeredAt(at("2004-04-28T00:00:00-04:00"))).isTrue();
        }

        @Test
        void shouldNotBeRegisteredBeforeRule144DateWithoutEffectiveDate() {
            assertThat(calendar.registeredAt(at("2003-12-01T12:00:00-05:00"))).isFalse();
        }
    }

    @Nested
    @DisplayName("edges of every window, the instant before and at local midnight")
    class WindowEdges {

        private final LockupCalendar calendar = letter().calendar();

        @Test
        void shouldBeInLockupTheInstantBeforeFirstRelease() {
            assertThat(calendar.windowAt(at("2003-07-26T23:59:59.999-04:00"))).isEqualTo(Window.LOCKUP);
        }

        @Test
        void shouldBeInFirstWindowAtFirstRelease() {
            assertThat(calendar.windowAt(at("2003-07-27T00:00:00-04:00"))).isEqualTo(Window.FIRST);
        }

        @Test
        void shouldBeInFirstWindowTheInstantBeforeSecondReleaseDate() {
            assertThat(calendar.windowAt(at("2003-08-25T23:59:59.999-04:00"))).isEqualTo(Window.FIRST);
        }

        @Test
        void shouldBeInPeriodZeroAtSecondReleaseDate() {
            assertThat(calendar.windowAt(at("2003-08-26T00:00:00-04:00"))).isEqualTo(Window.period(0));
        }

        @Test
        void shouldCountLocalDaysNotUtcDays() {
            // 2003-09-25 02:00Z is still 2003-09-24 22:00 in New York: period 0, not 1
            assertThat(calendar.windowAt(at("2003-09-25T02:00:00Z"))).isEqualTo(Window.period(0));
            assertThat(calendar.windowAt(at("2003-09-25T04:00:00Z"))).isEqualTo(Window.period(1));
        }

        @Test
        void shouldBeInLockupBeforeExecutionDate() {
            assertThat(calendar.windowAt(at("2003-04-01T00:00:00-05:00"))).isEqualTo(Window.LOCKUP);
        }

        @Test
        void shouldNameTheNextWindowStartOfEachWindow() {
            assertThat(calendar.nextWindowStart(Window.LOCKUP, at("2003-05-01T00:00:00Z")))
                    .isEqualTo(at("2003-07-27T00:00:00-04:00"));
            assertThat(calendar.nextWindowStart(Window.FIRST, at("2003-08-01T00:00:00Z")))
                    .isEqualTo(at("2003-08-26T00:00:00-04:00"));
            assertThat(calendar.nextWindowStart(Window.period(0), at("2003-09-01T00:00:00Z")))
                    .isEqualTo(at("2003-09-25T00:00:00-04:00"));
        }
    }

    @Nested
    @DisplayName("the registration's effective date")
    class EffectiveDate {

        @Test
        void shouldStartFirstWindowAtEffectiveInstantWhenEarlierThanNinetyDays() {
            // given the worked example: effective 2003-07-10 16:30 EDT
            LockupCalendar calendar = letterEffective().calendar();
            // then FRD is that instant, SRD its local date + 30 days, P1 starts 09-08
            assertThat(calendar.firstRelease()).isEqualTo(EFFECTIVE);
            assertThat(calendar.windowAt(EFFECTIVE.minus(ONE_MILLI))).isEqualTo(Window.LOCKUP);
            assertThat(calendar.windowAt(EFFECTIVE)).isEqualTo(Window.FIRST);
            assertThat(calendar.secondReleaseDate()).isEqualTo(LocalDate.parse("2003-08-09"));
            assertThat(calendar.periodStart(1)).isEqualTo(at("2003-09-08T00:00:00-04:00"));
        }

        @Test
        void shouldKeepNinetyDayFirstReleaseWhenEffectiveLater() {
            LockupCalendar calendar = letter().withEffectiveAt(at("2003-08-01T10:00:00-04:00")).calendar();
            assertThat(calendar.firstRelease()).isEqualTo(at("2003-07-27T00:00:00-04:00"));
        }

        @Test
        void shouldNotStartBeforeExecutionDateWhenEffectiveEarlier() {
            // an effective date before execution: FRD = start of the execution date
            LockupCalendar calendar = letter().withEffectiveAt(at("2003-03-01T10:00:00-05:00")).calendar();
            assertThat(calendar.firstRelease()).isEqualTo(at("2003-04-28T00:00:00-04:00"));
            assertThat(calendar.secondReleaseDate()).isEqualTo(LocalDate.parse("2003-05-28"));
        }

        @Test
        void shouldBeRegisteredFromTheEffectiveInstantOn() {
            LockupCalendar calendar = letterEffective().calendar();
            assertThat(calendar.registeredAt(EFFECTIVE.minus(ONE_MILLI))).isFalse();
            assertThat(calendar.registeredAt(EFFECTIVE)).isTrue();
        }
    }

    @Nested
    @DisplayName("daylight saving time and zones")
    class DaylightSaving {

        @Test
        void shouldKeepPeriodBoundaryAtLocalMidnightAcrossDstChangeInsidePeriod() {
            // given the letter's P2 (2003-10-25 to 11-23) contains the 10-26 fall back to EST
            LockupCalendar calendar = letter().calendar();
            // then P3 starts at midnight EST (05:00Z), not EDT (04:00Z)
            assertThat(calendar.periodStart(3)).isEqualTo(at("2003-11-24T05:00:00Z"));
            assertThat(calendar.windowAt(at("2003-11-24T04:59:59.999Z"))).isEqualTo(Window.period(2));
            assertThat(calendar.windowAt(at("2003-11-24T05:00:00Z"))).isEqualTo(Window.period(3));
        }

        @Test
        void shouldStartDayAtFirstInstantAfterGapWhenMidnightDoesNotExist() {
            // given Sao Paulo skipped 2018-11-04 00:00-00:59 (DST began at midnight)
            // and an agreement whose Second Release Date is that day: exec 07-07 + 90 = 10-05, + 30 = 11-04
            LockupCalendar calendar = proposal(LocalDate.parse("2018-07-07")).timeZone("America/Sao_Paulo").terms()
                    .calendar();
            assertThat(calendar.secondReleaseDate()).isEqualTo(LocalDate.parse("2018-11-04"));
            // then the day starts at 01:00 -02:00
            assertThat(calendar.secondReleaseStart()).isEqualTo(at("2018-11-04T01:00:00-02:00"));
            assertThat(calendar.windowAt(at("2018-11-04T02:59:59.999Z"))).isEqualTo(Window.FIRST);
            assertThat(calendar.windowAt(at("2018-11-04T03:00:00Z"))).isEqualTo(Window.period(0));
        }

        @Test
        void shouldStayInPeriodZeroWhenClockFallsBackAcrossMidnightOfSecondReleaseDate() {
            // given St John's fell back on 1987-10-25 00:01 NDT to 1987-10-24 23:01 NST
            // and an agreement whose SRD is 1987-10-25: exec 06-27 + 90 = 09-25, + 30 = 10-25
            LockupCalendar calendar = proposal(LocalDate.parse("1987-06-27")).timeZone("America/St_Johns").terms()
                    .calendar();
            assertThat(calendar.secondReleaseDate()).isEqualTo(LocalDate.parse("1987-10-25"));
            // when an instant is after the start of SRD but its local date is the day before again
            Instant afterFallBack = at("1987-10-25T03:00:00Z");
            assertThat(calendar.localDate(afterFallBack)).isEqualTo(LocalDate.parse("1987-10-24"));
            assertThat(afterFallBack).isAfter(calendar.secondReleaseStart());
            // then it is period 0 (k floored at 0), not the first window
            assertThat(calendar.windowAt(afterFallBack)).isEqualTo(Window.period(0));
        }

        @Test
        void shouldKeepTheRepeatedHourOnItsOwnDateAfterTheNextDaysStartWasPlaced() {
            // given Goose Bay fell back on 1997-10-26 00:01 ADT to 10-25 23:01 AST, and one-day periods from an
            // SRD of 10-25: 10-25 is period 0, 10-26 period 1
            LockupCalendar calendar = proposal(LocalDate.parse("1997-10-24")).timeZone("America/Goose_Bay")
                    .lockupDays(0L).firstReleaseDays(1L).trancheDays(1L).terms().calendar();
            assertThat(calendar.secondReleaseDate()).isEqualTo(LocalDate.parse("1997-10-25"));
            // when the start of period 1 is placed first, as a position's next release is
            Instant nextDayStart = calendar.periodStart(1);
            assertThat(nextDayStart).isEqualTo(at("1997-10-26T00:00:00-03:00"));
            assertThat(calendar.windowAt(nextDayStart)).isEqualTo(Window.period(1));
            // then an instant after it, in the repeated hour, is on 10-25 again: period 0, every time it is asked
            Instant repeatedHour = at("1997-10-25T23:31:00-04:00");
            assertThat(repeatedHour).isAfter(nextDayStart);
            for (int ask = 0; ask < 3; ask++) {
                assertThat(calendar.localDate(repeatedHour)).isEqualTo(LocalDate.parse("1997-10-25"));
                assertThat(calendar.windowAt(repeatedHour)).isEqualTo(Window.period(0));
                assertThat(calendar.windowAt(nextDayStart)).isEqualTo(Window.period(1));
            }
        }

        @Test
        void shouldStartTheNextPeriodAtItsSecondMidnightAfterTheClockFellBackAcrossTheFirst() {
            // given Goose Bay fell back on 1997-10-26 00:01 ADT to 10-25 23:01 AST, and one-day periods from an
            // SRD of 10-25: 10-25 is period 0, 10-26 period 1
            LockupCalendar calendar = proposal(LocalDate.parse("1997-10-24")).timeZone("America/Goose_Bay")
                    .lockupDays(0L).firstReleaseDays(1L).trancheDays(1L).terms().calendar();
            Instant repeatedHour = at("1997-10-25T23:31:00-04:00");
            assertThat(calendar.windowAt(repeatedHour)).isEqualTo(Window.period(0));

            // when the start of the window after the repeated hour's is asked
            Instant next = calendar.nextWindowStart(Window.period(0), repeatedHour);

            // then it is 10-26's second midnight, after it (its first, 10-26 00:00 ADT, was half an hour before)
            assertThat(next).isEqualTo(at("1997-10-26T00:00:00-04:00"));
            assertThat(calendar.windowAt(next)).isEqualTo(Window.period(1));
        }

        @Test
        void shouldCountDaysInTheAgreementsZone() {
            LockupCalendar tokyo = proposal(LocalDate.parse("2003-04-28")).timeZone("Asia/Tokyo").terms().calendar();
            assertThat(tokyo.firstRelease()).isEqualTo(at("2003-07-27T00:00:00+09:00"));
        }
    }

    @Nested
    @DisplayName("Rule 144 dates in calendar months")
    class Rule144Dates {

        @ParameterizedTest(name = "executed {0}, {1} months -> {2}")
        @CsvSource({
            "2003-04-28, 12, 2004-04-28",
            "2004-02-29, 12, 2005-02-28",
            "2003-02-28, 12, 2004-02-28",
            "2003-03-29, 11, 2004-02-29",
            "2003-01-31, 1, 2003-02-28",
            "2004-01-31, 1, 2004-02-29",
            "2004-02-29, 48, 2008-02-29",
            "2003-04-28, 0, 2003-04-28",
        })
        void shouldAddCalendarMonthsAsJavaTimeDoes(LocalDate executed, long months, LocalDate expected) {
            LockupCalendar calendar = proposal(executed).rule144HoldingMonths(months).terms().calendar();
            assertThat(calendar.rule144Date()).isEqualTo(expected);
        }

        @Test
        void shouldMakeLeapDayExecutionSalableOnFebruary28WhenNextYearIsNotLeap() {
            // given an agreement executed on 2004-02-29 (leap day)
            LockupCalendar calendar = proposal(LocalDate.parse("2004-02-29")).terms().calendar();
            // then shares become salable under Rule 144 on 2005-02-28, not 03-01
            assertThat(calendar.registeredAt(at("2005-02-27T23:59:59.999-05:00"))).isFalse();
            assertThat(calendar.registeredAt(at("2005-02-28T00:00:00-05:00"))).isTrue();
        }
    }

    private static AgreementProposal.Builder proposal(LocalDate execution) {
        return new AgreementProposal.Builder("inv", "SEC", execution);
    }

    @Test
    void shouldExposeFirstReleaseDateInLocalTime() {
        assertThat(letterEffective().calendar().firstReleaseDate()).isEqualTo(LocalDate.parse("2003-07-10"));
        assertThat(RulesFixtures.proposal().terms().calendar().firstReleaseDate()).isEqualTo(LocalDate.parse("2003-07-27"));
    }
}
