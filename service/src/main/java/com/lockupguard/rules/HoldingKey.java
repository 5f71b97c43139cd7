package com.lockupguard.rules;

import java.util.Objects;

/**
 * One investor's commitment shares in one security (RULES.md section 1). On Kafka the
 * agreements and orders topics are keyed by {@link #asString()}, {@code investorId/securityId},
 * so that an agreement and the orders it governs meet in one task.
 */
public record HoldingKey(String investorId, String securityId) {

    public static final char SEPARATOR = '/';
    public static final int MAX_ID_CODE_POINTS = 256;

    public HoldingKey {
        if (!isValidId(investorId) || !isValidId(securityId)) {
            throw new IllegalArgumentException("invalid holding ids: " + investorId + ", " + securityId);
        }
    }

    /** An id is 1 to 256 characters (Unicode code points) and never contains '/'. */
    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.indexOf(SEPARATOR) >= 0) {
            return false;
        }
        // code points never exceed chars, so the exact count is only needed for long strings
        return id.length() <= MAX_ID_CODE_POINTS || id.codePointCount(0, id.length()) <= MAX_ID_CODE_POINTS;
    }

    /** The Kafka key of a holding whose ids may not be valid: what a producer would write for them. */
    public static String keyOf(String investorId, String securityId) {
        return Objects.toString(investorId, "") + SEPARATOR + Objects.toString(securityId, "");
    }

    /** Whether {@code key} is this holding's key ({@link #asString()}), compared without building it. */
    public boolean isKey(String key) {
        return key != null && key.length() == investorId.length() + 1 + securityId.length()
                && key.startsWith(investorId) && key.charAt(investorId.length()) == SEPARATOR
                && key.endsWith(securityId);
    }

    public String asString() {
        return keyOf(investorId, securityId);
    }

    @Override
    public String toString() {
        return asString();
    }
}
