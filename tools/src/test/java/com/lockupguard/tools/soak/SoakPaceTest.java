package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The soak's orders are sent at the rate asked for, whatever it is. */
class SoakPaceTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void shouldHaveTheFirstOrderDueAtOnceAndThenOneEachFractionOfASecondTheRateGives() {
        assertThat(Soak.ordersDue(100, 0)).isEqualTo(1);
        assertThat(Soak.ordersDue(100, SECOND / 100 - 1)).isEqualTo(1);
        assertThat(Soak.ordersDue(100, SECOND / 100)).isEqualTo(2);
        assertThat(Soak.ordersDue(100, 10 * SECOND)).isEqualTo(1_001);
    }

    @Test
    void shouldSendARateBelowTenASecondAndOneThatIsNoMultipleOfTenAsAsked() {
        // given rates a tenth of which, sent each 100 ms tick, would be rounded (5 -> 1 a tick, 25 -> 2 a tick)
        // when a minute has passed, then as many were due as the rate says, not 10 or 20 a second
        assertThat(Soak.ordersDue(5, 60 * SECOND) - 1).isEqualTo(300);
        assertThat(Soak.ordersDue(25, 60 * SECOND) - 1).isEqualTo(1_500);
        assertThat(Soak.ordersDue(1, 60 * SECOND) - 1).isEqualTo(60);
    }

    @Test
    void shouldNotOverflowAtTheLargestRateOverTheLongestDuration() {
        // given the largest rate and duration the options take (int orders a second, int seconds)
        long longest = Integer.MAX_VALUE * SECOND;

        // then the count is theirs, exactly
        assertThat(Soak.ordersDue(Integer.MAX_VALUE, longest) - 1)
                .isEqualTo((long) Integer.MAX_VALUE * Integer.MAX_VALUE);
    }
}
