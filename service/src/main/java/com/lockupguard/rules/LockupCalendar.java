package com.lockupguard.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;

/**
 * The calendar of one agreement (RULES.md section 2): calendar days on local dates in the
 * agreement's zone, where the start of a day is its first instant (00:00, or the first instant
 * after a DST gap).
 */
public final class LockupCalendar {

    private final ZoneId zone;
    private final Instant firstRelease;
    private final LocalDate secondReleaseDate;
    private final Instant secondReleaseStart;
    private final long trancheDays;
    private final LocalDate rule144Date;
    private final Instant effectiveAt;
    /**
     * The last period start and the last two local days asked for: a holding's orders mostly fall in the same day and
     * period, and each decision asks for its own day and for the day of the next release, while the zone arithmetic
     * behind them is the costliest step of a decision. Immutable values in volatile fields, so that a calendar shared
     * between threads stays correct (at worst computed twice).
     */
    private volatile PeriodStart lastPeriodStart;
    private volatile Day lastDay;
    private volatile Day dayBefore;

    private record PeriodStart(long k, Instant start) {
    }

    /**
     * A local day as the instants from its start to the next day's start. Only a day without an offset change in it
     * is remembered: where a clock falls back across midnight, instants after the next day's start are on this day
     * again (America/Goose_Bay, 1997-10-26 00:01 to 10-25 23:01), so the next day's span would claim them wrongly.
     */
    private record Day(LocalDate date, Instant start, Instant end) {
        boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    private LockupCalendar(ZoneId zone, Instant firstRelease, LocalDate secondReleaseDate, long trancheDays,
            LocalDate rule144Date, Instant effectiveAt) {
        this.zone = zone;
        this.firstRelease = firstRelease;
        this.secondReleaseDate = secondReleaseDate;
        this.secondReleaseStart = secondReleaseDate.atStartOfDay(zone).toInstant();
        this.trancheDays = trancheDays;
        this.rule144Date = rule144Date;
        this.effectiveAt = effectiveAt;
    }

    public static LockupCalendar of(AgreementTerms terms) {
        return compute(terms.zone(), terms.executionDate(), terms.lockupDays(), terms.firstReleaseDays(),
                terms.trancheDays(), terms.rule144HoldingMonths(), terms.effectiveAt());
    }

    static LockupCalendar compute(ZoneId zone, LocalDate executionDate, long lockupDays, long firstReleaseDays,
            long trancheDays, long rule144HoldingMonths, Instant effectiveAt) {
        Instant executionStart = executionDate.atStartOfDay(zone).toInstant();
        Instant lockupEnd = executionDate.plusDays(lockupDays).atStartOfDay(zone).toInstant();
        Instant release = effectiveAt == null ? lockupEnd : min(lockupEnd, effectiveAt);
        Instant firstRelease = max(executionStart, release);
        LocalDate secondReleaseDate = firstRelease.atZone(zone).toLocalDate().plusDays(firstReleaseDays);
        LocalDate rule144Date = executionDate.plusMonths(rule144HoldingMonths);
        return new LockupCalendar(zone, firstRelease, secondReleaseDate, trancheDays, rule144Date, effectiveAt);
    }

    /** FRD: the First Release instant, where the lock-up ends. */
    public Instant firstRelease() {
        return firstRelease;
    }

    public LocalDate firstReleaseDate() {
        return localDate(firstRelease);
    }

    /** SRD: the Second Release Date, where period 0 begins. */
    public LocalDate secondReleaseDate() {
        return secondReleaseDate;
    }

    public Instant secondReleaseStart() {
        return secondReleaseStart;
    }

    /** The local date from which unregistered shares are salable under Rule 144. */
    public LocalDate rule144Date() {
        return rule144Date;
    }

    public ZoneId zone() {
        return zone;
    }

    public Window windowAt(Instant t) {
        if (t.isBefore(firstRelease)) {
            return Window.LOCKUP;
        }
        if (t.isBefore(secondReleaseStart)) {
            return Window.FIRST;
        }
        long daysSinceSecondRelease = ChronoUnit.DAYS.between(secondReleaseDate, localDate(t));
        // max(0, ..): only where a clock falls back across midnight can t be on the day before SRD here
        return Window.period(Math.max(0, Math.floorDiv(daysSinceSecondRelease, trancheDays)));
    }

    /** Start of period k: the start of day SRD + k * trancheDays. */
    public Instant periodStart(long k) {
        PeriodStart last = lastPeriodStart;
        if (last != null && last.k() == k) {
            return last.start();
        }
        Instant start = secondReleaseDate.plusDays(Math.multiplyExact(k, trancheDays)).atStartOfDay(zone).toInstant();
        lastPeriodStart = new PeriodStart(k, start);
        return start;
    }

    /**
     * The start of the window after {@code window}, the window of {@code t}: the first instant after t of a later
     * window. Where the clock falls back across the next period's first midnight and t is in the repeated hour, on
     * the day before again, that is the day's second midnight: its first is already past.
     */
    public Instant nextWindowStart(Window window, Instant t) {
        return switch (window.phase()) {
            case LOCKUP -> firstRelease;
            case FIRST -> secondReleaseStart;
            case PERIOD -> {
                Instant start = periodStart(window.period() + 1);
                yield start.isAfter(t) ? start : secondReleaseDate.plusDays(Math.multiplyExact(window.period() + 1,
                        trancheDays)).atStartOfDay(zone).withLaterOffsetAtOverlap().toInstant();
            }
        };
    }

    /** Whether shares may legally be sold publicly at t: registration effective, or the Rule 144 date reached. */
    public boolean registeredAt(Instant t) {
        return (effectiveAt != null && !t.isBefore(effectiveAt)) || !localDate(t).isBefore(rule144Date);
    }

    public LocalDate localDate(Instant t) {
        Day last = lastDay;
        if (last != null && last.contains(t)) {
            return last.date();
        }
        Day before = dayBefore;
        if (before != null && before.contains(t)) {
            return before.date();
        }
        LocalDate date = t.atZone(zone).toLocalDate();
        Instant start = date.atStartOfDay(zone).toInstant();
        Instant end = date.plusDays(1).atStartOfDay(zone).toInstant();
        if (!t.isBefore(start) && t.isBefore(end) && offsetFixedThrough(start, end)) {
            dayBefore = last;
            lastDay = new Day(date, start, end);
        }
        return date;
    }

    /** Whether the zone's offset stays the same from {@code start} to {@code end}: every instant between has one date. */
    private boolean offsetFixedThrough(Instant start, Instant end) {
        ZoneOffsetTransition next = zone.getRules().nextTransition(start);
        return next == null || next.getInstant().isAfter(end);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    @Override
    public String toString() {
        return "LockupCalendar[zone=" + zone + ", FRD=" + firstRelease + ", SRD=" + secondReleaseDate
                + ", trancheDays=" + trancheDays + ", rule144Date=" + rule144Date + "]";
    }
}
