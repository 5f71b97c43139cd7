package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.tools.timeline.SyntheticTimeline;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResendsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2025-06-11T13:47:05.250Z");
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final SyntheticTimeline timeline = new SyntheticTimeline(42, 50);

    @Test
    void shouldSendAgainOnlyOrdersOfEarlierBatchesFromTheLastTenSeconds() {
        // given a batch of 1,000 orders sent, then 11 seconds later a second batch of 1,000
        Resends resends = new Resends(timeline, 7);
        List<String> resentInFirst = batch(resends, 0, 1_000);
        resends.batchSent(0);
        List<String> resentInSecond = batch(resends, 1_000, 1_000);
        resends.batchSent(11 * SECOND);

        // when a third batch is sent
        List<String> resentInThird = batch(resends, 2_000, 2_000);

        // then nothing was sent again in the first batch, the second sent again from the first only, and the third
        // from the second only: the first is more than ten seconds old
        assertThat(resentInFirst).isEmpty();
        assertThat(resentInSecond).isNotEmpty().allSatisfy(line -> assertThat(number(line)).isBetween(0, 999));
        assertThat(resentInThird).isNotEmpty().allSatisfy(line -> assertThat(number(line)).isBetween(1_000, 1_999));
    }

    @Test
    void shouldRetryTwoOrdersInAHundredAndReuseTheIdOfOneInTwoHundredAtTheTimeOfTheOrderTheyFollow()
            throws IOException {
        // given 100,000 orders in batches of 100 a tenth of a second apart
        Resends resends = new Resends(timeline, 7);
        Map<Integer, String> sent = new HashMap<>();
        long retries = 0;
        long reuses = 0;
        for (int n = 0; n < 100_000; n++) {
            String order = timeline.order(n, AT);
            sent.put(n, order);
            Optional<String> again = resends.after(order, AT.plusSeconds(1));

            // when one is sent again
            if (again.isPresent()) {
                // then it is an order sent before, stamped anew, with its content or one share more
                ObjectNode first = (ObjectNode) JSON.readTree(sent.get(number(again.get())));
                ObjectNode resent = (ObjectNode) JSON.readTree(again.get());
                assertThat(resent.get("at").asText()).isEqualTo(AT.plusSeconds(1).toString());
                long more = resent.get("quantity").asLong() - first.get("quantity").asLong();
                assertThat(more).isBetween(0L, 1L);
                first.put("at", resent.get("at").asText()).set("quantity", resent.get("quantity"));
                assertThat(resent).isEqualTo(first);
                retries += 1 - more;
                reuses += more;
            }
            if (n % 100 == 99) {
                resends.batchSent(n / 100 * SECOND / 10);
            }
        }

        // and about 2% of the orders were retried and 0.5% had their id reused, as counted
        assertThat(retries).isBetween(1_700L, 2_300L).isEqualTo(resends.retries());
        assertThat(reuses).isBetween(400L, 600L).isEqualTo(resends.reuses());
    }

    /** Sends {@code count} orders from {@code from} as a batch; returns the lines sent again among them. */
    private List<String> batch(Resends resends, int from, int count) {
        List<String> again = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            resends.after(timeline.order(n, AT), AT).ifPresent(again::add);
        }
        return again;
    }

    /** The number of the order a line sends: n of {@code o-n}. */
    private static int number(String line) {
        int start = line.indexOf("\"orderId\":\"o-") + "\"orderId\":\"o-".length();
        return Integer.parseInt(line.substring(start, line.indexOf('"', start)));
    }
}
