package com.lockupguard.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.contract.IsoInstant;
import java.time.Instant;

/**
 * Records of the guard's inputs written as the lines of a replay timeline ({@link TimelineParser} reads them back
 * into the same records): {@code type}, {@code at} (the record's time), then the record's fields. A field the record
 * holds as null is left out, which the parser reads as null again; an agreement's every term is written, defaults
 * included, so that the line does not depend on the letter's defaults.
 */
public final class TimelineLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TimelineLines() {
    }

    /** An agreement line. */
    public static String agreement(Agreement agreement, Instant at) {
        ObjectNode line = start("agreement", at);
        put(line, "investorId", agreement.getInvestorId());
        put(line, "securityId", agreement.getSecurityId());
        put(line, "executionDate", agreement.getExecutionDate() == null ? null
                : agreement.getExecutionDate().toString());
        put(line, "timeZone", agreement.getTimeZone());
        line.put("totalShares", agreement.getTotalShares());
        line.put("lockupDays", agreement.getLockupDays());
        line.put("firstReleaseShares", agreement.getFirstReleaseShares());
        line.put("firstReleaseDays", agreement.getFirstReleaseDays());
        line.put("trancheShares", agreement.getTrancheShares());
        line.put("trancheDays", agreement.getTrancheDays());
        put(line, "trancheMode", agreement.getTrancheMode() == null ? null : agreement.getTrancheMode().name());
        line.put("rule144HoldingMonths", agreement.getRule144HoldingMonths());
        put(line, "effectiveAt", agreement.getEffectiveAt() == null ? null
                : IsoInstant.format(agreement.getEffectiveAt()));
        return text(line);
    }

    /** An order line. */
    public static String order(ProposedOrder order, Instant at) {
        ObjectNode line = start("order", at);
        put(line, "orderId", order.getOrderId());
        put(line, "investorId", order.getInvestorId());
        put(line, "securityId", order.getSecurityId());
        put(line, "kind", order.getKind() == null ? null : order.getKind().name());
        if (order.getQuantity() != null) {
            line.put("quantity", order.getQuantity());
        }
        return text(line);
    }

    /** An execution report line. */
    public static String execution(ExecutionReport report, Instant at) {
        ObjectNode line = start("execution", at);
        put(line, "executionId", report.getExecutionId());
        put(line, "orderId", report.getOrderId());
        put(line, "investorId", report.getInvestorId());
        put(line, "securityId", report.getSecurityId());
        put(line, "kind", report.getKind() == null ? null : report.getKind().name());
        if (report.getQuantity() != null) {
            line.put("quantity", report.getQuantity());
        }
        return text(line);
    }

    private static ObjectNode start(String type, Instant at) {
        ObjectNode line = JSON.createObjectNode();
        line.put("type", type);
        line.put("at", IsoInstant.format(at));
        return line;
    }

    private static void put(ObjectNode line, String field, String value) {
        if (value != null) {
            line.put(field, value);
        }
    }

    private static String text(ObjectNode line) {
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is always written", e);
        }
    }
}
