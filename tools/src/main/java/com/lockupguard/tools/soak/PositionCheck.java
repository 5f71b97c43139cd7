package com.lockupguard.tools.soak;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ReportResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Compares each holding's final position — carried by its last decision or applied report result — with the
 * replay's: shares sold, released, available now and reserved.
 */
final class PositionCheck {

    private static final int LOGGED = 5;

    private final Consumer<String> log;

    /** @param log told the first few mismatches */
    PositionCheck(Consumer<String> log) {
        this.log = log;
    }

    /** The holdings whose final position differs, or whose last answer was not read. */
    long mismatched(Map<String, ReplayedTimeline.FinalPosition> expected, List<Decision> decisions,
            List<ReportResult> results) {
        Map<String, List<Decision>> decisionsById = DecisionCheck.byOrderId(decisions);
        Map<ReportId, List<ReportResult>> resultsById = ReportCheck.group(results, ReportCheck::idOf);
        long mismatched = 0;
        for (Map.Entry<String, ReplayedTimeline.FinalPosition> entry : expected.entrySet()) {
            ReplayedTimeline.FinalPosition want = entry.getValue();
            Position got;
            if (want.orderId() != null) {
                // a decision of the id with a position: the first's, or a retry's, which repeats it; a block of a
                // reuse of the id, read before them from the blocked topic, carries none
                got = decisionsById.getOrDefault(want.orderId(), List.of()).stream().map(Decision::getPosition)
                        .filter(Objects::nonNull).findFirst().orElse(null);
            } else {
                List<ReportResult> answers = resultsById.get(want.report());
                got = answers == null || answers.size() <= want.occurrence() ? null
                        : answers.get(want.occurrence()).getPosition();
            }
            if (!same(want.position(), got) && ++mismatched <= LOGGED) {
                log.accept(String.format(Locale.ROOT,
                        "final position MISMATCH %s (after %s): expected %s, got %s", entry.getKey(),
                        want.orderId() != null ? "order " + want.orderId()
                                : "report " + want.report() + " #" + (want.occurrence() + 1),
                        want.position(), got));
            }
        }
        return mismatched;
    }

    /**
     * The holdings whose position as last published on the positions topic ({@code published}, by holding key) is
     * missing, earlier than the replay's final one, or counts other shares sold or reserved. Positions are coalesced
     * within a commit and published again as window boundaries pass, so the last one may be later, and show more
     * released, than the holding's last answer; never earlier, and never other sales or reservations.
     */
    long publishedMismatched(Map<String, ReplayedTimeline.FinalPosition> expected, Map<String, Position> published) {
        long mismatched = 0;
        for (Map.Entry<String, ReplayedTimeline.FinalPosition> entry : expected.entrySet()) {
            Position want = entry.getValue().position();
            Position got = published.get(entry.getKey());
            boolean same = got != null && !got.getAsOf().isBefore(want.getAsOf())
                    && got.getSoldToDate() == want.getSoldToDate() && got.getReservedNow() == want.getReservedNow();
            if (!same && ++mismatched <= LOGGED) {
                log.accept(String.format(Locale.ROOT,
                        "published position MISMATCH %s: expected as of %s or later with %d sold "
                        + "and %d reserved, got %s", entry.getKey(), want.getAsOf(), want.getSoldToDate(),
                        want.getReservedNow(), got));
            }
        }
        return mismatched;
    }

    private static boolean same(Position want, Position got) {
        return got != null && got.getSoldToDate() == want.getSoldToDate()
                && got.getReleasedToDate() == want.getReleasedToDate()
                && got.getAvailableNow() == want.getAvailableNow()
                && got.getReservedNow() == want.getReservedNow();
    }
}
