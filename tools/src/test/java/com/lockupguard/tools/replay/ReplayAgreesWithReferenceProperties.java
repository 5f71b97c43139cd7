package com.lockupguard.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.tools.timeline.ExecutionDesk;
import com.lockupguard.tools.timeline.SyntheticTimeline;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The replay, through the real topology and serdes, agrees order by order (decision, reasons in
 * order, maxAllowedNow, and the position after it: its holding, window, registration, counters,
 * capacities and calendar dates, and no other field but the agreement's version and terms hash)
 * with an independent reading of RULES.md, on random and adversarial
 * timelines; and both reject the same agreement lines and skip the same unreadable lines.
 */
class ReplayAgreesWithReferenceProperties {

    private static final Pattern REJECTED = Pattern.compile("^line (\\d+): agreement not applied", Pattern.MULTILINE);
    private static final List<String> COMPARED = List.of("orderId", "investorId", "securityId", "decision", "reasons",
            "maxAllowedNow");
    /** Fields of a decision's position the reference model does not compute. */
    private static final List<String> UNMODELLED_POSITION_FIELDS = List.of("agreementVersion", "termsHash");
    /** A report's result line: exactly these keys (RULES.md section 9). */
    private static final List<String> RESULT_KEYS = List.of("executionId", "orderId", "investorId", "securityId",
            "result", "covered", "released", "alert");

    @Property(tries = 150)
    void replayAgreesWithReferenceModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int length)
            throws IOException {
        agree(seed, length, null);
    }

    @Property(tries = 40)
    void replayAgreesWithReferenceModelUnderModeOverride(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 120) int length) throws IOException {
        agree(seed, length, TrancheMode.CUMULATIVE);
    }

    @Property(tries = 150)
    void replayAgreesWithReferenceModelOnOrderLifecycles(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 160) int length) throws IOException {
        agree(new RandomTimelines(seed).timelineWithExecutions(length), seed, null);
    }

    @Property(tries = 40)
    void replayAgreesWithReferenceModelOnOrderLifecyclesUnderModeOverride(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 160) int length) throws IOException {
        agree(new RandomTimelines(seed).timelineWithExecutions(length), seed, TrancheMode.CUMULATIVE);
    }

    @Property(tries = 60)
    void replayAgreesWithReferenceModelWhereTheLocalDateRunsBackwards(@ForAll long seed,
            @ForAll @IntRange(min = 2, max = 120) int length) throws IOException {
        agree(new RandomTimelines(seed).timelineAcrossAFallBackAtMidnight(length), seed, null);
    }

    @Property(tries = 60)
    void replayAgreesWithReferenceModelAfterACalendarMove(@ForAll long seed,
            @ForAll @IntRange(min = 8, max = 120) int length) throws IOException {
        agree(new RandomTimelines(seed).timelineWithACalendarMove(length), seed, null);
    }

    /**
     * The soak's kind of timeline (many holdings, every tenth one's window ending halfway, the desk's reports), with
     * orders sent again as its clients send them: retried with the same content, or their id reused with other. The
     * soak holds the guard to the replay; this holds the replay to the reference model, on the same kind of input.
     */
    @Property(tries = 12)
    void replayAgreesWithReferenceModelOnTheSoaksTimelinesWithResentOrders(@ForAll long seed) throws IOException {
        agree(soakTimeline(seed, 20, 600), seed, null);
    }

    /** {@code orders} orders over {@code holdings}, 10 ms apart, with the desk's reports and clients' resends. */
    private static List<String> soakTimeline(long seed, int holdings, int orders) {
        SyntheticTimeline timeline = new SyntheticTimeline(seed, holdings);
        Instant start = Instant.parse("2025-06-11T13:47:05.250Z");
        Instant windowEnd = start.plusMillis(10L * (orders / 2 + 1));
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(timeline.agreements(start, windowEnd));
        List<String> sent = new ArrayList<>();
        try (ExecutionDesk desk = timeline.desk(windowEnd)) {
            desk.appended(lines);
            for (int n = 0; n < orders; n++) {
                Instant at = start.plusMillis(10L * (n + 1));
                List<String> batch = new ArrayList<>(List.of(timeline.order(n, at)));
                int draw = random.nextInt(100);
                if (!sent.isEmpty() && draw < 8) {
                    String earlier = sent.get(Math.max(0, sent.size() - 1 - random.nextInt(50)));
                    batch.add(draw < 6 ? timeline.resent(earlier, at) : timeline.reused(earlier, at));
                }
                sent.add(batch.get(0));
                lines.addAll(desk.batch(at, batch));
            }
            lines.addAll(desk.rest());
        }
        return lines;
    }

    private static void agree(long seed, int length, TrancheMode mode) throws IOException {
        agree(new RandomTimelines(seed).timeline(length), seed, mode);
    }

    private static void agree(List<String> timeline, long seed, TrancheMode mode) throws IOException {
        // when
        ReplayTest.Output replay = ReplayTest.replay(mode, timeline.toArray(String[]::new));
        ReferenceModel.Output model = new ReferenceModel(mode == null ? null : mode.name()).run(timeline);
        // then
        String context = "seed " + seed + ", timeline:\n" + String.join("\n", timeline);
        assertThat(replay.decisions()).as(context).hasSameSizeAs(model.decisions());
        for (int i = 0; i < model.decisions().size(); i++) {
            ObjectNode want = model.decisions().get(i);
            JsonNode got = replay.decisions().get(i);
            if (want.has("executionId")) {
                List<String> keys = new ArrayList<>();
                got.fieldNames().forEachRemaining(keys::add);
                assertThat(keys).as("result line %d\n%s", i + 1, context).isEqualTo(RESULT_KEYS);
                for (String key : RESULT_KEYS) {
                    assertThat(String.valueOf(got.get(key))).as("result line %d key %s\n%s\n%s", i + 1, key, got,
                            context).isEqualTo(String.valueOf(want.get(key)));
                }
                continue;
            }
            for (String field : COMPARED) {
                // compared as JSON text: 0 is 0 whether Jackson holds it as an int or a long
                assertThat(String.valueOf(got.get(field))).as("decision %d field %s\n%s\n%s", i + 1, field, got,
                        context).isEqualTo(String.valueOf(want.get(field)));
            }
            JsonNode position = got.get("position");
            if (!want.has("position")) {
                assertThat(position == null || position.isNull()).as("decision %d has no position\n%s\n%s", i + 1,
                        got, context).isTrue();
                continue;
            }
            List<String> fields = new ArrayList<>();
            want.get("position").fieldNames().forEachRemaining(fields::add);
            List<String> written = new ArrayList<>();
            position.fieldNames().forEachRemaining(written::add);
            // the agreement's version and terms hash are the guard's own bookkeeping: not modelled, but no other
            // field the model does not write
            assertThat(written).as("decision %d position fields\n%s\n%s", i + 1, got, context)
                    .containsExactlyInAnyOrderElementsOf(concat(fields, UNMODELLED_POSITION_FIELDS));
            for (String field : fields) {
                assertThat(String.valueOf(position.get(field))).as("decision %d position field %s\n%s\n%s", i + 1,
                        field, got, context).isEqualTo(String.valueOf(want.get("position").get(field)));
            }
        }
        assertThat(rejectedLines(replay.errors())).as(context).isEqualTo(model.rejectedAgreementLines());
        assertThat(replay.result().unreadableLines()).as(context).isEqualTo(model.unreadableLines());
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }

    private static List<Integer> rejectedLines(String errors) {
        List<Integer> lines = new ArrayList<>();
        Matcher matcher = REJECTED.matcher(errors);
        while (matcher.find()) {
            lines.add(Integer.parseInt(matcher.group(1)));
        }
        return lines;
    }
}
