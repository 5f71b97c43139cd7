package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ReportResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PositionCheckTest {

    private final List<String> logged = new ArrayList<>();
    private final PositionCheck check = new PositionCheck(logged::add);

    private static Position position(long sold, long released, long available, long reserved) {
        Position position = new Position();
        position.setSoldToDate(sold);
        position.setReleasedToDate(released);
        position.setAvailableNow(available);
        position.setReservedNow(reserved);
        return position;
    }

    private static Decision decision(String orderId, Position position) {
        return Decision.newBuilder().setOrderId(orderId).setOrderAt(Instant.EPOCH).setOutcome(Outcome.APPROVED)
                .setReasons(List.of()).setMaxAllowedNow(0L).setRepeated(false).setPosition(position).build();
    }

    private static ReportResult result(String investor, String executionId, Position position) {
        return ReportResult.newBuilder().setExecutionId(executionId).setOrderId("o-1").setInvestorId(investor)
                .setSecurityId("SEC").setReportedAt(Instant.EPOCH).setOutcome(ExecutionResult.APPLIED)
                .setPosition(position).build();
    }

    private static ReplayedTimeline.FinalPosition afterOrder(String orderId, Position position) {
        return new ReplayedTimeline.FinalPosition(position, orderId, null, 0);
    }

    private static ReplayedTimeline.FinalPosition afterReport(String investor, String executionId, int occurrence,
            Position position) {
        return new ReplayedTimeline.FinalPosition(position, null, ReportId.of(investor, "SEC", executionId),
                occurrence);
    }

    @Test
    void shouldFindNothingWhenEveryHoldingEndsWhereTheReplayLeftIt() {
        // given one holding last answered by an order's decision, another by the second report sharing an id
        Map<String, ReplayedTimeline.FinalPosition> expected = Map.of(
                "a/SEC", afterOrder("o-2", position(100, 200, 50, 30)),
                "b/SEC", afterReport("b", "x-1", 1, position(10, 200, 190, 0)));
        // when the guard's answers carried the same positions, after others
        long mismatched = check.mismatched(expected,
                List.of(decision("o-1", position(0, 200, 150, 50)), decision("o-2", position(100, 200, 50, 30))),
                List.of(result("b", "x-1", position(10, 200, 180, 10)), result("b", "x-1", position(10, 200, 190, 0))));
        // then
        assertThat(mismatched).isZero();
        assertThat(logged).isEmpty();
    }

    @Test
    void shouldTakeAHoldingsLastPositionFromItsOrdersDecisionWhenABlockOfAReuseOfItsIdIsReadFirst() {
        // given a holding the replay left after order o-2, whose id was sent again: reused (blocked, no position)
        // and retried (its first decision repeated, with the position after it)
        Position after = position(100, 200, 50, 30);
        Map<String, ReplayedTimeline.FinalPosition> expected = Map.of("a/SEC", afterOrder("o-2", after));
        Decision reuse = decision("o-2", null);
        reuse.setOutcome(Outcome.BLOCKED);
        Decision repeated = decision("o-2", after);
        repeated.setRepeated(true);

        // when the guard's decisions for o-2 are read with the reuse's first (it is on the blocked topic)
        long mismatched = check.mismatched(expected, List.of(reuse, repeated, decision("o-2", after)), List.of());

        // then the holding is where the replay left it
        assertThat(mismatched).isZero();
        assertThat(logged).isEmpty();
    }

    @Test
    void shouldCountAHoldingWhoseLastPositionDiffersInAnyFigureOrWasNotReadAsMismatched() {
        // given six holdings, each left in the same position by the replay
        Position want = position(100, 200, 50, 30);
        Map<String, ReplayedTimeline.FinalPosition> expected = new LinkedHashMap<>();
        for (int h = 1; h <= 5; h++) {
            expected.put("h" + h + "/SEC", afterOrder("o-" + h, want));
        }
        expected.put("h6/SEC", afterReport("h6", "x-6", 1, want));
        // when the guard's last answers differ in sold, released, available and reserved shares, the fifth
        // holding's last decision was not read, and the sixth's last report was answered once instead of twice
        long mismatched = check.mismatched(expected,
                List.of(decision("o-1", position(101, 200, 50, 30)), decision("o-2", position(100, 201, 50, 30)),
                        decision("o-3", position(100, 200, 51, 30)), decision("o-4", position(100, 200, 50, 31))),
                List.of(result("h6", "x-6", want)));
        // then every holding is a mismatch
        assertThat(mismatched).isEqualTo(6);
    }

    private static Position at(Position position, String asOf) {
        position.setAsOf(Instant.parse(asOf));
        return position;
    }

    @Test
    void shouldTakeALaterPublishedPositionWithTheSameSalesAndReservationsAsTheReplaysFinalOne() {
        // given a holding the replay left with 100 sold and 30 reserved, as of an order on 07-20
        Map<String, ReplayedTimeline.FinalPosition> expected = Map.of("a/SEC",
                afterOrder("o-2", at(position(100, 200, 50, 30), "2003-07-20T15:00:00Z")));
        // when the guard last published it as a later boundary passed: more released, the same sold and reserved
        long mismatched = check.publishedMismatched(expected,
                Map.of("a/SEC", at(position(100, 358_559, 208_559, 30), "2003-08-09T04:00:00Z")));
        // then it is the same holding's end
        assertThat(mismatched).isZero();
        assertThat(logged).isEmpty();
    }

    @Test
    void shouldCountAPublishedPositionThatIsMissingEarlierOrCountsOtherSharesAsMismatched() {
        // given four holdings the replay left with 100 sold and 30 reserved, as of 07-20
        Map<String, ReplayedTimeline.FinalPosition> expected = new LinkedHashMap<>();
        for (int h = 1; h <= 4; h++) {
            expected.put("h" + h + "/SEC", afterOrder("o-" + h,
                    at(position(100, 200, 50, 30), "2003-07-20T15:00:00Z")));
        }
        // when the guard's last published positions: one earlier (a position lost in a crash), one with other sales,
        // one with other reservations, and one never published
        long mismatched = check.publishedMismatched(expected, Map.of(
                "h1/SEC", at(position(0, 200, 150, 0), "2003-07-11T13:45:00Z"),
                "h2/SEC", at(position(99, 200, 51, 30), "2003-07-20T15:00:00Z"),
                "h3/SEC", at(position(100, 200, 50, 0), "2003-07-20T15:00:00Z")));
        // then each is counted, and said
        assertThat(mismatched).isEqualTo(4);
        assertThat(logged).hasSize(4).allSatisfy(line -> assertThat(line).startsWith("published position MISMATCH h"));
    }
}
