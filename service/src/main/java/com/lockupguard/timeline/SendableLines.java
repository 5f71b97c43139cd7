package com.lockupguard.timeline;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a timeline a producer may send, and a message ({@code line N: ...}) for each one it must not: a
 * line that cannot be read, an agreement that cannot be written as a record, a line whose {@code at} was written but
 * cannot be read, and an order or report without {@code at}. Stamped with the producer's time, such an order would
 * move its holding's clock to now for good (RULES.md section 6), and the timeline's orders after it would be decided
 * in the producer's year, where the replay answers it INVALID_ORDER (section 4.1) and decides the rest at their
 * times. An agreement may leave {@code at} out: {@link LineTimes} gives it one.
 */
public record SendableLines(List<TimelineEntry> sendable, List<String> refusals) {

    public SendableLines {
        sendable = List.copyOf(sendable);
        refusals = List.copyOf(refusals);
    }

    /** {@code entries} split into the lines to send, in order, and the refusals of the others. */
    public static SendableLines of(List<TimelineEntry> entries) {
        List<TimelineEntry> sendable = new ArrayList<>(entries.size());
        List<String> refusals = new ArrayList<>();
        for (TimelineEntry entry : entries) {
            String refusal = refusal(entry);
            if (refusal == null) {
                sendable.add(entry);
            } else {
                refusals.add("line " + entry.lineNumber() + ": " + OneLine.of(refusal));
            }
        }
        return new SendableLines(sendable, refusals);
    }

    /** Why {@code entry} must not be sent, or null if it may. */
    public static String refusal(TimelineEntry entry) {
        if (entry instanceof TimelineEntry.UnreadableLine line) {
            return "skipped: " + line.reason();
        }
        if (entry instanceof TimelineEntry.MalformedAgreementLine line) {
            return "agreement not sent: " + line.reason();
        }
        if (entry instanceof TimelineEntry.AgreementLine line && line.atProblem() != null) {
            return "agreement not sent: " + line.atProblem();
        }
        if (entry instanceof TimelineEntry.OrderLine line && line.at() == null) {
            return "order not sent: " + (line.atProblem() != null ? line.atProblem() : NO_AT + "INVALID_ORDER");
        }
        if (entry instanceof TimelineEntry.ExecutionLine line && line.at() == null) {
            return "execution report not sent: " + (line.atProblem() != null ? line.atProblem() : NO_AT + "INVALID");
        }
        return null;
    }

    /** Why an order or report without {@code at} is not sent, before the replay's answer to it. */
    private static final String NO_AT = "it has no `at` (an ISO-8601 instant with an offset): stamped with this "
            + "machine's time, it would move its holding's clock to now for the lines after it, which the replay "
            + "decides at their own times, answering this one ";
}
