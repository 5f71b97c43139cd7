package com.lockupguard.rules;

/**
 * The 2003 Dutchess / Cal Bay letter's terms: the default of every agreement field but the
 * three required ones (RULES.md section 1).
 */
public final class LetterDefaults {

    public static final String TIME_ZONE = "America/New_York";
    public static final long TOTAL_SHARES = 675_675;
    public static final long LOCKUP_DAYS = 90;
    public static final long FIRST_RELEASE_SHARES = 200_000;
    public static final long FIRST_RELEASE_DAYS = 30;
    public static final long TRANCHE_SHARES = 158_559;
    public static final long TRANCHE_DAYS = 30;
    public static final TrancheMode TRANCHE_MODE = TrancheMode.NON_CUMULATIVE;
    public static final long RULE_144_HOLDING_MONTHS = 12;

    private LetterDefaults() {
    }
}
