package com.lockupguard.rules;

/**
 * An order as received (RULES.md section 3). Any field may be missing (null) or wrong; such an
 * order is still an order and gets {@link Reason#INVALID_ORDER}. {@code kind} is null when it
 * was missing or unknown; {@code quantity} is null when it was missing or not a whole number.
 */
public record OrderRequest(String orderId, String investorId, String securityId, OrderKind kind, Long quantity) {

    /** Check 1 of RULES.md section 4: ids valid, a known kind and a positive quantity. */
    public boolean isWellFormed() {
        return HoldingKey.isValidId(orderId)
                && HoldingKey.isValidId(investorId)
                && HoldingKey.isValidId(securityId)
                && kind != null
                && quantity != null
                && quantity > 0;
    }

    /** The holding this order names, when both of its ids are valid; otherwise null. */
    public HoldingKey holdingOrNull() {
        return HoldingKey.isValidId(investorId) && HoldingKey.isValidId(securityId)
                ? new HoldingKey(investorId, securityId)
                : null;
    }

    public boolean sameContentAs(PriorOrder prior) {
        return prior.kind() == kind && quantity != null && prior.quantity() == quantity;
    }
}
