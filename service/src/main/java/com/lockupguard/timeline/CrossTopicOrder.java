package com.lockupguard.timeline;

import com.lockupguard.rules.HoldingKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The lines of a timeline a running guard may take in another order than the replay does. The replay takes the lines as
 * they come; {@code produce} sends a holding's agreements to the agreements topic and its orders and reports to the
 * orders topic, and Kafka Streams takes the records of the two in timestamp order whenever both have some waiting
 * (docs/HOW-IT-WORKS.md, "Ordering between agreements and orders"). A line stamped no later than a line of its holding
 * above it on the other topic may then be taken before that line: an order decided under the agreement in force before,
 * or an agreement applied before an order above it. Each such line is warned of, a tie too, which Kafka Streams breaks
 * either way. Told the lines in order, each with the time {@link LineTimes} stamps it with; a line without one (an
 * order without {@code at}, a line that is not a record) is left alone.
 */
public final class CrossTopicOrder {

    private final Map<String, Holding> holdings = new HashMap<>();

    /** The latest stamped line of a holding on each topic. */
    private static final class Holding {
        private Line agreement;
        private Line order;
    }

    /** A line: its number, what it is and its stamp. */
    private record Line(int number, String type, Instant at) {
    }

    /**
     * A warning that {@code entry}, the next line of the timeline, stamped {@code at} ({@link LineTimes#of}), may be
     * taken before a line above it; or null.
     */
    public String warning(TimelineEntry entry, Instant at) {
        String key;
        String type;
        if (entry instanceof TimelineEntry.AgreementLine line) {
            key = HoldingKey.keyOf(line.agreement().getInvestorId(), line.agreement().getSecurityId());
            type = "agreement";
        } else if (entry instanceof TimelineEntry.OrderLine line) {
            key = HoldingKey.keyOf(line.order().getInvestorId(), line.order().getSecurityId());
            type = "order";
        } else if (entry instanceof TimelineEntry.ExecutionLine line) {
            key = HoldingKey.keyOf(line.report().getInvestorId(), line.report().getSecurityId());
            type = "execution report";
        } else {
            return null;
        }
        if (at == null) {
            return null;
        }
        boolean agreement = entry instanceof TimelineEntry.AgreementLine;
        Holding holding = holdings.computeIfAbsent(key, k -> new Holding());
        Line above = agreement ? holding.order : holding.agreement;
        Line line = new Line(entry.lineNumber(), type, at);
        if (agreement) {
            holding.agreement = later(holding.agreement, line);
        } else {
            holding.order = later(holding.order, line);
        }
        if (above == null || at.isAfter(above.at())) {
            return null;
        }
        boolean leftOut = entry instanceof TimelineEntry.AgreementLine unstamped && unstamped.at() == null;
        return type + " of " + ShownText.of(key) + " stamped " + at + (leftOut ? " (it has no `at`: the time of the "
                + "line above it)" : "") + (at.equals(above.at()) ? ", the same instant as" : ", before") + " line "
                + above.number() + "'s " + above.type() + " of that holding (" + above.at() + "): a running guard "
                + "takes a holding's agreements and its orders and reports in timestamp order, and may take this "
                + "line before that one, where the replay takes it after; stamp it later than line " + above.number()
                + " for the two to agree";
    }

    private static Line later(Line kept, Line line) {
        return kept == null || line.at().isAfter(kept.at()) ? line : kept;
    }
}
