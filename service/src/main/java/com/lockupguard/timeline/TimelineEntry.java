package com.lockupguard.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ProposedOrder;
import java.time.Instant;
import java.util.List;

/** One non-blank line of a replay timeline, parsed. */
public sealed interface TimelineEntry {

    int lineNumber();

    /**
     * An agreement line the replay can put on the agreements topic; {@code at} is null when left out or unreadable,
     * and {@code atProblem} says why an {@code at} that was written could not be read (null otherwise).
     */
    record AgreementLine(int lineNumber, Instant at, String atProblem, Agreement agreement) implements TimelineEntry {
    }

    /** An agreement line that cannot even be written as an agreement record (a field of the wrong type). */
    record MalformedAgreementLine(int lineNumber, String reason) implements TimelineEntry {
    }

    /**
     * An order line. {@code at} is null when it is missing, unparseable or outside the supported
     * years: such an order cannot be a Kafka record and is answered INVALID_ORDER by the replay.
     * {@code atProblem} tells an unreadable {@code at} from a missing one: it says why the {@code at} written on the
     * line could not be read, and is null when {@code at} was read or left out. {@code echo} holds the line's
     * identifying fields as written, for the output. {@code problems} says what makes the line INVALID_ORDER, field
     * by field (empty when nothing does).
     */
    record OrderLine(int lineNumber, Instant at, String atProblem, ProposedOrder order, OrderEcho echo,
            List<String> problems) implements TimelineEntry {
    }

    /**
     * An execution report line. {@code at} is null when it is missing, unparseable or outside the supported
     * years: such a report cannot be a Kafka record and is answered INVALID by the replay. {@code atProblem} says
     * why an {@code at} written on the line could not be read (null when it was read or left out). {@code echo}
     * holds the line's identifying fields as written, for the output; {@code problems} says what makes the report
     * INVALID, field by field (empty when nothing does).
     */
    record ExecutionLine(int lineNumber, Instant at, String atProblem, ExecutionReport report, ExecutionEcho echo,
            List<String> problems) implements TimelineEntry {
    }

    /** A line that is not a JSON object or has no known {@code type}: skipped, and the replay fails. */
    record UnreadableLine(int lineNumber, String reason) implements TimelineEntry {
    }

    /** The order line's fields as written (JSON null when left out). */
    record OrderEcho(JsonNode orderId, JsonNode investorId, JsonNode securityId, JsonNode kind, JsonNode quantity) {
    }

    /** The execution line's identifying fields as written (JSON null when left out). */
    record ExecutionEcho(JsonNode executionId, JsonNode orderId, JsonNode investorId, JsonNode securityId) {
    }
}
