package com.lockupguard.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A second, independent reading of RULES.md for differential testing: it works on the timeline's
 * JSON directly and shares no code with the guard (no rules, contract, serde or topology class).
 * Deliberately plain: one method per section, values recomputed from the agreement each time.
 */
final class ReferenceModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIN_MS = 0;
    private static final long MAX_MS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    private static final LocalDate MAX_DATE = LocalDate.parse("9999-12-31");

    record Output(List<ObjectNode> decisions, List<Integer> rejectedAgreementLines, int unreadableLines) {
    }

    /** Section 1's terms, defaults applied. */
    record Terms(String zone, LocalDate exec, long total, long lockup, long first, long firstDays, long tranche,
            long trancheDays, String mode, long rule144, Long effectiveMs) {
        ZoneId zoneId() {
            return ZoneId.of(zone);
        }

        long startOfDay(LocalDate d) {
            return d.atStartOfDay(zoneId()).toInstant().toEpochMilli();
        }

        LocalDate date(long ms) {
            return Instant.ofEpochMilli(ms).atZone(zoneId()).toLocalDate();
        }

        long frd() {
            long lockupEnd = startOfDay(exec.plusDays(lockup));
            long candidate = effectiveMs == null ? lockupEnd : Math.min(lockupEnd, effectiveMs);
            return Math.max(startOfDay(exec), candidate);
        }

        LocalDate srd() {
            return date(frd()).plusDays(firstDays);
        }

        /** -2 lock-up, -1 first window, k >= 0 period k. */
        long window(long t) {
            if (t < frd()) {
                return -2;
            }
            if (t < startOfDay(srd())) {
                return -1;
            }
            long days = ChronoUnit.DAYS.between(srd(), date(t));
            return Math.max(0, Math.floorDiv(days, trancheDays));
        }

        boolean registered(long t) {
            return (effectiveMs != null && t >= effectiveMs) || !date(t).isBefore(exec.plusMonths(rule144));
        }
    }

    static final class Holding {
        Terms terms;
        long sold;
        long soldFirst;
        long carryUsed;
        final Map<Long, Long> trancheUsed = new HashMap<>();
        Long clock;
        final Map<String, Object[]> seen = new HashMap<>(); // orderId -> {kind, quantity, decision}
    }

    private final Map<String, Holding> holdings = new HashMap<>();
    private final String modeOverride;

    ReferenceModel(String modeOverride) {
        this.modeOverride = modeOverride;
    }

    Output run(List<String> lines) {
        List<ObjectNode> decisions = new ArrayList<>();
        List<Integer> rejected = new ArrayList<>();
        int unreadable = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.trim().isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (Exception e) {
                unreadable++;
                continue;
            }
            if (node == null || !node.isObject()) {
                unreadable++;
                continue;
            }
            JsonNode type = node.get("type");
            if (type != null && type.isTextual() && type.asText().equals("agreement")) {
                if (!agreement(node)) {
                    rejected.add(i + 1);
                }
            } else if (type != null && type.isTextual() && type.asText().equals("order")) {
                decisions.add(order(node));
            } else {
                unreadable++;
            }
        }
        return new Output(decisions, rejected, unreadable);
    }

    // ---- section 1

    private static boolean validId(JsonNode v) {
        if (v == null || !v.isTextual()) {
            return false;
        }
        String s = v.asText();
        int n = s.codePointCount(0, s.length());
        return n >= 1 && n <= 256 && !s.contains("/");
    }

    private static Long integer(JsonNode node, String field, long fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            return null;
        }
        return v.asLong();
    }

    private static Long instantMs(JsonNode v) {
        if (v == null || !v.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.asText()).toInstant().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    /** Applies an agreement line; false when it is invalid or would move a sold holding's calendar. */
    private boolean agreement(JsonNode node) {
        if (!validId(node.get("investorId")) || !validId(node.get("securityId"))) {
            return false;
        }
        JsonNode execNode = node.get("executionDate");
        if (execNode == null || !execNode.isTextual()) {
            return false;
        }
        LocalDate exec;
        try {
            exec = LocalDate.parse(execNode.asText());
        } catch (DateTimeException e) {
            return false;
        }
        if (exec.getYear() < 1970 || exec.getYear() > 9999) {
            return false;
        }
        JsonNode zoneNode = node.get("timeZone");
        String zone = "America/New_York";
        if (zoneNode != null && !zoneNode.isNull()) {
            if (!zoneNode.isTextual()) {
                return false;
            }
            zone = zoneNode.asText();
        }
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            return false;
        }
        JsonNode modeNode = node.get("trancheMode");
        String mode = "NON_CUMULATIVE";
        if (modeNode != null && !modeNode.isNull()) {
            if (!modeNode.isTextual()) {
                return false;
            }
            mode = modeNode.asText();
        }
        if (!mode.equals("NON_CUMULATIVE") && !mode.equals("CUMULATIVE")) {
            return false;
        }
        if (modeOverride != null) {
            mode = modeOverride;
        }
        Long total = integer(node, "totalShares", 675_675);
        Long lockup = integer(node, "lockupDays", 90);
        Long first = integer(node, "firstReleaseShares", 200_000);
        Long firstDays = integer(node, "firstReleaseDays", 30);
        Long tranche = integer(node, "trancheShares", 158_559);
        Long trancheDays = integer(node, "trancheDays", 30);
        Long rule144 = integer(node, "rule144HoldingMonths", 12);
        if (total == null || lockup == null || first == null || firstDays == null || tranche == null
                || trancheDays == null || rule144 == null) {
            return false;
        }
        Long effective = null;
        JsonNode effNode = node.get("effectiveAt");
        if (effNode != null && !effNode.isNull()) {
            effective = instantMs(effNode);
            if (effective == null || effective < MIN_MS || effective > MAX_MS) {
                return false;
            }
        }
        if (total <= 0 || tranche <= 0 || trancheDays <= 0 || firstDays <= 0) {
            return false;
        }
        if (lockup < 0 || first < 0 || rule144 < 0) {
            return false;
        }
        if (first > total || total > 1_000_000_000_000_000L || tranche > 1_000_000_000_000_000L) {
            return false;
        }
        if (lockup > 36_500 || firstDays > 36_500 || trancheDays > 36_500 || rule144 > 1_200) {
            return false;
        }
        Terms terms = new Terms(zone, exec, total, lockup, first, firstDays, tranche, trancheDays, mode, rule144,
                effective);
        if (terms.date(terms.frd()).isAfter(MAX_DATE) || terms.srd().isAfter(MAX_DATE)
                || exec.plusMonths(rule144).isAfter(MAX_DATE)) {
            return false;
        }
        String key = node.get("investorId").asText() + "\u0000" + node.get("securityId").asText();
        Holding holding = holdings.computeIfAbsent(key, k -> new Holding());
        if (holding.terms != null && holding.sold > 0) {
            Terms was = holding.terms;
            boolean moves = was.frd() != terms.frd() || !was.srd().equals(terms.srd()) || !was.zone.equals(terms.zone)
                    || was.trancheDays != terms.trancheDays || !was.mode.equals(terms.mode);
            if (moves) {
                return false;
            }
        }
        holding.terms = terms;
        return true;
    }

    // ---- sections 3 to 6

    private ObjectNode order(JsonNode node) {
        ObjectNode out = JSON.createObjectNode();
        out.set("orderId", orNull(node.get("orderId")));
        out.set("investorId", orNull(node.get("investorId")));
        out.set("securityId", orNull(node.get("securityId")));
        Long at = instantMs(node.get("at"));
        JsonNode kindNode = node.get("kind");
        String kind = kindNode != null && kindNode.isTextual() ? kindNode.asText() : null;
        boolean kindOk = "PUBLIC_SALE".equals(kind) || "PRIVATE_TRANSFER".equals(kind) || "PURCHASE".equals(kind);
        JsonNode qNode = node.get("quantity");
        boolean qOk = qNode != null && qNode.isIntegralNumber() && qNode.canConvertToLong() && qNode.asLong() > 0;
        if (at == null || at < MIN_MS || at > MAX_MS || !validId(node.get("orderId")) || !validId(node.get("investorId"))
                || !validId(node.get("securityId")) || !kindOk || !qOk) {
            return blocked(out, 0L, "INVALID_ORDER");
        }
        long q = qNode.asLong();
        String orderId = node.get("orderId").asText();
        String key = node.get("investorId").asText() + "\u0000" + node.get("securityId").asText();
        Holding holding = holdings.computeIfAbsent(key, k -> new Holding());
        Object[] prior = holding.seen.get(orderId);
        if (prior != null) {
            if (prior[0].equals(kind) && (long) prior[1] == q) {
                return ((ObjectNode) prior[2]).deepCopy();
            }
            return blocked(out, 0L, "DUPLICATE_ORDER_ID");
        }
        ObjectNode decision = decide(out, holding, kind, q, at);
        holding.seen.put(orderId, new Object[] {kind, q, decision.deepCopy()});
        return decision;
    }

    private ObjectNode decide(ObjectNode out, Holding h, String kind, long q, long at) {
        if (kind.equals("PURCHASE")) {
            out.put("decision", "APPROVED");
            out.putArray("reasons");
            out.putNull("maxAllowedNow");
            return out;
        }
        if (h.terms == null) {
            return blocked(out, 0L, "UNKNOWN_AGREEMENT");
        }
        Terms a = h.terms;
        long t = h.clock == null ? at : Math.max(at, h.clock);
        h.clock = t;
        long w = a.window(t);
        List<String> gates = new ArrayList<>();
        if (w == -2) {
            gates.add("LOCKUP_ACTIVE");
        }
        if (w == -1 && !kind.equals("PUBLIC_SALE")) {
            gates.add("TRANSFER_NOT_PERMITTED");
        }
        if (kind.equals("PUBLIC_SALE") && !a.registered(t)) {
            gates.add("NOT_REGISTERED");
        }
        if (!gates.isEmpty()) {
            return blocked(out, 0L, gates.toArray(String[]::new));
        }
        long trancheLeft = w >= 0 ? Math.max(0, a.tranche - h.trancheUsed.getOrDefault(w, 0L)) : 0;
        long carryLeft = Math.max(0, a.first - h.soldFirst - h.carryUsed);
        long windowCap;
        boolean windowBlocks;
        List<String> reasons = new ArrayList<>();
        if (w == -1) {
            windowCap = a.first - h.sold;
            windowBlocks = q > windowCap;
            if (windowBlocks) {
                reasons.add("FIRST_RELEASE_CAP");
            }
        } else if (a.mode.equals("NON_CUMULATIVE")) {
            windowCap = trancheLeft + carryLeft;
            if (q > windowCap) {
                reasons.add("PERIOD_CAP");
            }
        } else {
            // min(total, first + (k+1) * tranche), computed in BigInteger-free saturating steps
            long schedule;
            if (w + 1 > (a.total - a.first) / a.tranche) {
                schedule = a.total;
            } else {
                schedule = Math.min(a.total, a.first + (w + 1) * a.tranche);
            }
            windowCap = schedule - h.sold;
            if (q > windowCap) {
                reasons.add("PERIOD_CAP");
            }
        }
        if (q > a.total - h.sold) {
            reasons.add("TOTAL_CAP");
        }
        long capacity = Math.max(0, Math.min(windowCap, a.total - h.sold));
        if (!reasons.isEmpty()) {
            return blocked(out, capacity, reasons.toArray(String[]::new));
        }
        h.sold += q;
        if (w == -1) {
            h.soldFirst += q;
        } else if (a.mode.equals("NON_CUMULATIVE")) {
            long fromTranche = Math.min(q, trancheLeft);
            h.trancheUsed.merge(w, fromTranche, Long::sum);
            h.carryUsed += q - fromTranche;
        }
        out.put("decision", "APPROVED");
        out.putArray("reasons");
        out.put("maxAllowedNow", capacity);
        return out;
    }

    private static ObjectNode blocked(ObjectNode out, Long max, String... reasons) {
        out.put("decision", "BLOCKED");
        ArrayNode array = out.putArray("reasons");
        for (String reason : reasons) {
            array.add(reason);
        }
        out.put("maxAllowedNow", max);
        return out;
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }
}
