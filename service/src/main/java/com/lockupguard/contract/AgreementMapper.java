package com.lockupguard.contract;

import com.lockupguard.avro.Agreement;
import com.lockupguard.rules.AgreementProposal;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.TrancheMode;

/** Avro {@link Agreement} to and from the rules' agreement types. */
public final class AgreementMapper {

    private static final SameNamedConstants<TrancheMode, com.lockupguard.avro.TrancheMode> TRANCHE_MODES_TO_AVRO =
            SameNamedConstants.of(TrancheMode.class, com.lockupguard.avro.TrancheMode.class);

    private AgreementMapper() {
    }

    /** The agreement as a proposal to validate; an UNKNOWN tranche mode stays unknown and fails validation. */
    public static AgreementProposal toProposal(Agreement agreement) {
        return new AgreementProposal(agreement.getInvestorId(), agreement.getSecurityId(),
                agreement.getExecutionDate(), agreement.getTimeZone(), agreement.getTotalShares(),
                agreement.getLockupDays(), agreement.getFirstReleaseShares(), agreement.getFirstReleaseDays(),
                agreement.getTrancheShares(), agreement.getTrancheDays(),
                agreement.getTrancheMode() == null ? null : agreement.getTrancheMode().name(),
                agreement.getRule144HoldingMonths(), agreement.getEffectiveAt());
    }

    /** Terms known to be valid, such as those kept in the guard's own store. */
    public static AgreementTerms toTerms(Agreement agreement) {
        AgreementProposal.Check check = toProposal(agreement).check();
        if (check instanceof AgreementProposal.Valid valid) {
            return valid.terms();
        }
        throw new IllegalStateException("stored agreement is invalid: " + ((AgreementProposal.Invalid) check).reason());
    }

    public static Agreement toAvro(AgreementTerms terms) {
        return Agreement.newBuilder()
                .setInvestorId(terms.holding().investorId())
                .setSecurityId(terms.holding().securityId())
                .setExecutionDate(terms.executionDate())
                .setTimeZone(terms.timeZone())
                .setTotalShares(terms.totalShares())
                .setLockupDays(terms.lockupDays())
                .setFirstReleaseShares(terms.firstReleaseShares())
                .setFirstReleaseDays(terms.firstReleaseDays())
                .setTrancheShares(terms.trancheShares())
                .setTrancheDays(terms.trancheDays())
                .setTrancheMode(toAvro(terms.trancheMode()))
                .setRule144HoldingMonths(terms.rule144HoldingMonths())
                .setEffectiveAt(terms.effectiveAt())
                .build();
    }

    static com.lockupguard.avro.TrancheMode toAvro(TrancheMode mode) {
        return TRANCHE_MODES_TO_AVRO.map(mode);
    }
}
