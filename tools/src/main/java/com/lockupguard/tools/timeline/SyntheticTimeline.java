package com.lockupguard.tools.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A reproducible timeline of many holdings for soaks and benchmarks: every agreement first (at
 * {@code start}), then orders with unique ids, one every {@code spacing}. Execution dates lie up
 * to 500 days before {@code start}, so that holdings are in every window (lock-up, first window,
 * periods; registered or not; both tranche modes); quantities make every cap bite.
 *
 * <p>With execution reports ({@link #desk}, {@link #linesWithReports}): a trading desk fills and cancels the
 * orders as {@link ReportPlanner} says; and, so that some fills come late in a later window while the timeline
 * runs for seconds only, every tenth holding ({@link #windowEnds}) gets an agreement whose current window ends at
 * a given instant instead ({@link #agreements(Instant, Instant)}). Without them, the timeline is as it always was.
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

    /** Whether {@link #agreements(Instant, Instant)} makes the window of {@code holding} end: every tenth one. */
    public static boolean windowEnds(int holding) {
        return holding % 10 == 0;
    }

    /**
     * The agreement lines, one per holding, at {@code at}: those of {@link #agreements(Instant)}, except that for
     * the holdings of {@link #windowEnds} the window an order is in until {@code windowEnd} (truncated to the
     * second) ends then: the first window or a period, in both tranche modes, and registered.
     */
    public List<String> agreements(Instant at, Instant windowEnd) {
        List<String> lines = agreements(at);
        for (int h = 0; h < holdings; h++) {
            if (windowEnds(h)) {
                lines.set(h, windowEndingAgreement(h, at, windowEnd.truncatedTo(ChronoUnit.SECONDS)));
            }
        }
        return lines;
    }

    /**
     * An agreement whose window changes at {@code end}: its zone is the offset at which {@code end} is midnight,
     * and its calendar puts a period start (or SRD) on that date. With the letter's defaults (90 days of lock-up,
     * 30-day windows), {@code k} = 0, 1, 2 by holding: the first window ends, or period k-1.
     */
    private String windowEndingAgreement(int holding, Instant at, Instant end) {
        long secondOfDay = Math.floorMod(end.getEpochSecond(), 86_400L);
        ZoneOffset zone = ZoneOffset.ofTotalSeconds((int) (secondOfDay <= 64_800 ? -secondOfDay
                : 86_400 - secondOfDay));
        LocalDate boundary = end.atOffset(zone).toLocalDate();
        int k = (holding / 10) % 3;
        LocalDate firstRelease = boundary.minusDays(30L * k + 30);
        ObjectNode agreement = json.createObjectNode();
        agreement.put("type", "agreement");
        agreement.put("at", at.toString());
        agreement.put("investorId", investor(holding));
        agreement.put("securityId", "SEC");
        agreement.put("executionDate", firstRelease.minusDays(90).toString());
        agreement.put("timeZone", zone.getId());
        agreement.put("trancheMode", (holding / 10) % 2 == 0 ? "NON_CUMULATIVE" : "CUMULATIVE");
        agreement.put("effectiveAt", firstRelease.atStartOfDay(zone).toInstant().toString());
        return agreement.toString();
    }

    /**
     * A desk that reports on this timeline's orders (see {@link ExecutionDesk}); the window of the holdings of
     * {@link #windowEnds} ends at {@code windowEnd}, as {@link #agreements(Instant, Instant)} said. Hand it the
     * agreement lines first.
     */
    public ExecutionDesk desk(Instant windowEnd) {
        Set<String> ending = new HashSet<>();
        for (int h = 0; h < holdings; h++) {
            if (windowEnds(h)) {
                ending.add(investor(h));
            }
        }
        return new ExecutionDesk(seed, windowEnd.truncatedTo(ChronoUnit.SECONDS), ending::contains);
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

    /** {@code orderLine} sent again at {@code at}: a client's retry, with the same id, kind and quantity. */
    public String resent(String orderLine, Instant at) {
        return withAt(orderLine, at).toString();
    }

    /**
     * An order at {@code at} that reuses {@code orderLine}'s id with one share more: a client's mistake, blocked
     * DUPLICATE_ORDER_ID when the id's first order was decided (one invalid was not, and this one is then new).
     */
    public String reused(String orderLine, Instant at) {
        ObjectNode order = withAt(orderLine, at);
        order.put("quantity", order.get("quantity").asLong() + 1);
        return order.toString();
    }

    private ObjectNode withAt(String orderLine, Instant at) {
        try {
            ObjectNode order = (ObjectNode) json.readTree(orderLine);
            order.put("at", at.toString());
            return order;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an order line of this timeline: " + orderLine, e);
        }
    }

    /** Takes the lines of a timeline, one at a time, in order. */
    @FunctionalInterface
    public interface LineSink {
        void accept(String line) throws IOException;
    }

    /** The whole timeline: agreements at {@code start}, then {@code orders} orders {@code spacing} apart. */
    public List<String> lines(Instant start, int orders, Duration spacing) {
        List<String> lines = new ArrayList<>();
        writeTo(lines::add, start, orders, spacing, false);
        return lines;
    }

    /**
     * The whole timeline with execution reports: agreements at {@code start} (some windows ending halfway), then
     * {@code orders} orders {@code spacing} apart, each followed in time by its reports, then the reports still
     * planned.
     */
    public List<String> linesWithReports(Instant start, int orders, Duration spacing) {
        List<String> lines = new ArrayList<>();
        writeTo(lines::add, start, orders, spacing, true);
        return lines;
    }

    /**
     * Hands {@code sink} the lines of {@link #lines} or, with {@code reports}, of {@link #linesWithReports}, as each
     * is made: without reports, a timeline of any length in little memory beyond the agreements; with, the desk's
     * guard keeps its state, some 550 bytes an order.
     */
    public void write(LineSink sink, Instant start, long orders, Duration spacing, boolean reports)
            throws IOException {
        if (!reports) {
            for (String agreement : agreements(start)) {
                sink.accept(agreement);
            }
            for (long n = 0; n < orders; n++) {
                sink.accept(order(n, start.plus(spacing.multipliedBy(n + 1))));
            }
            return;
        }
        Instant windowEnd = start.plus(spacing.multipliedBy(orders / 2 + 1));
        List<String> agreements = agreements(start, windowEnd);
        try (ExecutionDesk desk = desk(windowEnd)) {
            desk.appended(agreements);
            for (String agreement : agreements) {
                sink.accept(agreement);
            }
            for (long n = 0; n < orders; n++) {
                Instant at = start.plus(spacing.multipliedBy(n + 1));
                for (String line : desk.batch(at, List.of(order(n, at)))) {
                    sink.accept(line);
                }
            }
            for (String line : desk.rest()) {
                sink.accept(line);
            }
        }
    }

    private void writeTo(Consumer<String> lines, Instant start, int orders, Duration spacing, boolean reports) {
        try {
            write(lines::accept, start, orders, spacing, reports);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a list takes every line
        }
    }
}
