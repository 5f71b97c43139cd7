package com.lockupguard.tools.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * What the market does with one order, as the execution reports a trading system sends for it (RULES.md
 * section 9), in realistic proportions. An approved sale or transfer mostly fills, at once or over several
 * reports, or is cancelled, after a partial fill or none; a few are overfilled, filled after their cancel, or
 * still working when the timeline ends. An approved purchase mostly fills. A blocked order seldom trades anyway.
 * Rarely, a fill names an order the guard never saw or a holding without agreement, a report is sent again
 * (the same id and content), its id is reused with other content, or it is malformed. On a holding whose window
 * ends at {@code windowEnd}, some approvals given before that instant are filled only after it: late, in a
 * later window.
 *
 * <p>Every report comes after its order: due at least 50 ms after the order's time. It is stamped with its due
 * time, except that a few first reports are stamped up to 300 ms <em>before</em> their order's time (a
 * trading system's clock a little behind the guard's), still due after it.
 */
final class ReportPlanner {

    /** A report line, to be appended once {@code due} has come. */
    record Report(Instant due, ObjectNode line) {
    }

    static final String UNLISTED_INVESTOR = "investor-unlisted";
    private static final long MAX_QUANTITY = 1_000_000_000_000_000L;

    private final ObjectMapper json = new ObjectMapper();
    private final Random random;
    private final Instant windowEnd;
    private final Predicate<String> windowEndsFor;
    private long executionIds;
    private long strayOrders;
    /** The latest agreement's time: no report is stamped before it (see {@link #agreementsUpTo}). */
    private Instant agreementsAt = Instant.MIN;

    /**
     * @param windowEnd when the current window of some holdings ends, or null
     * @param windowEndsFor whether an investor's holding is one of them
     */
    ReportPlanner(Random random, Instant windowEnd, Predicate<String> windowEndsFor) {
        this.random = random;
        this.windowEnd = windowEnd;
        this.windowEndsFor = windowEndsFor;
    }

    /**
     * The agreements of the timeline are stamped up to {@code at}: a report whose desk's clock is behind its order's
     * is still stamped after them, or a running guard, which takes a holding's agreements and its reports in
     * timestamp order, could take it before its holding's agreement, where the replay takes it after (the replay warns
     * of such a line).
     */
    void agreementsUpTo(Instant at) {
        if (at.isAfter(agreementsAt)) {
            agreementsAt = at;
        }
    }

    /** The reports for {@code order} (an order line), which the guard answered {@code decision}. */
    List<Report> plan(JsonNode order, Decision decision) {
        Order o = new Order(order.get("orderId").asText(), order.get("investorId").asText(),
                order.get("securityId").asText(), order.get("kind").asText(), order.get("quantity").asLong(),
                Instant.parse(order.get("at").asText()));
        List<Report> reports = new ArrayList<>();
        if (decision.getOutcome() == Outcome.APPROVED) {
            if ("PURCHASE".equals(o.kind)) {
                if (percent(90)) {
                    new Reports(o, reports).fill(o.quantity);
                }
            } else {
                marketed(o, reports);
            }
        } else if (o.quantity > 0 && percent(3)) {
            new Reports(o, reports).fill(o.quantity); // sold although the guard said no: UNAPPROVED_SALE
        }
        if (permille(5)) { // shares sold under an order the guard never saw: UNAPPROVED_SALE
            new Reports(o.stray("unsent-" + ++strayOrders, o.investorId), reports).fill(1 + random.nextInt(2_000));
        }
        if (permille(2)) { // an account without lock-up agreement: UNKNOWN_AGREEMENT
            new Reports(o.stray("unlisted-" + ++strayOrders, UNLISTED_INVESTOR), reports)
                    .fill(1 + random.nextInt(2_000));
        }
        if (permille(8)) {
            reports.add(malformed(o, o.at.plusMillis(50 + random.nextInt(3_000))));
        }
        return reports;
    }

    /** An approved sale or transfer on the market. */
    private void marketed(Order o, List<Report> reports) {
        Reports r = new Reports(o, reports);
        if (windowEnd != null && o.at.isBefore(windowEnd) && windowEndsFor.test(o.investorId) && percent(30)) {
            r.startAt(windowEnd.plusMillis(random.nextInt(2_000))); // filled in the next window: LATE_FILL
        }
        long q = o.quantity;
        int pick = random.nextInt(100);
        if (pick < 50) {
            r.fill(q);
        } else if (pick < 68) {
            for (long part : split(q, 2 + random.nextInt(3))) {
                r.fill(part);
            }
        } else if (pick < 80) {
            if (q > 1) {
                for (long part : split(1 + (long) (random.nextDouble() * (q - 1)), 1 + random.nextInt(2))) {
                    r.fill(part);
                }
            }
            r.cancel();
        } else if (pick < 88) {
            r.cancel();
        } else if (pick < 91) { // more than approved: OVERFILL
            long extra = 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE - 1, Math.max(1, q / 10)));
            if (random.nextBoolean()) {
                r.fill(q + extra);
            } else {
                r.fill(q);
                r.fill(extra);
            }
        } else if (pick < 94) { // a fill that comes after the cancel: LATE_FILL
            long filled = q > 1 ? 1 + (long) (random.nextDouble() * (q - 1)) : 0;
            if (filled > 0) {
                r.fill(filled);
            }
            r.cancel();
            r.fill(1 + (long) (random.nextDouble() * (q - filled)));
        } // else still working when the timeline ends: its reservation stays open
    }

    /** {@code total} in {@code parts} positive parts (fewer when total is smaller). */
    private List<Long> split(long total, int parts) {
        int n = (int) Math.min(parts, total);
        List<Long> result = new ArrayList<>(n);
        long left = total;
        for (int i = n; i > 1; i--) {
            long part = 1 + (long) (random.nextDouble() * (left - i + 1));
            result.add(part);
            left -= part;
        }
        result.add(left);
        return result;
    }

    /** A report the guard must refuse as INVALID, on the order's holding. */
    private Report malformed(Order o, Instant due) {
        ObjectNode line = report(due, nextExecutionId(), o.orderId, o.investorId, o.securityId, "FILL",
                1L + random.nextInt(1_000));
        switch (random.nextInt(10)) {
            case 0 -> line.put("quantity", 0);
            case 1 -> line.put("quantity", -line.get("quantity").asLong());
            case 2 -> line.put("quantity", MAX_QUANTITY + 1);
            case 3 -> line.remove("quantity");
            case 4 -> line.put("quantity", 12.5);
            case 5 -> line.put("kind", "REPLACE");
            case 6 -> line.remove("kind");
            case 7 -> line.remove("executionId");
            case 8 -> line.put("executionId", line.get("executionId").asText() + "/1");
            default -> line.remove("orderId");
        }
        return new Report(due, line);
    }

    private String nextExecutionId() {
        return "x-" + ++executionIds;
    }

    private ObjectNode report(Instant at, String executionId, String orderId, String investorId, String securityId,
            String kind, Long quantity) {
        ObjectNode line = json.createObjectNode();
        line.put("type", "execution");
        line.put("at", at.toString());
        line.put("executionId", executionId);
        line.put("orderId", orderId);
        line.put("investorId", investorId);
        line.put("securityId", securityId);
        line.put("kind", kind);
        if (quantity != null) {
            line.put("quantity", quantity);
        }
        return line;
    }

    private boolean percent(int p) {
        return random.nextInt(100) < p;
    }

    private boolean permille(int p) {
        return random.nextInt(1_000) < p;
    }

    /** The order line's fields. */
    private record Order(String orderId, String investorId, String securityId, String kind, long quantity,
            Instant at) {
        Order stray(String otherOrderId, String otherInvestorId) {
            return new Order(otherOrderId, otherInvestorId, securityId, kind, quantity, at);
        }
    }

    /** One order's reports, one after the other; each may be sent again, or its id reused. */
    private final class Reports {
        private final Order order;
        private final List<Report> out;
        private Instant next;
        private boolean first = true;
        private boolean late;

        Reports(Order order, List<Report> out) {
            this.order = order;
            this.out = out;
            this.next = order.at.plusMillis(50 + random.nextInt(3_000));
        }

        /** The first report comes only at {@code at}. */
        void startAt(Instant at) {
            next = at;
            late = true;
        }

        void fill(long quantity) {
            add("FILL", quantity);
        }

        void cancel() {
            add("CANCEL", null);
        }

        private void add(String kind, Long quantity) {
            Instant stamp = next;
            if (first && !late && percent(2)) {
                stamp = order.at.minusMillis(1 + random.nextInt(300)); // the desk's clock a little behind
                if (!stamp.isAfter(agreementsAt)) {
                    stamp = agreementsAt.plusMillis(1); // but not behind the agreements
                }
            }
            ObjectNode line = report(stamp, nextExecutionId(), order.orderId, order.investorId, order.securityId,
                    kind, quantity);
            out.add(new Report(next, line));
            if (percent(3)) { // sent again, as it was: DUPLICATE
                out.add(new Report(next.plusMillis(10 + random.nextInt(1_000)), line.deepCopy()));
            } else if (permille(6)) { // the id again, with other content: DUPLICATE_EXECUTION_ID
                ObjectNode conflict = line.deepCopy();
                if (quantity == null) {
                    conflict.put("kind", "FILL");
                    conflict.put("quantity", 1);
                } else {
                    conflict.put("quantity", quantity + 1);
                }
                out.add(new Report(next.plusMillis(10 + random.nextInt(1_000)), conflict));
            }
            first = false;
            next = next.plusMillis(20 + random.nextInt(1_500));
        }
    }
}
