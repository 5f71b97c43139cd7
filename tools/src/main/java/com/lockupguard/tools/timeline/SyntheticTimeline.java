package com.lockupguard.tools.timeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A reproducible timeline of many holdings for soaks and benchmarks: every agreement first (at
 * {@code start}), then orders with unique ids, one every {@code spacing}. Execution dates lie up
 * to 500 days before {@code start}, so that holdings are in every window (lock-up, first window,
 * periods; registered or not; both tranche modes); quantities make every cap bite.
 */
public final class SyntheticTimeline {

    private final ObjectMapper json = new ObjectMapper();
    private final long seed;
    private final int holdings;

    public SyntheticTimeline(long seed, int holdings) {
        this.seed = seed;
        this.holdings = holdings;
    }

    public static String investor(int holding) {
        return "investor-" + holding;
    }

    /** The agreement lines, one per holding, at {@code at}. */
    public List<String> agreements(Instant at) {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(holdings);
        LocalDate today = at.atZone(ZoneOffset.UTC).toLocalDate();
        for (int h = 0; h < holdings; h++) {
            LocalDate execution = today.minusDays(random.nextInt(500));
            ObjectNode agreement = json.createObjectNode();
            agreement.put("type", "agreement");
            agreement.put("at", at.toString());
            agreement.put("investorId", investor(h));
            agreement.put("securityId", "SEC");
            agreement.put("executionDate", execution.toString());
            agreement.put("timeZone", "America/New_York");
            agreement.put("trancheMode", random.nextBoolean() ? "NON_CUMULATIVE" : "CUMULATIVE");
            if (random.nextBoolean()) {
                agreement.put("effectiveAt", execution.plusDays(20 + random.nextInt(120)).atStartOfDay()
                        .toInstant(ZoneOffset.UTC).toString());
            }
            lines.add(agreement.toString());
        }
        return lines;
    }

    /** Order {@code n} of the timeline, at {@code at}. */
    public String order(long n, Instant at) {
        Random random = new Random(seed * 1_000_003L + n);
        ObjectNode order = json.createObjectNode();
        order.put("type", "order");
        order.put("at", at.toString());
        order.put("orderId", "o-" + n);
        order.put("investorId", investor(random.nextInt(holdings)));
        order.put("securityId", "SEC");
        int kind = random.nextInt(100);
        order.put("kind", kind < 70 ? "PUBLIC_SALE" : kind < 92 ? "PRIVATE_TRANSFER" : "PURCHASE");
        order.put("quantity", random.nextInt(100) < 2 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 5_000 : 60_000));
        return order.toString();
    }

    /** The whole timeline: agreements at {@code start}, then {@code orders} orders {@code spacing} apart. */
    public List<String> lines(Instant start, int orders, Duration spacing) {
        List<String> lines = new ArrayList<>(agreements(start));
        for (int n = 0; n < orders; n++) {
            lines.add(order(n, start.plus(spacing.multipliedBy(n + 1))));
        }
        return lines;
    }
}
