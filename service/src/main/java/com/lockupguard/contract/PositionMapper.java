package com.lockupguard.contract;

import com.lockupguard.avro.Phase;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.Position;
import com.lockupguard.rules.Window;

/** Avro {@link com.lockupguard.avro.Position} to and from the rules' {@link Position}. */
public final class PositionMapper {

    private static final SameNamedConstants<com.lockupguard.rules.Phase, Phase> PHASES_TO_AVRO =
            SameNamedConstants.of(com.lockupguard.rules.Phase.class, Phase.class);

    private PositionMapper() {
    }

    public static com.lockupguard.avro.Position toAvro(Position position) {
        Window window = position.window();
        return com.lockupguard.avro.Position.newBuilder()
                .setInvestorId(position.holding().investorId())
                .setSecurityId(position.holding().securityId())
                .setAsOf(position.asOf())
                .setPhase(toAvro(window.phase()))
                .setPeriod(window.period() >= 0 ? window.period() : null)
                .setRegistered(position.registered())
                .setTotalShares(position.totalShares())
                .setSoldToDate(position.soldToDate())
                .setReservedNow(position.reservedNow())
                .setContractCapacity(position.contractCapacity())
                .setReleasedToDate(position.releasedToDate())
                .setAvailableNow(position.availableNow())
                .setNextReleaseAt(position.nextReleaseAt())
                .setAvailableAtNextRelease(position.availableAtNextRelease())
                .setFirstReleaseAt(position.firstReleaseAt())
                .setSecondReleaseAt(position.secondReleaseAt())
                .setRule144Date(position.rule144Date())
                .setAgreementVersion(position.agreementVersion())
                .setTermsHash(position.termsHash())
                .build();
    }

    public static Position toRules(com.lockupguard.avro.Position position) {
        Window window = switch (position.getPhase()) {
            case LOCKUP -> Window.LOCKUP;
            case FIRST -> Window.FIRST;
            case PERIOD -> Window.period(position.getPeriod());
            case UNKNOWN -> throw new IllegalArgumentException("position with an unknown phase");
        };
        return new Position(new HoldingKey(position.getInvestorId(), position.getSecurityId()), position.getAsOf(),
                window, position.getRegistered(), position.getTotalShares(), position.getSoldToDate(),
                position.getReservedNow(),
                position.getContractCapacity(), position.getReleasedToDate(), position.getAvailableNow(),
                position.getNextReleaseAt(), position.getAvailableAtNextRelease(), position.getFirstReleaseAt(),
                position.getSecondReleaseAt(), position.getRule144Date(),
                position.getAgreementVersion() == null ? 0 : position.getAgreementVersion(), position.getTermsHash());
    }

    static Phase toAvro(com.lockupguard.rules.Phase phase) {
        return PHASES_TO_AVRO.map(phase);
    }
}
