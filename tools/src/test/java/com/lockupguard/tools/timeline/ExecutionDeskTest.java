package com.lockupguard.tools.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class ExecutionDeskTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2025-06-11T13:47:05.250Z");
    private static final Instant WINDOW_END = START.plusSeconds(1);

    @Test
    void shouldTradeAnOrderIdOnceWhateverTheRetriesAndReusesOfIt() throws IOException {
        // given 200 valid orders (an invalid one is not remembered, so its retry is a new order), and two desks on
        // the same seed
        SyntheticTimeline timeline = new SyntheticTimeline(42, 5);
        List<String> orders = new ArrayList<>();
        for (int n = 0; orders.size() < 200; n++) {
            String order = timeline.order(n, START.plusMillis(10L * n + 10));
            if (JSON.readTree(order).get("quantity").asLong() > 0) {
                orders.add(order);
            }
        }

        // when one desk is handed each order once, another each order followed by its retry, a third each order
        // followed by a reuse of its id with one share more
        List<String> once = reports(timeline, orders, (order, at) -> List.of(order));
        List<String> retried = reports(timeline, orders, (order, at) -> List.of(order, timeline.resent(order, at)));
        List<String> reused = reports(timeline, orders, (order, at) -> List.of(order, timeline.reused(order, at)));

        // then all three send the same reports: a retry, answered with its order's first decision, repeated, is not
        // traded again (seen: each retry of an approval planned fills and cancels anew, overfilling the order), nor
        // is a reuse, blocked DUPLICATE_ORDER_ID (seen: its fills landed on the first order's reservation)
        assertThat(once).isNotEmpty();
        assertThat(retried).isEqualTo(once);
        assertThat(reused).isEqualTo(once);
    }

    /** The report lines a desk sends for {@code orders}, each handed to it as {@code sent} has it sent. */
    private static List<String> reports(SyntheticTimeline timeline, List<String> orders,
            BiFunction<String, Instant, List<String>> sent) throws IOException {
        List<String> reports = new ArrayList<>();
        try (ExecutionDesk desk = timeline.desk(WINDOW_END)) {
            desk.appended(timeline.agreements(START, WINDOW_END));
            for (String order : orders) {
                Instant at = Instant.parse(JSON.readTree(order).get("at").asText());
                desk.batch(at, sent.apply(order, at)).stream().filter(line -> line.contains("\"execution\""))
                        .forEach(reports::add);
            }
            reports.addAll(desk.rest());
        }
        return reports;
    }
}
