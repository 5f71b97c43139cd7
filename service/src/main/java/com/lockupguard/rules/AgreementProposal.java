package com.lockupguard.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * An agreement as received, before validation: a null field was left out and takes the
 * letter's value, except the three required ones. {@code trancheMode} is the name as written.
 */
public record AgreementProposal(
        String investorId,
        String securityId,
        LocalDate executionDate,
        String timeZone,
        Long totalShares,
        Long lockupDays,
        Long firstReleaseShares,
        Long firstReleaseDays,
        Long trancheShares,
        Long trancheDays,
        String trancheMode,
        Long rule144HoldingMonths,
        Instant effectiveAt) {

    /** Outcome of validating a proposal. */
    public sealed interface Check {
    }

    public record Valid(AgreementTerms terms) implements Check {
    }

    public record Invalid(String reason) implements Check {
    }

    /** Applies the defaults and the validity rules of RULES.md section 1. */
    public Check check() {
        if (investorId == null || securityId == null || executionDate == null) {
            return new Invalid("a required field is missing: investorId, securityId and executionDate are required");
        }
        if (!HoldingKey.isValidId(investorId)) {
            return new Invalid("investorId must be 1 to 256 characters without '/'");
        }
        if (!HoldingKey.isValidId(securityId)) {
            return new Invalid("securityId must be 1 to 256 characters without '/'");
        }
        TrancheMode mode = trancheMode == null ? LetterDefaults.TRANCHE_MODE : TrancheMode.fromName(trancheMode);
        if (mode == null) {
            return new Invalid("trancheMode '" + QuotedText.of(trancheMode) + "' is unknown: use NON_CUMULATIVE or "
                    + "CUMULATIVE");
        }
        String zone = Objects.requireNonNullElse(timeZone, LetterDefaults.TIME_ZONE);
        long total = Objects.requireNonNullElse(totalShares, LetterDefaults.TOTAL_SHARES);
        long lockup = Objects.requireNonNullElse(lockupDays, LetterDefaults.LOCKUP_DAYS);
        long firstShares = Objects.requireNonNullElse(firstReleaseShares, LetterDefaults.FIRST_RELEASE_SHARES);
        long firstDays = Objects.requireNonNullElse(firstReleaseDays, LetterDefaults.FIRST_RELEASE_DAYS);
        long tranche = Objects.requireNonNullElse(trancheShares, LetterDefaults.TRANCHE_SHARES);
        long trancheLength = Objects.requireNonNullElse(trancheDays, LetterDefaults.TRANCHE_DAYS);
        long rule144 = Objects.requireNonNullElse(rule144HoldingMonths, LetterDefaults.RULE_144_HOLDING_MONTHS);
        Instant effective = effectiveAt == null ? null : SupportedTime.toMillis(effectiveAt);
        Optional<String> problem = AgreementTerms.problemWith(executionDate, zone, total, lockup, firstShares,
                firstDays, tranche, trancheLength, rule144, effective);
        if (problem.isPresent()) {
            return new Invalid(problem.get());
        }
        return new Valid(new AgreementTerms(new HoldingKey(investorId, securityId), executionDate, zone, total,
                lockup, firstShares, firstDays, tranche, trancheLength, mode, rule144, effective));
    }

    /** Builds a proposal field by field; fields never set are left out (null). */
    public static final class Builder {
        private final String investorId;
        private final String securityId;
        private final LocalDate executionDate;
        private String timeZone;
        private Long totalShares;
        private Long lockupDays;
        private Long firstReleaseShares;
        private Long firstReleaseDays;
        private Long trancheShares;
        private Long trancheDays;
        private String trancheMode;
        private Long rule144HoldingMonths;
        private Instant effectiveAt;

        public Builder(String investorId, String securityId, LocalDate executionDate) {
            this.investorId = investorId;
            this.securityId = securityId;
            this.executionDate = executionDate;
        }

        public Builder timeZone(String value) {
            timeZone = value;
            return this;
        }

        public Builder totalShares(Long value) {
            totalShares = value;
            return this;
        }

        public Builder lockupDays(Long value) {
            lockupDays = value;
            return this;
        }

        public Builder firstReleaseShares(Long value) {
            firstReleaseShares = value;
            return this;
        }

        public Builder firstReleaseDays(Long value) {
            firstReleaseDays = value;
            return this;
        }

        public Builder trancheShares(Long value) {
            trancheShares = value;
            return this;
        }

        public Builder trancheDays(Long value) {
            trancheDays = value;
            return this;
        }

        public Builder trancheMode(String value) {
            trancheMode = value;
            return this;
        }

        public Builder rule144HoldingMonths(Long value) {
            rule144HoldingMonths = value;
            return this;
        }

        public Builder effectiveAt(Instant value) {
            effectiveAt = value;
            return this;
        }

        public AgreementProposal build() {
            return new AgreementProposal(investorId, securityId, executionDate, timeZone, totalShares, lockupDays,
                    firstReleaseShares, firstReleaseDays, trancheShares, trancheDays, trancheMode,
                    rule144HoldingMonths, effectiveAt);
        }

        /** Shortcut for {@code build().check()}. */
        public Check check() {
            return build().check();
        }

        /** The valid terms; fails when the proposal is invalid. */
        public AgreementTerms terms() {
            Check check = check();
            if (check instanceof Valid valid) {
                return valid.terms();
            }
            throw new IllegalArgumentException(((Invalid) check).reason());
        }
    }
}
