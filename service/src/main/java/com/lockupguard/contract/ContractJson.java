package com.lockupguard.contract;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OpenReservation;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.Reason;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The JSON form of decisions and positions, the same for the replay's output and the HTTP API:
 * {@code orderId, investorId, securityId, decision, reasons, maxAllowedNow} first, instants as
 * ISO-8601 UTC strings. Also the HTTP API's form of compliance alerts, execution report results
 * and open reservations, by the same conventions (enums as their names).
 */
public final class ContractJson {

    private final ObjectMapper json;

    public ContractJson(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The fields of an order as it was written, to echo in place of the decision's own (the replay echoes a
     * mistyped field instead of dropping it).
     */
    public record AsWritten(JsonNode orderId, JsonNode investorId, JsonNode securityId, JsonNode kind,
            JsonNode quantity) {
    }

    public ObjectNode decision(Decision decision) {
        return tree(generator -> writeDecision(generator, decision, null));
    }

    /**
     * Writes a decision's JSON object; where {@code asWritten} is given, the order's ids, kind and quantity are
     * the order's as written instead of the decision's.
     */
    public void writeDecision(JsonGenerator out, Decision decision, AsWritten asWritten) throws IOException {
        out.writeStartObject();
        if (asWritten == null) {
            out.writeStringField("orderId", decision.getOrderId());
            out.writeStringField("investorId", decision.getInvestorId());
            out.writeStringField("securityId", decision.getSecurityId());
        } else {
            writeNode(out, "orderId", asWritten.orderId());
            writeNode(out, "investorId", asWritten.investorId());
            writeNode(out, "securityId", asWritten.securityId());
        }
        out.writeStringField("decision", decision.getOutcome().name());
        out.writeArrayFieldStart("reasons");
        for (Reason reason : decision.getReasons()) {
            out.writeString(reason.name());
        }
        out.writeEndArray();
        writeLong(out, "maxAllowedNow", decision.getMaxAllowedNow());
        if (asWritten == null) {
            out.writeStringField("kind", decision.getKind() == null ? null : decision.getKind().name());
            writeLong(out, "quantity", decision.getQuantity());
        } else {
            writeNode(out, "kind", asWritten.kind());
            writeNode(out, "quantity", asWritten.quantity());
        }
        writeInstant(out, "at", decision.getOrderAt());
        writeInstant(out, "evaluatedAt", decision.getEvaluatedAt());
        writeLong(out, "agreementVersion", decision.getAgreementVersion());
        out.writeStringField("termsHash", decision.getTermsHash());
        out.writeBooleanField("repeated", decision.getRepeated());
        if (decision.getPosition() == null) {
            out.writeNullField("position");
        } else {
            out.writeFieldName("position");
            writePosition(out, decision.getPosition());
        }
        out.writeEndObject();
    }

    public ObjectNode position(Position position) {
        return tree(generator -> writePosition(generator, position));
    }

    /** Writes a position's JSON object. */
    public void writePosition(JsonGenerator out, Position position) throws IOException {
        out.writeStartObject();
        out.writeStringField("investorId", position.getInvestorId());
        out.writeStringField("securityId", position.getSecurityId());
        writeInstant(out, "asOf", position.getAsOf());
        out.writeStringField("phase", position.getPhase().name());
        writeLong(out, "period", position.getPeriod());
        out.writeBooleanField("registered", position.getRegistered());
        out.writeNumberField("totalShares", position.getTotalShares());
        out.writeNumberField("soldToDate", position.getSoldToDate());
        out.writeNumberField("reservedNow", position.getReservedNow());
        out.writeNumberField("contractCapacity", position.getContractCapacity());
        out.writeNumberField("releasedToDate", position.getReleasedToDate());
        out.writeNumberField("availableNow", position.getAvailableNow());
        writeInstant(out, "nextReleaseAt", position.getNextReleaseAt());
        writeLong(out, "availableAtNextRelease", position.getAvailableAtNextRelease());
        writeInstant(out, "firstReleaseAt", position.getFirstReleaseAt());
        writeInstant(out, "secondReleaseAt", position.getSecondReleaseAt());
        out.writeStringField("rule144Date", position.getRule144Date() == null ? null
                : position.getRule144Date().toString());
        writeLong(out, "agreementVersion", position.getAgreementVersion());
        out.writeStringField("termsHash", position.getTermsHash());
        out.writeEndObject();
    }

    /** Something that writes one JSON value. */
    private interface Writing {
        void to(JsonGenerator out) throws IOException;
    }

    /** What {@code writing} writes, as a tree: the API's answers are built from the same writers as the replay's lines. */
    private ObjectNode tree(Writing writing) {
        try (TokenBuffer buffer = new TokenBuffer(json, false)) {
            writing.to(buffer);
            return json.readTree(buffer.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree in memory cannot fail to build", e);
        }
    }

    private static void writeNode(JsonGenerator out, String name, JsonNode value) throws IOException {
        out.writeFieldName(name);
        if (value == null) {
            out.writeNull();
        } else {
            out.writeTree(value);
        }
    }

    private static void writeLong(JsonGenerator out, String name, Long value) throws IOException {
        if (value == null) {
            out.writeNullField(name);
        } else {
            out.writeNumberField(name, value);
        }
    }

    private static void writeInstant(JsonGenerator out, String name, Instant value) throws IOException {
        out.writeStringField(name, value == null ? null : IsoInstant.format(value));
    }

    /** A compliance alert: the fill's ids first, then what was uncovered and whether it breached the agreement. */
    public ObjectNode alert(ComplianceAlert alert) {
        ObjectNode node = json.createObjectNode();
        node.put("executionId", alert.getExecutionId());
        node.put("orderId", alert.getOrderId());
        node.put("investorId", alert.getInvestorId());
        node.put("securityId", alert.getSecurityId());
        node.put("type", alert.getType().name());
        node.put("quantity", alert.getQuantity());
        node.put("allowedNow", alert.getAllowedNow());
        node.put("breachesAgreement", alert.getBreachesAgreement());
        node.put("reservationKind", alert.getReservationKind().name());
        node.put("reportedQuantity", alert.getReportedQuantity());
        putInstant(node, "reportedAt", alert.getReportedAt());
        putInstant(node, "evaluatedAt", alert.getEvaluatedAt());
        node.put("agreementVersion", alert.getAgreementVersion());
        node.put("termsHash", alert.getTermsHash());
        node.set("position", position(alert.getPosition()));
        return node;
    }

    /** The guard's answer to one execution report; fields the report left out are null. */
    public ObjectNode report(ReportResult result) {
        ObjectNode node = json.createObjectNode();
        node.put("executionId", result.getExecutionId());
        node.put("orderId", result.getOrderId());
        node.put("investorId", result.getInvestorId());
        node.put("securityId", result.getSecurityId());
        node.put("kind", result.getKind() == null ? null : result.getKind().name());
        putLong(node, "quantity", result.getQuantity());
        node.put("result", result.getOutcome().name());
        putLong(node, "covered", result.getCovered());
        putLong(node, "released", result.getReleased());
        ReportAlert alert = result.getAlert();
        if (alert == null) {
            node.putNull("alert");
        } else {
            node.putObject("alert").put("type", alert.getType().name()).put("quantity", alert.getQuantity())
                    .put("allowedNow", alert.getAllowedNow()).put("breachesAgreement", alert.getBreachesAgreement());
        }
        putInstant(node, "reportedAt", result.getReportedAt());
        putInstant(node, "evaluatedAt", result.getEvaluatedAt());
        putLong(node, "agreementVersion", result.getAgreementVersion());
        node.put("termsHash", result.getTermsHash());
        if (result.getPosition() == null) {
            node.putNull("position");
        } else {
            node.set("position", position(result.getPosition()));
        }
        return node;
    }

    /**
     * An open reservation of order {@code orderId}: its window as a position's ({@code phase}, {@code period}),
     * what it reserved, what fills have taken and the {@code rest} still reserved.
     */
    public ObjectNode reservation(String orderId, OpenReservation reservation) {
        ObjectNode node = json.createObjectNode();
        node.put("orderId", orderId);
        node.put("kind", reservation.getKind().name());
        node.put("phase", reservation.getPhase().name());
        putLong(node, "period", reservation.getPeriod());
        node.put("quantity", reservation.getQuantity());
        node.put("taken", reservation.getTaken());
        node.put("rest", reservation.getQuantity() - reservation.getTaken());
        node.put("fromTranche", reservation.getFromTranche());
        node.put("fromCarry", reservation.getFromCarry());
        putInstant(node, "openedAt", reservation.getOpenedAt());
        return node;
    }

    private static void putLong(ObjectNode node, String name, Long value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    private static void putInstant(ObjectNode node, String name, Instant value) {
        node.put(name, value == null ? null : value.toString());
    }

}
