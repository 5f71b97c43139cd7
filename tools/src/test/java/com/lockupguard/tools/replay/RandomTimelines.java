package com.lockupguard.tools.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random and adversarial replay timelines: several holdings, small share counts so that every
 * cap is hit, retries and reused ids, back-dated orders, agreement versions (valid, invalid and
 * calendar-moving), and fields of the wrong type, out of range or missing; and, with
 * {@link #timelineWithExecutions(int)}, execution reports (RULES.md section 9).
 */
final class RandomTimelines {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ZONES = {"America/New_York", "UTC", "Asia/Tokyo", "America/St_Johns",
        "Australia/Lord_Howe", "Europe/London", "-05:00"};
    private static final String[] OFFSETS = {"-05:00", "Z", "+09:00", "-04:00", "+05:30"};

    private final Random random;
    private long clockMinutes;
    private int nextOrderId;
    private int nextExecutionId;
    /** For {@link #timelineWithExecutions}: the order lines written so far that carry a text orderId. */
    private final List<ObjectNode> orders = new ArrayList<>();
    /** For {@link #timelineWithExecutions}: the execution report lines written so far. */
    private final List<ObjectNode> executions = new ArrayList<>();

    RandomTimelines(long seed) {
        this.random = new Random(seed);
    }

    List<String> timeline(int length) {
        List<String> lines = new ArrayList<>(length);
        clockMinutes = 0;
        nextOrderId = 0;
        lines.add(agreement(true));
        for (int i = 1; i < length; i++) {
            clockMinutes += random.nextInt(6 * 24 * 60);
            int pick = random.nextInt(100);
            if (pick < 74) {
                lines.add(order());
            } else if (pick < 90) {
                lines.add(agreement(random.nextInt(4) != 0));
            } else if (pick < 94) {
                lines.add(oneOf("", "   ", "not json", "[1,2]", "{\"type\":\"cancel\"}", "{}", "42", "{\"type\":5}"));
            } else {
                lines.add(retryOf(lines));
            }
        }
        return lines;
    }

    /**
     * A timeline of agreements, orders and execution reports (RULES.md section 9): fills, partial fills, overfills,
     * cancels, late fills (the clock jumps across windows between an approval and its fills), fills of unknown, blocked
     * and purchase orders, retried and conflicting reports, invalid ones, reports on holdings without agreement,
     * cancels with odd quantities, back-dated reports. Reports mostly target the latest orders, so that fills meet
     * open reservations. {@link #timeline(int)} is a separate method, so its output for a seed does not change.
     */
    List<String> timelineWithExecutions(int length) {
        List<String> lines = new ArrayList<>(length);
        clockMinutes = random.nextInt(120 * 24 * 60); // often near FRD, where approvals begin
        startWithNoIds();
        // both holdings of holding() start with an agreement, so that most reports reach step 4
        lines.add(agreementFor("i0"));
        for (int i = 1; i < length; i++) {
            if (i == 1) {
                lines.add(agreementFor("i1"));
                continue;
            }
            // mostly hours, so that fills meet their approval's window; sometimes weeks, so that they miss it
            clockMinutes += random.nextInt(5) == 0 ? random.nextInt(20 * 24 * 60) : random.nextInt(24 * 60);
            int pick = random.nextInt(100);
            if (pick < 33) {
                lines.add(remembered(smallerOrder(order())));
            } else if (pick < 75) {
                lines.add(execution());
            } else if (pick < 83) {
                lines.add(agreement(random.nextInt(4) != 0));
            } else if (pick < 85) {
                lines.add(oneOf("", "not json", "{\"type\":\"executions\"}", "{\"type\":null}"));
            } else if (pick < 89) {
                lines.add(remembered(retryOf(lines)));
            } else if (pick < 95) {
                lines.add(executionRetry(false));
            } else {
                lines.add(executionRetry(true));
            }
        }
        return lines;
    }

    /**
     * Orders and reports around a clock that falls back across midnight: America/St_Johns and America/Goose_Bay on
     * 2003-10-26 at 00:01, back to 23:01 on the 25th. With one- and two-day periods that change at that midnight,
     * an evaluation in the minute after it is in the later period, and one in the repeated hour after that in the
     * earlier period again (RULES.md section 2, the max in PERIOD k), whose tranche is what was left of it. The
     * clock mostly moves by minutes, and often jumps to the minute before the fall-back.
     */
    List<String> timelineAcrossAFallBackAtMidnight(int length) {
        List<String> lines = new ArrayList<>(length);
        String zone = oneOf("America/St_Johns", "America/Goose_Bay");
        Instant fallBack = ZoneId.of(zone).getRules().nextTransition(Instant.parse("2003-10-20T00:00:00Z")).getInstant();
        long fallBackMinutes = Duration.between(Instant.parse("2003-01-01T00:00:00Z"), fallBack).toMinutes();
        clockMinutes = fallBackMinutes - 1 - random.nextInt(6 * 60);
        startWithNoIds();
        for (int i = 0; i < length; i++) {
            if (i < 2) {
                lines.add(fallBackAgreement("i" + i, zone));
                continue;
            }
            if (clockMinutes < fallBackMinutes - 1 && random.nextInt(5) == 0) {
                clockMinutes = fallBackMinutes - 1; // 00:00 on the 26th, the minute before the clock falls back
            } else {
                clockMinutes += random.nextInt(6) == 0 ? random.nextInt(90) : random.nextInt(4);
            }
            int pick = random.nextInt(100);
            if (pick < 45) {
                lines.add(remembered(smallerOrder(order())));
            } else if (pick < 85) {
                lines.add(execution());
            } else if (pick < 92) {
                lines.add(remembered(retryOf(lines)));
            } else {
                lines.add(executionRetry(random.nextBoolean()));
            }
        }
        return lines;
    }

    /**
     * Sales over the short periods of one calendar, each then cancelled, so that nothing stays used since FRD; then a
     * version that moves the calendar (RULES.md section 1 lets it while nothing is used), which numbers the periods
     * afresh, often back below the periods the first sales were in; then sales under the new calendar.
     */
    List<String> timelineWithACalendarMove(int length) {
        List<String> lines = new ArrayList<>(length);
        clockMinutes = (LocalDate.parse("2003-03-10").toEpochDay() - LocalDate.parse("2003-01-01").toEpochDay()) * 24 * 60;
        startWithNoIds();
        long trancheShares = 5 + random.nextInt(40);
        lines.add(calendarAgreement("i0", 1 + random.nextInt(2), trancheShares));
        lines.add(calendarAgreement("i1", 1 + random.nextInt(2), trancheShares));
        int sales = Math.max(1, (length - 4) / 3);
        for (int i = 0; i < sales; i++) {
            clockMinutes += random.nextInt(36 * 60); // across several one- or two-day periods
            lines.add(remembered(smallerOrder(order())));
        }
        for (ObjectNode order : orders) {
            ObjectNode cancel = JSON.createObjectNode();
            cancel.put("type", "execution");
            cancel.put("at", instant(clockMinutes));
            cancel.put("executionId", "x" + nextExecutionId++);
            cancel.set("orderId", order.get("orderId"));
            cancel.set("investorId", order.get("investorId"));
            cancel.set("securityId", order.get("securityId"));
            cancel.put("kind", "CANCEL");
            lines.add(cancel.toString());
        }
        clockMinutes += random.nextInt(60);
        lines.add(calendarAgreement("i0", 10 + random.nextInt(30), trancheShares));
        lines.add(calendarAgreement("i1", 10 + random.nextInt(30), trancheShares));
        while (lines.size() < length) {
            clockMinutes += random.nextInt(6 * 60);
            lines.add(random.nextInt(4) == 0 ? execution() : remembered(smallerOrder(order())));
        }
        return lines;
    }

    /** An agreement of periods of {@code trancheDays}, registered from the start, with no First Release Shares. */
    private String calendarAgreement(String investorId, long trancheDays, long trancheShares) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "agreement");
        node.put("at", instant(clockMinutes));
        node.put("investorId", investorId);
        node.put("securityId", "S");
        node.put("executionDate", "2003-03-01");
        node.put("timeZone", "America/New_York");
        node.put("totalShares", 100_000);
        node.put("firstReleaseShares", 0);
        node.put("trancheShares", trancheShares);
        node.put("lockupDays", 0);
        node.put("firstReleaseDays", 1);
        node.put("trancheDays", trancheDays);
        node.put("rule144HoldingMonths", 0);
        return node.toString();
    }

    /** An agreement whose Second Release Date is two, one or no days before the fall-back's date, in small numbers. */
    private String fallBackAgreement(String investorId, String zone) {
        long lockupDays = random.nextInt(3);
        long firstReleaseDays = 1 + random.nextInt(2);
        LocalDate secondRelease = LocalDate.parse("2003-10-26").minusDays(random.nextInt(3));
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "agreement");
        node.put("investorId", investorId);
        node.put("securityId", "S");
        node.put("executionDate", secondRelease.minusDays(firstReleaseDays + lockupDays).toString());
        node.put("timeZone", zone);
        node.put("totalShares", 1_000 + random.nextInt(4_000));
        node.put("firstReleaseShares", random.nextInt(60));
        node.put("trancheShares", 5 + random.nextInt(40));
        node.put("lockupDays", lockupDays);
        node.put("firstReleaseDays", firstReleaseDays);
        node.put("trancheDays", 1 + random.nextInt(2));
        node.put("trancheMode", random.nextInt(5) == 0 ? "CUMULATIVE" : "NON_CUMULATIVE");
        node.put("rule144HoldingMonths", random.nextBoolean() ? 0 : 12); // public sales registered, or only transfers
        return node.toString();
    }

    /** A timeline with reports starts with no order or execution ids used and none remembered. */
    private void startWithNoIds() {
        nextOrderId = 0;
        nextExecutionId = 0;
        orders.clear();
        executions.clear();
    }

    private String agreementFor(String investorId) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(agreement(true));
            node.put("investorId", investorId);
            node.put("securityId", "S");
            if (random.nextBoolean()) {
                // registered from the start (or from FRD), so that public sales get approved
                node.put("rule144HoldingMonths", 0);
            }
            if (random.nextBoolean()) {
                node.put("totalShares", 1_000 + random.nextInt(4_000)); // room left after stray fills
            }
            long total = node.path("totalShares").isIntegralNumber() ? node.get("totalShares").asLong() : 675_675;
            if (!node.path("firstReleaseShares").isIntegralNumber() || node.get("firstReleaseShares").asLong() > total) {
                node.put("firstReleaseShares", random.nextInt((int) Math.min(total, 1_000) + 1)); // valid: applied
            }
            return node.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Half the orders sized well inside the windows, so that many are approved and open reservations. */
    private String smallerOrder(String orderLine) {
        if (random.nextBoolean()) {
            return orderLine;
        }
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(orderLine);
            if (node.path("quantity").isInt() && node.get("quantity").asInt() > 0) {
                node.put("quantity", 1 + random.nextInt(30));
            }
            return node.toString();
        } catch (Exception e) {
            return orderLine;
        }
    }

    private String remembered(String orderLine) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(orderLine);
            if (node.path("orderId").isTextual()) {
                orders.add(node);
            }
        } catch (Exception e) {
            // not an order line: nothing to remember
        }
        return orderLine;
    }

    /** An execution report, most often for one of the latest orders. */
    private String execution() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "execution");
        reportAt(node);
        int idPick = random.nextInt(100);
        if (idPick < 95) {
            node.put("executionId", "x" + nextExecutionId++);
        } else if (idPick < 97) {
            node.put("executionId", oneOf("x/1", "", "x".repeat(257)));
        } else if (idPick < 98) {
            node.put("executionId", 7);
        } // else: missing
        ObjectNode order = orders.isEmpty() || random.nextInt(100) < 10 ? null
                : orders.get(orders.size() - 1 - Math.min(orders.size() - 1, (int) Math.abs(random.nextGaussian() * 2)));
        int targetPick = random.nextInt(100);
        if (order != null) {
            node.set("orderId", order.get("orderId"));
            node.set("investorId", order.get("investorId"));
            node.set("securityId", order.get("securityId"));
        } else {
            node.put("orderId", "u" + random.nextInt(1 + nextOrderId)); // unknown, or an order of another holding
            holding(node, 96);
        }
        if (targetPick < 4) {
            node.put("investorId", "nobody"); // a holding without agreement
            node.put("securityId", "S");
        } else if (targetPick < 6) {
            node.put("orderId", oneOf("a/b", ""));
        } else if (targetPick < 7) {
            node.remove("orderId");
        }
        int kindPick = random.nextInt(100);
        String kind = kindPick < 70 ? "FILL" : kindPick < 97 ? "CANCEL" : null;
        if (kind != null) {
            node.put("kind", kind);
        } else if (kindPick < 98) {
            node.put("kind", oneOf("BUST", "fill", "PARTIAL_FILL"));
        } else if (kindPick < 99) {
            node.put("kind", 1);
        } // else: missing
        long ordered = order != null && order.path("quantity").canConvertToLong() ? order.get("quantity").asLong() : 0;
        if ("CANCEL".equals(kind)) {
            cancelQuantity(node, ordered);
        } else {
            fillQuantity(node, ordered);
        }
        executions.add(node);
        return node.toString();
    }

    /** A FILL's quantity: the whole order, a part of it, more than it, any, or invalid. */
    private void fillQuantity(ObjectNode node, long ordered) {
        int pick = random.nextInt(100);
        boolean sized = ordered > 0 && ordered <= 1_000_000_000_000_000L;
        if (pick < 30 && sized) {
            node.put("quantity", ordered);
        } else if (pick < 55 && sized) {
            node.put("quantity", 1 + (ordered > 1 ? random.nextLong(ordered - 1) : 0)); // partial
        } else if (pick < 72 && sized) {
            node.put("quantity", Math.min(1_000_000_000_000_000L,
                    ordered + 1 + random.nextInt(random.nextBoolean() ? 40 : 2_000))); // overfill
        } else if (pick < 90) {
            // rarely the largest valid fill: it exhausts the holding for the rest of the timeline
            node.put("quantity", random.nextInt(40) == 0 ? 1_000_000_000_000_000L
                    : 1 + random.nextInt(random.nextInt(4) != 0 ? 60 : 400));
        } else {
            switch (random.nextInt(8)) {
                case 0 -> node.put("quantity", 0);
                case 1 -> node.put("quantity", -3);
                case 2 -> node.put("quantity", 1_000_000_000_000_001L);
                case 3 -> node.put("quantity", 5.5);
                case 4 -> node.put("quantity", "5");
                case 5 -> node.put("quantity", Long.MAX_VALUE);
                case 6 -> node.putNull("quantity");
                default -> {
                    // missing
                }
            }
        }
    }

    /** A CANCEL's quantity is ignored: left out, the order's, or odd. */
    private void cancelQuantity(ObjectNode node, long ordered) {
        int pick = random.nextInt(100);
        if (pick < 50) {
            return;
        }
        if (pick < 70) {
            node.put("quantity", ordered);
        } else {
            switch (random.nextInt(5)) {
                case 0 -> node.put("quantity", -1);
                case 1 -> node.put("quantity", 0);
                case 2 -> node.put("quantity", "all");
                case 3 -> node.put("quantity", 2.5);
                default -> node.putNull("quantity");
            }
        }
    }

    /** A report's event time: the clock, a local midnight, back-dated, or bad/missing. */
    private void reportAt(ObjectNode node) {
        int atPick = random.nextInt(100);
        if (atPick < 8) {
            node.put("at", localMidnight(clockMinutes));
        } else if (atPick < 88) {
            node.put("at", instant(clockMinutes));
        } else if (atPick < 95) {
            node.put("at", instant(Math.max(0, clockMinutes - random.nextInt(40 * 24 * 60)))); // back-dated
        } else if (atPick < 96) {
            node.put("at", "2003-07-11T09:45:00"); // no offset
        } else if (atPick < 97) {
            node.put("at", "later");
        } else if (atPick < 98) {
            node.put("at", 1_057_931_100_000L);
        } else if (atPick < 99) {
            node.put("at", "1969-12-31T23:00:00Z");
        } // else: missing
    }

    /** An earlier report again: a transport retry (same content, new time) or a conflicting reuse of its id. */
    private String executionRetry(boolean conflicting) {
        if (executions.isEmpty()) {
            return execution();
        }
        ObjectNode node = executions.get(executions.size() - 1 - random.nextInt(Math.min(executions.size(), 8)))
                .deepCopy();
        if (random.nextBoolean()) {
            node.put("at", instant(clockMinutes));
        }
        if (conflicting) {
            switch (random.nextInt(3)) {
                case 0 -> node.put("kind", "FILL".equals(node.path("kind").asText(null)) ? "CANCEL" : "FILL");
                case 1 -> node.put("orderId", "o" + random.nextInt(1 + nextOrderId));
                default -> node.put("quantity", node.path("quantity").asLong() + 1 + random.nextInt(9));
            }
            if (!node.has("quantity") || !node.get("quantity").isIntegralNumber()) {
                node.put("quantity", 1 + random.nextInt(60));
            }
        }
        executions.add(node);
        return node.toString();
    }

    private String retryOf(List<String> lines) {
        String previous = lines.get(random.nextInt(lines.size()));
        if (!previous.contains("\"order\"")) {
            return order();
        }
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(previous);
            node.put("at", instant(clockMinutes));
            return node.toString();
        } catch (Exception e) {
            return order();
        }
    }

    private String order() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "order");
        int atPick = random.nextInt(100);
        if (atPick < 10) {
            node.put("at", localMidnight(clockMinutes));
        } else if (atPick < 95) {
            long minutes = random.nextInt(8) == 0 ? clockMinutes - random.nextInt(40 * 24 * 60) : clockMinutes;
            node.put("at", instant(Math.max(0, minutes)));
        } else if (atPick < 96) {
            node.put("at", "2003-07-11T09:45:00"); // no offset
        } else if (atPick < 97) {
            node.put("at", "soon");
        } else if (atPick < 98) {
            node.put("at", 1_057_931_100_000L); // a number, not a string
        } else if (atPick < 99) {
            node.put("at", "1969-12-31T23:00:00Z");
        } // else: missing
        int idPick = random.nextInt(100);
        if (idPick < 88) {
            node.put("orderId", "o" + nextOrderId++);
        } else if (idPick < 97) {
            node.put("orderId", "o" + random.nextInt(nextOrderId + 1)); // a reused id
        } else if (idPick < 98) {
            node.put("orderId", oneOf("a/b", "", "x".repeat(257)));
        } else if (idPick < 99) {
            node.put("orderId", 7);
        }
        holding(node, 98);
        int kindPick = random.nextInt(100);
        if (kindPick < 60) {
            node.put("kind", "PUBLIC_SALE");
        } else if (kindPick < 87) {
            node.put("kind", "PRIVATE_TRANSFER");
        } else if (kindPick < 97) {
            node.put("kind", "PURCHASE");
        } else if (kindPick < 98) {
            node.put("kind", "SHORT_SALE");
        } else if (kindPick < 99) {
            node.put("kind", 1);
        }
        int quantityPick = random.nextInt(100);
        if (quantityPick < 90) {
            node.put("quantity", 1 + random.nextInt(random.nextBoolean() ? 60 : 400));
        } else if (quantityPick < 93) {
            node.put("quantity", Long.MAX_VALUE);
        } else if (quantityPick < 94) {
            node.put("quantity", new java.math.BigInteger("9223372036854775808"));
        } else if (quantityPick < 95) {
            node.put("quantity", 0);
        } else if (quantityPick < 96) {
            node.put("quantity", -3);
        } else if (quantityPick < 97) {
            node.put("quantity", 5.0);
        } else if (quantityPick < 98) {
            node.put("quantity", "5");
        } else if (quantityPick < 99) {
            node.put("quantity", true);
        }
        return node.toString();
    }

    private void holding(ObjectNode node, int validPercent) {
        if (random.nextInt(100) < validPercent) {
            node.put("investorId", "i" + random.nextInt(2));
            node.put("securityId", "S");
        } else {
            switch (random.nextInt(4)) {
                case 0 -> node.put("investorId", "i/0");
                case 1 -> node.put("investorId", 3);
                case 2 -> node.put("securityId", "");
                default -> {
                    node.put("investorId", "i0");
                    // securityId missing
                }
            }
        }
    }

    private String agreement(boolean plausible) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "agreement");
        if (random.nextBoolean()) {
            node.put("at", instant(clockMinutes));
        }
        holding(node, plausible ? 100 : 90);
        LocalDate execution = LocalDate.parse("2003-01-01").plusDays(random.nextInt(60));
        if (plausible || random.nextInt(10) != 0) {
            node.put("executionDate", execution.toString());
        } else {
            node.put("executionDate", oneOf("2003-02-30", "01/02/2003", "1969-12-31"));
        }
        long total = 1 + random.nextInt(1_000);
        optionalNumber(node, "totalShares", total, plausible);
        optionalNumber(node, "firstReleaseShares", random.nextInt((int) total + 1), plausible);
        optionalNumber(node, "trancheShares", 1 + random.nextInt(400), plausible);
        optionalNumber(node, "lockupDays", random.nextInt(90), plausible);
        optionalNumber(node, "firstReleaseDays", 1 + random.nextInt(40), plausible);
        optionalNumber(node, "trancheDays", 1 + random.nextInt(40), plausible);
        optionalNumber(node, "rule144HoldingMonths", random.nextInt(15), plausible);
        if (random.nextInt(3) != 0) {
            node.put("timeZone", plausible || random.nextInt(5) != 0 ? oneOf(ZONES) : "Mars/Base");
        }
        if (random.nextInt(3) != 0) {
            node.put("trancheMode", plausible || random.nextInt(5) != 0
                    ? oneOf("NON_CUMULATIVE", "CUMULATIVE") : "ROLLING");
        }
        int effectivePick = random.nextInt(100);
        if (effectivePick < 40) {
            long minutes = random.nextInt(200 * 24 * 60) + (execution.toEpochDay() - 12_053) * 24 * 60;
            node.put("effectiveAt", instant(Math.max(0, minutes)));
        } else if (effectivePick < 50) {
            node.putNull("effectiveAt");
        } else if (effectivePick < 52 && !plausible) {
            node.put("effectiveAt", "2003-07-10");
        }
        return node.toString();
    }

    private void optionalNumber(ObjectNode node, String field, long value, boolean plausible) {
        int pick = random.nextInt(100);
        if (pick < 30) {
            return; // left out: the letter's value
        }
        if (pick < 33) {
            node.putNull(field);
        } else if (plausible || pick < 85) {
            node.put(field, value);
        } else {
            switch (random.nextInt(6)) {
                case 0 -> node.put(field, 0);
                case 1 -> node.put(field, -1);
                case 2 -> node.put(field, value + 0.5);
                case 3 -> node.put(field, Long.toString(value));
                case 4 -> node.put(field, 36_501);
                default -> node.put(field, 1_000_000_000_000_001L);
            }
        }
    }

    /** Minutes after 2003-01-01T00:00Z, written with a random offset. */
    private String instant(long minutes) {
        Instant instant = Instant.parse("2003-01-01T00:00:00Z").plusSeconds(minutes * 60);
        String offset = oneOf(OFFSETS);
        ZoneOffset zoneOffset = offset.equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(offset);
        return instant.atOffset(zoneOffset).toString();
    }

    /** The start of the clock's local day in one of the zones, or the millisecond before it: window edges. */
    private String localMidnight(long minutes) {
        ZoneId zone = ZoneId.of(oneOf(ZONES));
        Instant instant = Instant.parse("2003-01-01T00:00:00Z").plusSeconds(minutes * 60);
        Instant midnight = instant.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        if (random.nextBoolean()) {
            midnight = midnight.minusMillis(1);
        }
        return midnight.atZone(zone).toOffsetDateTime().toString();
    }

    @SafeVarargs
    private <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }
}
