package com.lockupguard.timeline;

import com.lockupguard.avro.Agreement;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The time each line of a timeline is stamped with, told the lines in order, the same for {@code replay} and for
 * {@code produce}: a line's own {@code at}; for an agreement line that leaves it out, the previous timed line's, or,
 * before any, the start of the agreement's execution date in its zone (the shares did not exist before; not before
 * 1970). {@code produce} once sent such an agreement with the producer's time, so that a guard working through a
 * backlog of the timeline's orders took them before it, by timestamp, and blocked them {@code UNKNOWN_AGREEMENT}
 * where the replay approved them.
 */
public final class LineTimes {

    private Instant last;

    /**
     * The time {@code entry} is stamped with, remembered for the agreement lines after it; null for a line with none
     * to give (an order or report without {@code at}, which the replay answers invalid, an {@code at} written but
     * unreadable, a line that is not a record), which changes nothing.
     */
    public Instant of(TimelineEntry entry) {
        Instant at = null;
        if (entry instanceof TimelineEntry.AgreementLine line && line.atProblem() == null) {
            if (line.at() == null && last == null) {
                // its own time, not the lines' after it: an agreement whose zone or date is refused (stamped 1970)
                // must not stamp the next agreements without an at 1970 too
                Instant issued = issued(line.agreement());
                last = issued;
                return issued == null ? Instant.EPOCH : issued;
            }
            at = line.at() != null ? line.at() : last;
        } else if (entry instanceof TimelineEntry.OrderLine line) {
            at = line.at();
        } else if (entry instanceof TimelineEntry.ExecutionLine line) {
            at = line.at();
        }
        if (at != null) {
            last = at;
        }
        return at;
    }

    /** The start of {@code agreement}'s execution date in its zone; null before 1970 or in a zone it cannot have. */
    private static Instant issued(Agreement agreement) {
        try {
            Instant issued = agreement.getExecutionDate().atStartOfDay(ZoneId.of(agreement.getTimeZone()))
                    .toInstant();
            return issued.isBefore(Instant.EPOCH) ? null : issued;
        } catch (DateTimeException e) {
            return null;
        }
    }
}
