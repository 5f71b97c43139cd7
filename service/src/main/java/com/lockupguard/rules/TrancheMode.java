package com.lockupguard.rules;

/** Whether unused later tranches carry forward (RULES.md section 7, A2). */
public enum TrancheMode {
    /** Only unsold First Release Shares carry forward; an unused tranche lapses when its period ends. */
    NON_CUMULATIVE,
    /** Sold-to-date may reach firstReleaseShares + (k+1) * trancheShares in period k. */
    CUMULATIVE;

    /** The mode named exactly {@code name}, or null when there is none. */
    public static TrancheMode fromName(String name) {
        if (name == null) {
            return null;
        }
        for (TrancheMode mode : values()) {
            if (mode.name().equals(name)) {
                return mode;
            }
        }
        return null;
    }
}
