package com.lockupguard.tools.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.timeline.TimelineEntry;

/**
 * The replay's output line for one execution report, exactly the eight keys of RULES.md section 9:
 * {@code executionId, orderId, investorId, securityId} as written on the line, {@code result},
 * {@code covered}, {@code released} and {@code alert} ({@code type, quantity, breachesAgreement}).
 */
public final class ResultJson {

    private final ObjectMapper json;

    public ResultJson(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode of(TimelineEntry.ExecutionEcho echo, ReportResult result) {
        ObjectNode line = echoed(echo, result.getOutcome().name());
        putLong(line, "covered", result.getCovered());
        putLong(line, "released", result.getReleased());
        ReportAlert alert = result.getAlert();
        if (alert == null) {
            line.putNull("alert");
        } else {
            line.putObject("alert").put("type", alert.getType().name()).put("quantity", alert.getQuantity())
                    .put("breachesAgreement", alert.getBreachesAgreement());
        }
        return line;
    }

    /** The answer to an execution line that cannot become a Kafka record: its time is missing or unreadable. */
    public ObjectNode invalid(TimelineEntry.ExecutionEcho echo) {
        ObjectNode line = echoed(echo, "INVALID");
        line.putNull("covered");
        line.putNull("released");
        line.putNull("alert");
        return line;
    }

    private ObjectNode echoed(TimelineEntry.ExecutionEcho echo, String result) {
        ObjectNode line = json.createObjectNode();
        line.set("executionId", echo.executionId());
        line.set("orderId", echo.orderId());
        line.set("investorId", echo.investorId());
        line.set("securityId", echo.securityId());
        line.put("result", result);
        return line;
    }

    private static void putLong(ObjectNode node, String name, Long value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }
}
