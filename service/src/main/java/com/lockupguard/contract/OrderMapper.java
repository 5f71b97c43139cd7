package com.lockupguard.contract;

import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.OrderRequest;

/** Avro {@link ProposedOrder} to and from the rules' {@link OrderRequest}. */
public final class OrderMapper {

    private static final SameNamedConstants<OrderKind, com.lockupguard.avro.OrderKind> KINDS_TO_AVRO =
            SameNamedConstants.of(OrderKind.class, com.lockupguard.avro.OrderKind.class);

    private OrderMapper() {
    }

    /** The order as the rules see it: an UNKNOWN or missing kind becomes null (an invalid order). */
    public static OrderRequest toRequest(ProposedOrder order) {
        return new OrderRequest(order.getOrderId(), order.getInvestorId(), order.getSecurityId(),
                toRules(order.getKind()), order.getQuantity());
    }

    public static ProposedOrder toAvro(OrderRequest order) {
        return ProposedOrder.newBuilder()
                .setOrderId(order.orderId())
                .setInvestorId(order.investorId())
                .setSecurityId(order.securityId())
                .setKind(toAvro(order.kind()))
                .setQuantity(order.quantity())
                .build();
    }

    static OrderKind toRules(com.lockupguard.avro.OrderKind kind) {
        return kind == null ? null : OrderKind.fromName(kind.name());
    }

    public static com.lockupguard.avro.OrderKind toAvro(OrderKind kind) {
        return kind == null ? null : KINDS_TO_AVRO.map(kind);
    }
}
