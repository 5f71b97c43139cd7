package com.lockupguard.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The positions the topology publishes (what {@code replay --positions} writes, and the guard's positions topic)
 * never take a holding back to an earlier window under the same terms: an order or report that comes after the
 * wall clock has passed, and published, a window boundary — in the replay, one back-dated behind a later line; in a
 * running guard, one that waited in a backlog across the boundary — is counted in the holding's position as of
 * that boundary. (Its own position, at its own evaluation time, is in its decision or result.)
 */
class ReplayPositionsProperties {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Property(tries = 100)
    void publishedPositionsNeverGoBackAWindow(@ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int length)
            throws IOException {
        neverBack(new RandomTimelines(seed).timeline(length), seed);
    }

    @Property(tries = 100)
    void publishedPositionsNeverGoBackAWindowOnOrderLifecycles(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 160) int length) throws IOException {
        neverBack(new RandomTimelines(seed).timelineWithExecutions(length), seed);
    }

    private static void neverBack(List<String> timeline, long seed) throws IOException {
        // when
        StringWriter positions = new StringWriter();
        new Replay(null, new PrintWriter(positions)).run(new BufferedReader(new StringReader(String.join("\n", timeline))),
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        // then, holding by holding, while the same terms are in force (a new version may move the calendar)
        Map<String, JsonNode> latest = new HashMap<>();
        for (String line : positions.toString().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode position = JSON.readTree(line);
            JsonNode before = latest.put(position.get("investorId").asText() + "/" + position.get("securityId").asText(),
                    position);
            if (before != null && before.get("termsHash").equals(position.get("termsHash"))) {
                assertThat(window(position)).as("%s after %s; seed %d, timeline:%n%s", position, before, seed,
                        String.join("\n", timeline)).isGreaterThanOrEqualTo(window(before));
            }
        }
    }

    /** The window as a number that grows with time: lock-up, first window, then period 0, 1, 2, ... */
    private static long window(JsonNode position) {
        return switch (position.get("phase").asText()) {
            case "LOCKUP" -> -2;
            case "FIRST" -> -1;
            default -> position.get("period").asLong();
        };
    }
}
