package com.lockupguard.tools.soak;

/**
 * What a soak did and found. Lost, duplicated and mismatched must be 0: every order line decided
 * exactly once, as the replay of the same input decides it (an order sent again: its first decision
 * again, marked repeated, or a block of its reused id), and every holding's final position
 * equal, in its last answer and as last published on the positions topic; every execution
 * report answered exactly once, as the replay answers it, and every alert raised exactly once;
 * every dead letter the replay says the guard writes written once, with its key and reason, and
 * no other. And the soak must have done the kills and broker bounces it was asked for: a clean answer
 * without them proves nothing about crashes.
 */
public record SoakReport(int instances, long orders, long resent, int kills, int killsAsked, int brokerBounces,
        int brokerBouncesAsked, long decisions, long lost,
        long duplicated, long mismatched, long positionsMismatched, long publishedPositionsMismatched,
        boolean transactionsFinished, boolean groupEmpty, double seconds, long reports, Tally results, Tally alerts,
        Tally deadLetters, long deadLettersExpected) {

    /** Only with orders sent and decided: a soak that sent none compares two empty sets, and proves nothing. */
    public boolean passed() {
        return orders > 0 && decisions > 0 && lost == 0 && duplicated == 0 && mismatched == 0
                && positionsMismatched == 0 && publishedPositionsMismatched == 0 && transactionsFinished && groupEmpty
                && results.clean() && alerts.clean() && deadLetters.clean() && deadLetters.read() == deadLettersExpected
                && chaosShortfall().isEmpty();
    }

    /** What the soak was asked to do to the guard and did not, if anything. */
    public java.util.Optional<String> chaosShortfall() {
        if (kills == killsAsked && brokerBounces == brokerBouncesAsked) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(java.util.Locale.ROOT, "asked for %d kills and %d broker bounces, "
                + "did %d and %d (the soak's log says why)", killsAsked, brokerBouncesAsked, kills, brokerBounces));
    }

    public String figures() {
        return String.format(java.util.Locale.ROOT, "instances=%d orders=%d resent=%d kills=%d broker_bounces=%d "
                + "decisions=%d lost=%d duplicated=%d mismatched=%d final_positions_mismatched=%d "
                + "published_positions_mismatched=%d transactions_finished=%s "
                + "group_empty=%s seconds=%.0f reports=%d results=%d results_lost=%d results_duplicated=%d "
                + "results_mismatched=%d alerts=%d alerts_lost=%d alerts_duplicated=%d alerts_mismatched=%d "
                + "dead_letters=%d dead_letters_expected=%d dead_letters_lost=%d dead_letters_duplicated=%d "
                + "dead_letters_mismatched=%d",
                instances, orders, resent, kills, brokerBounces, decisions, lost, duplicated, mismatched,
                positionsMismatched, publishedPositionsMismatched, transactionsFinished, groupEmpty, seconds, reports,
                results.read(), results.lost(), results.duplicated(), results.mismatched(), alerts.read(),
                alerts.lost(), alerts.duplicated(), alerts.mismatched(), deadLetters.read(), deadLettersExpected,
                deadLetters.lost(), deadLetters.duplicated(), deadLetters.mismatched());
    }
}
