package com.lockupguard.tools.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionDeskTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2025-06-11T13:47:05.250Z");
    private static final Instant WINDOW_END = START.plusSeconds(1);

    @Test
    void shouldTradeAnOrderOnceWhateverTheRetriesOfIt() throws IOException {
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

        // when one desk is handed each order once, the other each order followed by its retry
        List<String> once = reports(timeline, orders, false);
        List<String> retried = reports(timeline, orders, true);

        // then both send the same reports: a retry, answered with its order's first decision, repeated, is not
        // traded again (seen: each retry of an approval planned fills and cancels anew, overfilling the order)
        assertThat(once).isNotEmpty();
        assertThat(retried).isEqualTo(once);
    }

    /** The report lines a desk sends for {@code orders}, each followed by its retry when {@code retry}. */
    private static List<String> reports(SyntheticTimeline timeline, List<String> orders, boolean retry)
            throws IOException {
        List<String> reports = new ArrayList<>();
        try (ExecutionDesk desk = timeline.desk(WINDOW_END)) {
            desk.appended(timeline.agreements(START, WINDOW_END));
            for (String order : orders) {
                Instant at = Instant.parse(JSON.readTree(order).get("at").asText());
                List<String> batch = retry ? List.of(order, timeline.resent(order, at)) : List.of(order);
                desk.batch(at, batch).stream().filter(line -> line.contains("\"execution\"")).forEach(reports::add);
            }
            reports.addAll(desk.rest());
        }
        return reports;
    }
}
