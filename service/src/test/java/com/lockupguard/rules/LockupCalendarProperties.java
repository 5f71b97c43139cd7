package com.lockupguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The calendar remembers the last local days and period start it placed. Whatever it was asked before, its answers
 * must be those of a calendar asked nothing yet, and its local dates those of {@code java.time}: around every kind
 * of clock change, including those that fall back across midnight and run the local date backwards.
 */
class LockupCalendarProperties {

    /** Zones whose clocks jump at or across midnight, skip a whole day, or move by half an hour; and plain ones. */
    private static final List<String> ZONES = List.of("America/Goose_Bay", "America/St_Johns", "America/Sao_Paulo",
            "America/Havana", "Asia/Beirut", "Pacific/Apia", "Australia/Lord_Howe", "America/New_York",
            "Asia/Kolkata", "UTC");

    /** An agreement of short windows, so that days around a clock change are period boundaries; instants asked. */
    record Case(AgreementTerms terms, List<Instant> asked) {
    }

    @Provide
    Arbitrary<Case> instantsAroundClockChanges() {
        return Combinators.combine(Arbitraries.of(ZONES), Arbitraries.longs().between(
                        Instant.parse("1985-01-01T00:00:00Z").getEpochSecond(),
                        Instant.parse("2015-01-01T00:00:00Z").getEpochSecond()),
                        Arbitraries.integers().between(0, 4), Arbitraries.longs().between(1, 3),
                        Arbitraries.longs().between(-2_160, 2_160).injectNull(0.3),
                        Arbitraries.of(0L, 12L))
                .flatAs((zone, from, daysBefore, trancheDays, effectiveMinutes, rule144Months) -> {
                    ZoneOffsetTransition change = ZoneId.of(zone).getRules().nextTransition(Instant.ofEpochSecond(from));
                    Instant around = change == null ? Instant.ofEpochSecond(from) : change.getInstant();
                    LocalDate execution = around.atZone(ZoneOffset.UTC).toLocalDate().minusDays(daysBefore);
                    // registered from an instant near the change, from the start (Rule 144 at 0 months), or not yet
                    AgreementTerms terms = new AgreementProposal.Builder("inv", "SEC", execution).timeZone(zone)
                            .lockupDays(0L).firstReleaseDays(1L).trancheDays(trancheDays)
                            .effectiveAt(effectiveMinutes == null ? null : around.plus(Duration.ofMinutes(
                                    effectiveMinutes)))
                            .rule144HoldingMonths(rule144Months).terms();
                    // within a day and a half either side of the change, to the minute
                    return Arbitraries.longs().between(-2_160, 2_160).map(minutes -> around.plus(Duration.ofMinutes(
                            minutes))).list().ofMinSize(1).ofMaxSize(40).map(asked -> new Case(terms, asked));
                });
    }

    @Property
    void shouldAnswerAsACalendarAskedNothingBefore(@ForAll("instantsAroundClockChanges") Case given) {
        // given one calendar asked every instant in turn, and the start of the window after each, as a position asks
        LockupCalendar remembering = LockupCalendar.of(given.terms());
        ZoneId zone = given.terms().zone();
        for (Instant t : given.asked()) {
            // when it is asked about t
            LocalDate date = remembering.localDate(t);
            Window window = remembering.windowAt(t);
            boolean registered = remembering.registeredAt(t);
            Instant next = remembering.nextWindowStart(window, t);
            Window windowAtNext = remembering.windowAt(next);
            // then it answers as java.time, and as a calendar that remembers nothing yet
            assertThat(date).as("local date of %s in %s", t, zone).isEqualTo(t.atZone(zone).toLocalDate());
            assertThat(window).as("window at %s in %s", t, zone).isEqualTo(LockupCalendar.of(given.terms()).windowAt(t));
            assertThat(registered).isEqualTo(LockupCalendar.of(given.terms()).registeredAt(t));
            assertThat(next).isEqualTo(LockupCalendar.of(given.terms()).nextWindowStart(window, t));
            // and the next window starts after t, in a later window, the clock fallen back or not
            assertThat(next).as("next window start after %s in %s", t, zone).isAfter(t);
            assertThat(windowAtNext).isEqualTo(LockupCalendar.of(given.terms()).windowAt(next));
        }
    }
}
