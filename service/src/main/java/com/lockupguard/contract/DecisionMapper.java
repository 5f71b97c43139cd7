package com.lockupguard.contract;

import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.rules.Decision;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.Reason;
import java.util.ArrayList;
import java.util.List;

/** Avro {@link com.lockupguard.avro.Decision} to and from the rules' {@link Decision}. */
public final class DecisionMapper {

    private static final SameNamedConstants<Reason, com.lockupguard.avro.Reason> REASONS_TO_AVRO =
            SameNamedConstants.of(Reason.class, com.lockupguard.avro.Reason.class);
    private static final SameNamedConstants<com.lockupguard.avro.Reason, Reason> REASONS_TO_RULES =
            SameNamedConstants.of(com.lockupguard.avro.Reason.class, Reason.class);
    private static final SameNamedConstants<com.lockupguard.rules.Outcome, Outcome> OUTCOMES_TO_AVRO =
            SameNamedConstants.of(com.lockupguard.rules.Outcome.class, Outcome.class);
    private static final SameNamedConstants<Outcome, com.lockupguard.rules.Outcome> OUTCOMES_TO_RULES =
            SameNamedConstants.of(Outcome.class, com.lockupguard.rules.Outcome.class);

    private DecisionMapper() {
    }

    public static com.lockupguard.avro.Decision toAvro(Decision decision) {
        return toAvro(decision, null);
    }

    /**
     * The decision with the order's kind as it was received where the rules know none: an order of a kind this guard
     * does not know ({@code UNKNOWN}, one added later) is answered with that kind, not with none.
     */
    public static com.lockupguard.avro.Decision toAvro(Decision decision, OrderKind received) {
        OrderRequest order = decision.order();
        OrderKind kind = order.kind() == null ? received : OrderMapper.toAvro(order.kind());
        List<com.lockupguard.avro.Reason> reasons = new ArrayList<>(decision.reasons().size());
        for (Reason reason : decision.reasons()) {
            reasons.add(REASONS_TO_AVRO.map(reason));
        }
        return com.lockupguard.avro.Decision.newBuilder()
                .setOrderId(order.orderId())
                .setInvestorId(order.investorId())
                .setSecurityId(order.securityId())
                .setKind(kind)
                .setQuantity(order.quantity())
                .setOrderAt(decision.orderAt())
                .setOutcome(OUTCOMES_TO_AVRO.map(decision.outcome()))
                .setReasons(reasons)
                .setMaxAllowedNow(decision.maxAllowedNow())
                .setEvaluatedAt(decision.evaluatedAt())
                .setPosition(decision.position() == null ? null : PositionMapper.toAvro(decision.position()))
                .setAgreementVersion(decision.position() == null ? null : decision.position().agreementVersion())
                .setTermsHash(decision.position() == null ? null : decision.position().termsHash())
                // set, not left to the schema's default, which the builder would deep-copy for every decision
                .setRepeated(false)
                .build();
    }

    /** A decision the guard wrote itself; codes an older guard does not know are refused. */
    public static Decision toRules(com.lockupguard.avro.Decision decision) {
        List<Reason> reasons = new ArrayList<>(decision.getReasons().size());
        for (com.lockupguard.avro.Reason reason : decision.getReasons()) {
            reasons.add(REASONS_TO_RULES.map(reason));
        }
        OrderRequest order = new OrderRequest(decision.getOrderId(), decision.getInvestorId(),
                decision.getSecurityId(), OrderMapper.toRules(decision.getKind()), decision.getQuantity());
        return new Decision(order, decision.getOrderAt(),
                toRules(decision.getOutcome()), reasons,
                decision.getMaxAllowedNow(), decision.getEvaluatedAt(),
                decision.getPosition() == null ? null : PositionMapper.toRules(decision.getPosition()));
    }

    /** An outcome the guard wrote itself; one an older guard does not know ({@code UNKNOWN}) is refused. */
    public static com.lockupguard.rules.Outcome toRules(Outcome outcome) {
        return OUTCOMES_TO_RULES.map(outcome);
    }
}
