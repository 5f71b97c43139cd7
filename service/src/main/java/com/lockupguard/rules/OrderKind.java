package com.lockupguard.rules;

/** What an order does with a holding's shares (RULES.md section 3). */
public enum OrderKind {
    PUBLIC_SALE,
    /** Any disposition other than a public sale: pledge, gift, private sale. */
    PRIVATE_TRANSFER,
    /** Not a disposition: always approved, changes nothing. */
    PURCHASE;

    /** The kind named exactly {@code name}, or null when there is none. */
    public static OrderKind fromName(String name) {
        if (name == null) {
            return null;
        }
        for (OrderKind kind : values()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
