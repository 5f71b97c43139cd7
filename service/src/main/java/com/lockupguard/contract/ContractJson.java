package com.lockupguard.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OpenReservation;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.Reason;
import com.lockupguard.avro.ReportAlert;
import com.lockupguard.avro.ReportResult;
import java.time.Instant;
import java.time.LocalDate;

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

    public ObjectNode decision(Decision decision) {
        ObjectNode node = json.createObjectNode();
        node.put("orderId", decision.getOrderId());
        node.put("investorId", decision.getInvestorId());
        node.put("securityId", decision.getSecurityId());
        node.put("decision", decision.getOutcome().name());
        ArrayNode reasons = node.putArray("reasons");
        for (Reason reason : decision.getReasons()) {
            reasons.add(reason.name());
        }
        putLong(node, "maxAllowedNow", decision.getMaxAllowedNow());
        node.put("kind", decision.getKind() == null ? null : decision.getKind().name());
        putLong(node, "quantity", decision.getQuantity());
        putInstant(node, "at", decision.getOrderAt());
        putInstant(node, "evaluatedAt", decision.getEvaluatedAt());
        putLong(node, "agreementVersion", decision.getAgreementVersion());
        node.put("termsHash", decision.getTermsHash());
        node.put("repeated", decision.getRepeated());
        if (decision.getPosition() == null) {
            node.putNull("position");
        } else {
            node.set("position", position(decision.getPosition()));
        }
        return node;
    }

    public ObjectNode position(Position position) {
        ObjectNode node = json.createObjectNode();
        node.put("investorId", position.getInvestorId());
        node.put("securityId", position.getSecurityId());
        putInstant(node, "asOf", position.getAsOf());
        node.put("phase", position.getPhase().name());
        putLong(node, "period", position.getPeriod());
        node.put("registered", position.getRegistered());
        node.put("totalShares", position.getTotalShares());
        node.put("soldToDate", position.getSoldToDate());
        node.put("reservedNow", position.getReservedNow());
        node.put("contractCapacity", position.getContractCapacity());
        node.put("releasedToDate", position.getReleasedToDate());
        node.put("availableNow", position.getAvailableNow());
        putInstant(node, "nextReleaseAt", position.getNextReleaseAt());
        putLong(node, "availableAtNextRelease", position.getAvailableAtNextRelease());
        putInstant(node, "firstReleaseAt", position.getFirstReleaseAt());
        putInstant(node, "secondReleaseAt", position.getSecondReleaseAt());
        putDate(node, "rule144Date", position.getRule144Date());
        putLong(node, "agreementVersion", position.getAgreementVersion());
        node.put("termsHash", position.getTermsHash());
        return node;
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

    private static void putDate(ObjectNode node, String name, LocalDate value) {
        node.put(name, value == null ? null : value.toString());
    }
}
