package com.lockupguard.rules;

/** Why shares sold without a live approval raised an alert (RULES.md section 9). */
public enum AlertType {
    /** No disposition with the order id was ever approved on the holding (blocked, or never seen). */
    UNAPPROVED_SALE,
    /** The order's reservation was cancelled, or was approved in an earlier window. */
    LATE_FILL,
    /** The order's reservation was filled, or the fill was larger than its rest. */
    OVERFILL
}
