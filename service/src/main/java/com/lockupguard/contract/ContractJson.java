package com.lockupguard.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.Reason;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The JSON form of decisions and positions, the same for the replay's output and the HTTP API:
 * {@code orderId, investorId, securityId, decision, reasons, maxAllowedNow} first, instants as
 * ISO-8601 UTC strings.
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
