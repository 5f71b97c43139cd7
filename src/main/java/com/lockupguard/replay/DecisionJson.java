package com.lockupguard.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.Reason;
import com.lockupguard.timeline.TimelineEntry;
import java.time.Instant;

/**
 * The replay's output line for one order: the order's ids as written, then {@code decision},
 * {@code reasons} (primary first), {@code maxAllowedNow}, then the order's kind, quantity and
 * time, the evaluation time and the position after the decision.
 */
public final class DecisionJson {

    private final ObjectMapper json;

    public DecisionJson(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode of(TimelineEntry.OrderEcho echo, Decision decision) {
        ObjectNode line = ids(echo);
        line.put("decision", decision.getOutcome().name());
        ArrayNode reasons = line.putArray("reasons");
        for (Reason reason : decision.getReasons()) {
            reasons.add(reason.name());
        }
        if (decision.getMaxAllowedNow() == null) {
            line.putNull("maxAllowedNow");
        } else {
            line.put("maxAllowedNow", decision.getMaxAllowedNow());
        }
        line.set("kind", echo.kind());
        line.set("quantity", echo.quantity());
        line.put("at", decision.getOrderAt().toString());
        putInstant(line, "evaluatedAt", decision.getEvaluatedAt());
        if (decision.getPosition() == null) {
            line.putNull("position");
        } else {
            line.set("position", position(decision.getPosition()));
        }
        return line;
    }

    /** The answer to an order line that cannot become a Kafka record: its time is missing or unreadable. */
    public ObjectNode invalidOrder(TimelineEntry.OrderEcho echo) {
        ObjectNode line = ids(echo);
        line.put("decision", "BLOCKED");
        line.putArray("reasons").add("INVALID_ORDER");
        line.put("maxAllowedNow", 0);
        line.set("kind", echo.kind());
        line.set("quantity", echo.quantity());
        line.putNull("at");
        line.putNull("evaluatedAt");
        line.putNull("position");
        return line;
    }

    private ObjectNode ids(TimelineEntry.OrderEcho echo) {
        ObjectNode line = json.createObjectNode();
        line.set("orderId", echo.orderId());
        line.set("investorId", echo.investorId());
        line.set("securityId", echo.securityId());
        return line;
    }

    private ObjectNode position(Position position) {
        ObjectNode node = json.createObjectNode();
        node.put("phase", position.getPhase().name());
        if (position.getPeriod() == null) {
            node.putNull("period");
        } else {
            node.put("period", position.getPeriod());
        }
        node.put("registered", position.getRegistered());
        node.put("totalShares", position.getTotalShares());
        node.put("soldToDate", position.getSoldToDate());
        node.put("contractCapacity", position.getContractCapacity());
        node.put("releasedToDate", position.getReleasedToDate());
        node.put("availableNow", position.getAvailableNow());
        putInstant(node, "nextReleaseAt", position.getNextReleaseAt());
        if (position.getAvailableAtNextRelease() == null) {
            node.putNull("availableAtNextRelease");
        } else {
            node.put("availableAtNextRelease", position.getAvailableAtNextRelease());
        }
        return node;
    }

    private static void putInstant(ObjectNode node, String name, Instant instant) {
        if (instant == null) {
            node.putNull(name);
        } else {
            node.put(name, instant.toString());
        }
    }
}
