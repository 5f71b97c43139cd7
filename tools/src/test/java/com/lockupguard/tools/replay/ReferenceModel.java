package com.lockupguard.tools.replay;

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
 * Sections 1 to 9: agreements, orders, and execution reports with their reservations and alerts. It remembers
 * every order id, execution id and reservation forever (no retention), as the replay does.
 */
final class ReferenceModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIN_MS = 0;
    private static final long MAX_MS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    private static final LocalDate MAX_DATE = LocalDate.parse("9999-12-31");

    /**
     * {@code decisions}: one line per order line (section 6) and, in input order among them, one result line per
     * execution report line (section 9).
     */
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

    /**
     * Section 9: an approved disposition's reservation. It remembers how the approval consumed (section 5):
     * its kind, its window, and in a non-cumulative period {@code fromTranche} and {@code fromCarry}.
     */
    static final class Reservation {
        final String kind;
        final long window;
        final boolean periodBuckets; // approved in a non-cumulative PERIOD k: trancheUsed(k) and carryUsed
        final long fromTranche;
        final long fromCarry;
        long rest;
        long filledBefore; // what fills and earlier give-backs have taken from it
        String status = "OPEN"; // OPEN | CANCELLED | FILLED

        Reservation(String kind, long window, boolean periodBuckets, long fromTranche, long fromCarry, long quantity) {
            this.kind = kind;
            this.window = window;
            this.periodBuckets = periodBuckets;
            this.fromTranche = fromTranche;
            this.fromCarry = fromCarry;
            this.rest = quantity;
        }
    }

    static final class Holding {
        Terms terms;
        long used; // section 9: usedTotal, the soldTotal of sections 4-6 (shares sold or reserved)
        long usedInLockup; // section 9: what fills evaluated in LOCKUP consumed (never released)
        long soldFirst;
        long carryUsed;
        final Map<Long, Long> trancheUsed = new HashMap<>();
        Long clock;
        final Map<String, Object[]> seen = new HashMap<>(); // orderId -> {kind, quantity, decision}
        final Map<String, Reservation> reservations = new HashMap<>(); // orderId -> its approval's reservation
        final Map<String, Object[]> executions = new HashMap<>(); // executionId -> {kind, orderId, quantity}
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
            } else if (type != null && type.isTextual() && type.asText().equals("execution")) {
                decisions.add(execution(node)); // section 9: one result line per report line, in input order
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

    /** Applies an agreement line; false when it is invalid or would move a used holding's calendar. */
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
        Holding holding = holdings.computeIfAbsent(key(node), k -> new Holding());
        // section 9: the freeze applies once shares have been used at or after FRD, i.e. usedTotal minus what fills
        // evaluated in LOCKUP consumed is above 0.
        // RULES.md ambiguity: "once ... is above 0" is read as a test of the current value, not a latch: when every
        // reservation was released and nothing was sold at or after FRD, the counters hold nothing attributed under
        // the calendar, and it may move again.
        if (holding.terms != null && holding.used - holding.usedInLockup > 0) {
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
        Holding holding = holdings.computeIfAbsent(key(node), k -> new Holding());
        Object[] prior = holding.seen.get(orderId);
        if (prior != null) {
            // section 9: a retried order id gets its first decision again and opens no second reservation
            if (prior[0].equals(kind) && (long) prior[1] == q) {
                return ((ObjectNode) prior[2]).deepCopy();
            }
            return blocked(out, 0L, "DUPLICATE_ORDER_ID");
        }
        ObjectNode decision = decide(out, holding, orderId, kind, q, at);
        holding.seen.put(orderId, new Object[] {kind, q, decision.deepCopy()});
        return decision;
    }

    private ObjectNode decide(ObjectNode out, Holding h, String orderId, String kind, long q, long at) {
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
        List<String> gates = gates(h, kind, t);
        if (!gates.isEmpty()) {
            return withPosition(blocked(out, 0L, gates.toArray(String[]::new)), h, t);
        }
        long windowCap = windowCapacity(h, w);
        List<String> reasons = new ArrayList<>();
        if (q > windowCap) {
            reasons.add(w == -1 ? "FIRST_RELEASE_CAP" : "PERIOD_CAP");
        }
        if (q > a.total - h.used) {
            reasons.add("TOTAL_CAP");
        }
        long capacity = capacity(h, w);
        if (!reasons.isEmpty()) {
            return withPosition(blocked(out, capacity, reasons.toArray(String[]::new)), h, t);
        }
        long fromTranche = consume(h, w, q);
        // section 9: an approved disposition opens a reservation of its quantity, remembering how it consumed
        boolean periodBuckets = w >= 0 && a.mode.equals("NON_CUMULATIVE");
        h.reservations.put(orderId, new Reservation(kind, w, periodBuckets, fromTranche,
                periodBuckets ? q - fromTranche : 0, q));
        out.put("decision", "APPROVED");
        out.putArray("reasons");
        out.put("maxAllowedNow", capacity);
        return withPosition(out, h, t);
    }

    /** Section 6 and section 9's additions: the holding's position at {@code t}, after the decision. */
    private static ObjectNode withPosition(ObjectNode decision, Holding h, long t) {
        Terms a = h.terms;
        long w = a.window(t);
        long reserved = h.reservations.values().stream().filter(r -> r.status.equals("OPEN")).mapToLong(r -> r.rest)
                .sum();
        long contractCapacity = w == -2 ? 0 : capacity(h, w);
        ObjectNode position = decision.putObject("position");
        position.set("investorId", decision.get("investorId"));
        position.set("securityId", decision.get("securityId"));
        position.put("asOf", Instant.ofEpochMilli(t).toString());
        position.put("phase", w == -2 ? "LOCKUP" : w == -1 ? "FIRST" : "PERIOD");
        if (w >= 0) {
            position.put("period", w);
        } else {
            position.putNull("period");
        }
        position.put("registered", a.registered(t));
        position.put("totalShares", a.total);
        position.put("soldToDate", h.used - reserved);
        position.put("reservedNow", reserved);
        position.put("contractCapacity", contractCapacity);
        position.put("releasedToDate", h.used + contractCapacity);
        position.put("availableNow", maxAllowedNow(h, "PUBLIC_SALE", t));
        // the next window start after t, and the capacity then if nothing more is used; none once all is used
        long next = w == -2 ? a.frd() : a.startOfDay(a.srd().plusDays(w == -1 ? 0 : (w + 1) * a.trancheDays));
        if (next <= t) {
            // "after t": the clock fell back across that day's first midnight; its second one is next
            next = a.srd().plusDays((w + 1) * a.trancheDays).atStartOfDay(a.zoneId()).withLaterOffsetAtOverlap()
                    .toInstant().toEpochMilli();
        }
        if (h.used >= a.total) {
            position.putNull("nextReleaseAt");
            position.putNull("availableAtNextRelease");
        } else {
            position.put("nextReleaseAt", Instant.ofEpochMilli(next).toString());
            position.put("availableAtNextRelease", capacity(h, a.window(next)));
        }
        position.put("firstReleaseAt", Instant.ofEpochMilli(a.frd()).toString());
        position.put("secondReleaseAt", Instant.ofEpochMilli(a.startOfDay(a.srd())).toString());
        position.put("rule144Date", a.exec.plusMonths(a.rule144).toString());
        return decision;
    }

    /** Section 4 step 5: the gates that block any quantity of {@code kind} at {@code t}. */
    private static List<String> gates(Holding h, String kind, long t) {
        Terms a = h.terms;
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
        return gates;
    }

    /** Section 4 step 6: the window capacity (may be negative); usedTotal in place of soldTotal (section 9). */
    private static long windowCapacity(Holding h, long w) {
        Terms a = h.terms;
        if (w == -1) {
            return a.first - h.used;
        }
        if (a.mode.equals("NON_CUMULATIVE")) {
            return trancheLeft(h, w) + carryLeft(h);
        }
        // min(total, first + (k+1) * tranche), computed in BigInteger-free saturating steps
        long schedule;
        if (w + 1 > (a.total - a.first) / a.tranche) {
            schedule = a.total;
        } else {
            schedule = Math.min(a.total, a.first + (w + 1) * a.tranche);
        }
        return schedule - h.used;
    }

    /** Section 4: the capacity of step 6, {@code min(window capacity, totalShares - usedTotal)}, never negative. */
    private static long capacity(Holding h, long w) {
        return Math.max(0, Math.min(windowCapacity(h, w), h.terms.total - h.used));
    }

    /** Section 4: the maxAllowedNow an order of {@code kind} would get at {@code t} (0 when a gate holds). */
    private static long maxAllowedNow(Holding h, String kind, long t) {
        return gates(h, kind, t).isEmpty() ? capacity(h, h.terms.window(t)) : 0;
    }

    /** Section 4 step 6: trancheLeft(k), floored at 0. */
    private static long trancheLeft(Holding h, long k) {
        return Math.max(0, h.terms.tranche - h.trancheUsed.getOrDefault(k, 0L));
    }

    /** Section 4 step 6: carryLeft, floored at 0 (section 9: carryUsed may pass the carry). */
    private static long carryLeft(Holding h) {
        return Math.max(0, h.terms.first - h.soldFirst - h.carryUsed);
    }

    /**
     * Section 5 (and section 9's uncovered shares, "as section 5 would consume an approval"): consumes {@code q}
     * in window {@code w}; returns the part taken from the period's tranche (non-cumulative PERIOD k), else 0.
     */
    private static long consume(Holding h, long w, long q) {
        // RULES.md ambiguity: uncovered fills (each <= 10^15) are consumed without any check, so usedTotal has no
        // bound; the rules say no sum may overflow but not what a guard does past 2^63-1. The model throws there.
        h.used = Math.addExact(h.used, q);
        if (w < 0) {
            // FIRST, and for uncovered fills LOCKUP too: shares sold in the lock-up never come back as carry.
            // RULES.md ambiguity: section 5 counts soldInFirstWindow in FIRST whatever the mode, and section 9's
            // "cumulative: usedTotal only" is read as speaking of PERIOD k only, so FIRST/LOCKUP count here in
            // both modes (it matters only if a later agreement version switches the mode).
            h.soldFirst = Math.addExact(h.soldFirst, q);
            return 0;
        }
        if (!h.terms.mode.equals("NON_CUMULATIVE")) {
            return 0;
        }
        // the lapsing tranche first, then the carry
        long fromTranche = Math.min(q, trancheLeft(h, w));
        h.trancheUsed.merge(w, fromTranche, Math::addExact);
        h.carryUsed = Math.addExact(h.carryUsed, q - fromTranche);
        return fromTranche;
    }

    // ---- section 9

    private ObjectNode execution(JsonNode node) {
        ObjectNode out = JSON.createObjectNode();
        out.set("executionId", orNull(node.get("executionId")));
        out.set("orderId", orNull(node.get("orderId")));
        out.set("investorId", orNull(node.get("investorId")));
        out.set("securityId", orNull(node.get("securityId")));
        out.putNull("result");
        out.putNull("covered");
        out.putNull("released");
        out.putNull("alert");
        // step 1: INVALID, no state
        Long at = instantMs(node.get("at"));
        JsonNode kindNode = node.get("kind");
        String kind = kindNode != null && kindNode.isTextual() ? kindNode.asText() : null;
        boolean kindOk = "FILL".equals(kind) || "CANCEL".equals(kind);
        JsonNode qNode = node.get("quantity");
        boolean qOk = "CANCEL".equals(kind) // ignored for CANCEL
                || qNode != null && qNode.isIntegralNumber() && qNode.canConvertToLong() && qNode.asLong() > 0
                        && qNode.asLong() <= 1_000_000_000_000_000L;
        if (at == null || at < MIN_MS || at > MAX_MS || !validId(node.get("executionId"))
                || !validId(node.get("orderId")) || !validId(node.get("investorId"))
                || !validId(node.get("securityId")) || !kindOk || !qOk) {
            return result(out, "INVALID");
        }
        String executionId = node.get("executionId").asText();
        String orderId = node.get("orderId").asText();
        Long q = kind.equals("FILL") ? qNode.asLong() : null;
        Holding h = holdings.computeIfAbsent(key(node), k -> new Holding());
        // step 2: duplicates, per holding and executionId
        Object[] first = h.executions.get(executionId);
        if (first != null) {
            boolean same = first[0].equals(kind) && first[1].equals(orderId) && java.util.Objects.equals(first[2], q);
            return result(out, same ? "DUPLICATE" : "DUPLICATE_EXECUTION_ID");
        }
        // step 3: fail closed; not remembered, so a retry of it is UNKNOWN_AGREEMENT again
        if (h.terms == null) {
            return result(out, "UNKNOWN_AGREEMENT");
        }
        // step 4: APPLIED, remembered, at t = max(at, last evaluation time), which moves the clock
        h.executions.put(executionId, new Object[] {kind, orderId, q});
        long t = h.clock == null ? at : Math.max(at, h.clock);
        h.clock = t;
        result(out, "APPLIED");
        if (kind.equals("CANCEL")) {
            out.put("released", cancel(h, orderId));
        } else {
            fill(out, h, orderId, q, t);
        }
        return out;
    }

    /** Section 9 step 4, CANCEL: releases the order's open reservation in full; returns {@code released}. */
    private static long cancel(Holding h, String orderId) {
        Reservation r = h.reservations.get(orderId);
        if (r == null || !r.status.equals("OPEN")) {
            return 0;
        }
        long rest = r.rest;
        // "Releasing": fills use the tranche part first, so the rest is restCarry carry shares, the others tranche
        long restCarry = Math.min(rest, r.fromCarry);
        giveBack(h, r, rest, restCarry);
        r.rest = 0;
        r.status = "CANCELLED";
        return rest;
    }

    /**
     * Section 9 "Releasing" and the late-fill give-back: returns {@code m} shares, {@code carryPart} of them carry and
     * the others tranche (non-cumulative PERIOD k only), to the approval window's buckets.
     * A release after its window ended helps only through the carry or usedTotal: a lapsed tranche stays lapsed
     * (what goes back to a past period's trancheUsed(k) is no longer offered once the clock has left it).
     */
    private static void giveBack(Holding h, Reservation r, long m, long carryPart) {
        h.used -= m;
        if (r.window == -1) {
            h.soldFirst -= m; // first-window shares released after SRD become carry
        } else if (r.periodBuckets) {
            h.trancheUsed.merge(r.window, -(m - carryPart), Long::sum);
            h.carryUsed -= carryPart;
        } // cumulative PERIOD k: usedTotal only
    }

    /** Section 9 step 4, FILL: coverage, give-back, the uncovered consumption and its alert. */
    private static void fill(ObjectNode out, Holding h, String orderId, long q, long t) {
        Object[] order = h.seen.get(orderId);
        if (order != null && order[0].equals("PURCHASE")) {
            // a remembered PURCHASE was always approved; not a disposition: nothing changes but the clock
            out.put("covered", 0L);
            return;
        }
        long w = h.terms.window(t);
        Reservation r = h.reservations.get(orderId);
        long covered = 0;
        String alertType;
        if (r == null) {
            alertType = "UNAPPROVED_SALE"; // never approved: blocked, or never seen
        } else if (r.status.equals("OPEN") && w <= r.window) {
            // the reservation's window, or an earlier one (a clock falling back across midnight)
            covered = Math.min(q, r.rest);
            take(r, covered);
            alertType = "OVERFILL";
        } else if (r.status.equals("OPEN")) {
            // a later window: the shares it would have covered go back to the approval window, tranche part first
            long m = Math.min(q, r.rest);
            long fromTrancheLeft = Math.max(0, r.fromTranche - r.filledBefore);
            giveBack(h, r, m, m - Math.min(m, fromTrancheLeft));
            take(r, m);
            alertType = "LATE_FILL";
        } else if (r.status.equals("CANCELLED")) {
            alertType = "LATE_FILL";
        } else {
            // RULES.md ambiguity: a reservation FILLED by an earlier late fill's give-back is "FILLED", so a further
            // late fill of it is read literally as OVERFILL (q exceeded its rest of 0), not LATE_FILL.
            alertType = "OVERFILL";
        }
        out.put("covered", covered);
        long u = q - covered;
        if (u > 0) {
            // RULES.md ambiguity: "PUBLIC_SALE when there is no reservation" is read literally, also when the order id
            // was a blocked PRIVATE_TRANSFER (its kind is not the reservation's: there is none).
            String kind = r == null ? "PUBLIC_SALE" : r.kind;
            long allowed = maxAllowedNow(h, kind, t); // after any give-back, before the uncovered shares
            consume(h, w, u); // "without any check"
            if (w == -2) {
                h.usedInLockup += u;
            }
            ObjectNode alert = out.putObject("alert");
            alert.put("type", alertType);
            alert.put("quantity", u);
            alert.put("breachesAgreement", u > allowed);
        }
    }

    /** Section 9: a fill or give-back takes {@code m} from a reservation's rest (status FILLED at 0). */
    private static void take(Reservation r, long m) {
        r.rest -= m;
        r.filledBefore += m;
        if (r.rest == 0) {
            r.status = "FILLED";
        }
    }

    private static ObjectNode result(ObjectNode out, String result) {
        out.put("result", result);
        return out;
    }

    private static String key(JsonNode node) {
        return node.get("investorId").asText() + "\u0000" + node.get("securityId").asText();
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
