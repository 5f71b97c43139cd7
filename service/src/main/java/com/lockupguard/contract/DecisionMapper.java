package com.lockupguard.contract;

import com.lockupguard.avro.Outcome;
import com.lockupguard.rules.Decision;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.Reason;
import java.util.ArrayList;
import java.util.List;

/** Avro {@link com.lockupguard.avro.Decision} to and from the rules' {@link Decision}. */
public final class DecisionMapper {

    private DecisionMapper() {
    }

    public static com.lockupguard.avro.Decision toAvro(Decision decision) {
        OrderRequest order = decision.order();
        List<com.lockupguard.avro.Reason> reasons = new ArrayList<>(decision.reasons().size());
        for (Reason reason : decision.reasons()) {
            reasons.add(com.lockupguard.avro.Reason.valueOf(reason.name()));
        }
        return com.lockupguard.avro.Decision.newBuilder()
                .setOrderId(order.orderId())
                .setInvestorId(order.investorId())
                .setSecurityId(order.securityId())
                .setKind(OrderMapper.toAvro(order.kind()))
                .setQuantity(order.quantity())
                .setOrderAt(decision.orderAt())
                .setOutcome(Outcome.valueOf(decision.outcome().name()))
                .setReasons(reasons)
                .setMaxAllowedNow(decision.maxAllowedNow())
                .setEvaluatedAt(decision.evaluatedAt())
                .setPosition(decision.position() == null ? null : PositionMapper.toAvro(decision.position()))
                .setAgreementVersion(decision.position() == null ? null : decision.position().agreementVersion())
                .setTermsHash(decision.position() == null ? null : decision.position().termsHash())
                .build();
    }

    /** A decision the guard wrote itself; codes an older guard does not know are refused. */
    public static Decision toRules(com.lockupguard.avro.Decision decision) {
        List<Reason> reasons = new ArrayList<>(decision.getReasons().size());
        for (com.lockupguard.avro.Reason reason : decision.getReasons()) {
            reasons.add(Reason.valueOf(reason.name()));
        }
        OrderRequest order = new OrderRequest(decision.getOrderId(), decision.getInvestorId(),
                decision.getSecurityId(), OrderMapper.toRules(decision.getKind()), decision.getQuantity());
        return new Decision(order, decision.getOrderAt(),
                com.lockupguard.rules.Outcome.valueOf(decision.getOutcome().name()), reasons,
                decision.getMaxAllowedNow(), decision.getEvaluatedAt(),
                decision.getPosition() == null ? null : PositionMapper.toRules(decision.getPosition()));
    }
}
