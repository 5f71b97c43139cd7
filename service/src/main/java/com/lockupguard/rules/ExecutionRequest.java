package com.lockupguard.rules;

/**
 * An execution report as received (RULES.md section 9). Any field may be missing (null) or wrong;
 * such a report is still answered, {@link ExecutionResult#INVALID}. {@code kind} is null when it
 * was missing or unknown; {@code quantity} is null when it was missing or not a whole number, and
 * is ignored for a CANCEL.
 */
public record ExecutionRequest(String executionId, String orderId, String investorId, String securityId,
        ExecutionKind kind, Long quantity) {

    /** The most shares one fill may report. */
    public static final long MAX_FILL_QUANTITY = AgreementTerms.MAX_SHARES;

    /** Check 1: ids valid, a known kind, and for a FILL a quantity from 1 to 10^15. */
    public boolean isWellFormed() {
        return HoldingKey.isValidId(executionId)
                && HoldingKey.isValidId(orderId)
                && HoldingKey.isValidId(investorId)
                && HoldingKey.isValidId(securityId)
                && kind != null
                && (kind == ExecutionKind.CANCEL || quantity != null && quantity > 0 && quantity <= MAX_FILL_QUANTITY);
    }

    /** The holding this report names, when both of its ids are valid; otherwise null. */
    public HoldingKey holdingOrNull() {
        return HoldingKey.isValidId(investorId) && HoldingKey.isValidId(securityId)
                ? new HoldingKey(investorId, securityId)
                : null;
    }

    /** Check 2: the same kind and order id, and for a FILL the same quantity, as the first report with this id. */
    public boolean sameContentAs(PriorExecution prior) {
        return prior.kind() == kind && prior.orderId().equals(orderId)
                && (kind != ExecutionKind.FILL || prior.quantity() != null && prior.quantity().equals(quantity));
    }

    /** What is remembered of this report, for check 2 of a later one with its id. */
    public PriorExecution remembered() {
        return new PriorExecution(kind, orderId, kind == ExecutionKind.FILL ? quantity : null);
    }
}
