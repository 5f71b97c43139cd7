package com.lockupguard.timeline;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a timeline a producer may send, and a message ({@code line N: ...}) for each one it must not: a
 * line that cannot be read, an agreement that cannot be written as a record, and a line whose {@code at} was
 * written but cannot be read — stamped with the producer's time, as a line without {@code at} is, it would move
 * its holding's clock to now, where the replay answers it INVALID_ORDER (RULES.md section 4.1).
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
        if (entry instanceof TimelineEntry.OrderLine line && line.atProblem() != null) {
            return "order not sent: " + line.atProblem();
        }
        if (entry instanceof TimelineEntry.ExecutionLine line && line.atProblem() != null) {
            return "execution report not sent: " + line.atProblem();
        }
        return null;
    }
}
