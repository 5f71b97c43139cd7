package com.lockupguard.contract;

import com.lockupguard.avro.SeenOrder;
import com.lockupguard.rules.AgreementInForce;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.PriorOrder;
import com.lockupguard.rules.TermsFingerprint;

/** The guard's store values to and from the rules' {@link HoldingState} and {@link PriorOrder}. */
public final class HoldingStateMapper {

    private HoldingStateMapper() {
    }

    public static com.lockupguard.avro.HoldingState toAvro(HoldingState state) {
        return com.lockupguard.avro.HoldingState.newBuilder()
                .setAgreement(AgreementMapper.toAvro(state.terms()))
                .setAgreementVersion(state.agreement().version())
                .setTermsHash(state.agreement().termsHash())
                .setSoldTotal(state.soldTotal())
                .setSoldInFirstWindow(state.soldInFirstWindow())
                .setCarryUsed(state.carryUsed())
                .setTrancheUsedPeriod(state.trancheUsedPeriod())
                .setTrancheUsed(state.trancheUsed())
                .setEvaluationClock(state.clock())
                .build();
    }

    public static HoldingState toRules(com.lockupguard.avro.HoldingState state) {
        AgreementTerms terms = AgreementMapper.toTerms(state.getAgreement());
        String termsHash = state.getTermsHash() == null ? TermsFingerprint.of(terms) : state.getTermsHash();
        return new HoldingState(new AgreementInForce(terms, state.getAgreementVersion(), termsHash),
                state.getSoldTotal(),
                state.getSoldInFirstWindow(), state.getCarryUsed(), state.getTrancheUsedPeriod(),
                state.getTrancheUsed(), state.getEvaluationClock());
    }

    public static PriorOrder toRules(SeenOrder seen) {
        return new PriorOrder(OrderMapper.toRules(seen.getKind()), seen.getQuantity(),
                DecisionMapper.toRules(seen.getDecision()));
    }
}
