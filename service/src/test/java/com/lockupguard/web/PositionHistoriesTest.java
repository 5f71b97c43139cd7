package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.web.DecisionHistory.HistoryPoint;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PositionHistoriesTest {

    private static final Instant START = Instant.parse("2003-08-20T14:00:00Z");

    private static void addPoints(PositionHistories histories, String investor, int count, long firstSecond) {
        for (int i = 0; i < count; i++) {
            histories.add(investor + "/CBYI", GuardWebServerTest.position(investor, "CBYI",
                    START.plusSeconds(firstSecond + i), i, 0));
        }
    }

    @Test
    void shouldKeepTheNewestPointsOfAHoldingOldestFirst() {
        // given at most 3 points a holding
        PositionHistories histories = new PositionHistories(3, 100);

        // when 5 come
        addPoints(histories, "dutchess", 5, 0);

        // then the newest 3 are kept, in time order
        assertThat(histories.of("dutchess/CBYI")).extracting(HistoryPoint::asOf)
                .containsExactly(START.plusSeconds(2), START.plusSeconds(3), START.plusSeconds(4));
        assertThat(histories.points()).isEqualTo(3);
    }

    @Test
    void shouldCountAPositionPublishedAgainAtTheSameInstantOnce() {
        // given
        PositionHistories histories = new PositionHistories(10, 100);

        // when a position comes twice (a replayed record), then a later one
        addPoints(histories, "dutchess", 1, 0);
        addPoints(histories, "dutchess", 2, 0);

        // then it is one point, replaced
        assertThat(histories.of("dutchess/CBYI")).hasSize(2);
        assertThat(histories.points()).isEqualTo(2);
    }

    @Test
    void shouldForgetTheLeastRecentHoldingsWholeOnceAllTogetherHaveTooManyPoints() {
        // given at most 10 points over all holdings, and three holdings of 4, 4 and 2 points, the first read since
        PositionHistories histories = new PositionHistories(5, 10);
        addPoints(histories, "a", 4, 0);
        addPoints(histories, "b", 4, 0);
        addPoints(histories, "c", 2, 0);
        assertThat(histories.of("a/CBYI")).hasSize(4);

        // when one more holding gets a point
        addPoints(histories, "d", 1, 0);

        // then the holding updated or read longest ago goes, whole, and no other
        assertThat(histories.of("b/CBYI")).isEmpty();
        assertThat(histories.of("a/CBYI")).hasSize(4);
        assertThat(histories.of("c/CBYI")).hasSize(2);
        assertThat(histories.of("d/CBYI")).hasSize(1);
        assertThat(histories.points()).isEqualTo(7);
    }

    @Test
    void shouldKeepTheHoldingJustUpdatedEvenWhenItAloneHasMorePointsThanAllMayHave() {
        // given a per-holding bound above the bound over all holdings
        PositionHistories histories = new PositionHistories(10, 3);
        addPoints(histories, "a", 2, 0);

        // when another holding gets more points than all together may have
        addPoints(histories, "b", 5, 0);

        // then the others are forgotten, and it keeps its own
        assertThat(histories.of("a/CBYI")).isEmpty();
        assertThat(histories.of("b/CBYI")).hasSize(5);
        assertThat(histories.points()).isEqualTo(5);
    }
}
