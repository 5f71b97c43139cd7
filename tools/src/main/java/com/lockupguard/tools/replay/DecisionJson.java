package com.lockupguard.tools.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Decision;
import com.lockupguard.contract.ContractJson;
import com.lockupguard.timeline.TimelineEntry;
import java.io.IOException;

/**
 * The replay's output line for one order: the decision as the API renders it, with the order's
 * ids, kind and quantity as written on the line (a mistyped field is echoed, not dropped).
 */
public final class DecisionJson {

    private final ObjectMapper json;
    private final ContractJson contracts;

    public DecisionJson(ObjectMapper json) {
        this.json = json;
        this.contracts = new ContractJson(json);
    }

    /**
     * Writes the decision's JSON to {@code out}, the order's identifying fields as the line wrote them, without
     * building it as a tree first: the replay's hot path.
     */
    public void write(JsonGenerator out, TimelineEntry.OrderEcho echo, Decision decision) throws IOException {
        contracts.writeDecision(out, decision, new ContractJson.AsWritten(echo.orderId(), echo.investorId(),
                echo.securityId(), echo.kind(), echo.quantity()));
    }

    /** The answer to an order line that cannot become a Kafka record: its time is missing or unreadable. */
    public ObjectNode invalidOrder(TimelineEntry.OrderEcho echo) {
        ObjectNode line = json.createObjectNode();
        line.put("decision", "BLOCKED");
        line.putArray("reasons").add("INVALID_ORDER");
        line.put("maxAllowedNow", 0);
        line.putNull("at");
        line.putNull("evaluatedAt");
        line.putNull("position");
        return echoed(echo, line);
    }

    private ObjectNode echoed(TimelineEntry.OrderEcho echo, ObjectNode decision) {
        ObjectNode line = json.createObjectNode();
        line.set("orderId", echo.orderId());
        line.set("investorId", echo.investorId());
        line.set("securityId", echo.securityId());
        decision.remove(java.util.List.of("orderId", "investorId", "securityId"));
        decision.set("kind", echo.kind());
        decision.set("quantity", echo.quantity());
        line.setAll(decision);
        return line;
    }
}
