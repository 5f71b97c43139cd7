package com.lockupguard.rules;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A valid version of a holding's agreement (RULES.md section 1). Every instance satisfies the
 * validity rules; build one from raw input with {@link AgreementProposal#check()}.
 *
 * @param effectiveAt instant the registration became effective, or null while it is not
 */
public record AgreementTerms(
        HoldingKey holding,
        LocalDate executionDate,
        String timeZone,
        long totalShares,
        long lockupDays,
        long firstReleaseShares,
        long firstReleaseDays,
        long trancheShares,
        long trancheDays,
        TrancheMode trancheMode,
        long rule144HoldingMonths,
        Instant effectiveAt) {

    static final long MAX_SHARES = 1_000_000_000_000_000L;
    static final long MAX_DAYS = 36_500;
    static final long MAX_RULE_144_MONTHS = 1_200;

    public AgreementTerms {
        Objects.requireNonNull(holding, "holding");
        Objects.requireNonNull(executionDate, "executionDate");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(trancheMode, "trancheMode");
        effectiveAt = effectiveAt == null ? null : SupportedTime.toMillis(effectiveAt);
        Optional<String> problem = problemWith(executionDate, timeZone, totalShares, lockupDays,
                firstReleaseShares, firstReleaseDays, trancheShares, trancheDays, rule144HoldingMonths, effectiveAt);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("invalid agreement for " + holding + ": " + problem.get());
        }
    }

    /** The terms of the letter itself for a holding executed on {@code executionDate}. */
    public static AgreementTerms letter(HoldingKey holding, LocalDate executionDate, Instant effectiveAt) {
        return new AgreementTerms(holding, executionDate, LetterDefaults.TIME_ZONE, LetterDefaults.TOTAL_SHARES,
                LetterDefaults.LOCKUP_DAYS, LetterDefaults.FIRST_RELEASE_SHARES, LetterDefaults.FIRST_RELEASE_DAYS,
                LetterDefaults.TRANCHE_SHARES, LetterDefaults.TRANCHE_DAYS, LetterDefaults.TRANCHE_MODE,
                LetterDefaults.RULE_144_HOLDING_MONTHS, effectiveAt);
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    public LockupCalendar calendar() {
        return LockupCalendar.of(this);
    }

    public AgreementTerms withTrancheMode(TrancheMode mode) {
        return new AgreementTerms(holding, executionDate, timeZone, totalShares, lockupDays, firstReleaseShares,
                firstReleaseDays, trancheShares, trancheDays, mode, rule144HoldingMonths, effectiveAt);
    }

    public AgreementTerms withEffectiveAt(Instant instant) {
        return new AgreementTerms(holding, executionDate, timeZone, totalShares, lockupDays, firstReleaseShares,
                firstReleaseDays, trancheShares, trancheDays, trancheMode, rule144HoldingMonths, instant);
    }

    /** Why terms with these values would be invalid (RULES.md section 1), or empty when they are valid. */
    static Optional<String> problemWith(LocalDate executionDate, String timeZone, long totalShares, long lockupDays,
            long firstReleaseShares, long firstReleaseDays, long trancheShares, long trancheDays,
            long rule144HoldingMonths, Instant effectiveAt) {
        if (!SupportedTime.contains(executionDate)) {
            return problem("executionDate %s is outside the years 1970 to 9999", executionDate);
        }
        if (effectiveAt != null && !SupportedTime.contains(effectiveAt)) {
            return problem("effectiveAt %s is outside the years 1970 to 9999", effectiveAt);
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            return problem("timeZone '%s' is not a zone id java.time accepts", QuotedText.of(timeZone));
        }
        if (totalShares <= 0) {
            return problem("totalShares must be positive, was %d", totalShares);
        }
        if (trancheShares <= 0) {
            return problem("trancheShares must be positive, was %d", trancheShares);
        }
        if (trancheDays <= 0) {
            return problem("trancheDays must be positive, was %d", trancheDays);
        }
        if (firstReleaseDays <= 0) {
            return problem("firstReleaseDays must be positive, was %d", firstReleaseDays);
        }
        if (lockupDays < 0) {
            return problem("lockupDays must not be negative, was %d", lockupDays);
        }
        if (firstReleaseShares < 0) {
            return problem("firstReleaseShares must not be negative, was %d", firstReleaseShares);
        }
        if (rule144HoldingMonths < 0) {
            return problem("rule144HoldingMonths must not be negative, was %d", rule144HoldingMonths);
        }
        if (firstReleaseShares > totalShares) {
            return problem("firstReleaseShares %d exceeds totalShares %d", firstReleaseShares, totalShares);
        }
        if (totalShares > MAX_SHARES) {
            return problem("totalShares %d exceeds 10^15", totalShares);
        }
        if (trancheShares > MAX_SHARES) {
            return problem("trancheShares %d exceeds 10^15", trancheShares);
        }
        if (lockupDays > MAX_DAYS || firstReleaseDays > MAX_DAYS || trancheDays > MAX_DAYS) {
            return problem("a day count exceeds 36,500 (lockupDays %d, firstReleaseDays %d, trancheDays %d)",
                    lockupDays, firstReleaseDays, trancheDays);
        }
        if (rule144HoldingMonths > MAX_RULE_144_MONTHS) {
            return problem("rule144HoldingMonths %d exceeds 1,200", rule144HoldingMonths);
        }
        LockupCalendar calendar = LockupCalendar.compute(zone, executionDate, lockupDays, firstReleaseDays,
                trancheDays, rule144HoldingMonths, effectiveAt);
        if (calendar.firstReleaseDate().isAfter(SupportedTime.LAST_DATE)
                || calendar.secondReleaseDate().isAfter(SupportedTime.LAST_DATE)
                || calendar.rule144Date().isAfter(SupportedTime.LAST_DATE)) {
            return problem("a derived date is past 9999-12-31 (FRD %s, SRD %s, Rule 144 date %s)",
                    calendar.firstReleaseDate(), calendar.secondReleaseDate(), calendar.rule144Date());
        }
        return Optional.empty();
    }

    private static Optional<String> problem(String format, Object... args) {
        return Optional.of(String.format(Locale.ROOT, format, args));
    }
}
