package com.lockupguard.tools.soak;

/**
 * What a soak did and found. Lost, duplicated and mismatched must be 0: every order decided
 * exactly once, as the replay of the same input decides it, and every holding's final position
 * equal.
 */
public record SoakReport(int instances, long orders, int kills, int brokerBounces, long decisions, long lost,
        long duplicated, long mismatched, long positionsMismatched, boolean transactionsFinished,
        boolean groupEmpty, double seconds) {

    public boolean passed() {
        return lost == 0 && duplicated == 0 && mismatched == 0 && positionsMismatched == 0 && transactionsFinished
                && groupEmpty;
    }

    public String figures() {
        return String.format(java.util.Locale.ROOT, "instances=%d orders=%d kills=%d broker_bounces=%d decisions=%d "
                + "lost=%d duplicated=%d mismatched=%d final_positions_mismatched=%d transactions_finished=%s "
                + "group_empty=%s seconds=%.0f", instances, orders, kills, brokerBounces, decisions, lost, duplicated,
                mismatched, positionsMismatched, transactionsFinished, groupEmpty, seconds);
    }
}
