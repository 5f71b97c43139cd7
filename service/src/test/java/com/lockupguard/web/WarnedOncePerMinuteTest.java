package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Events counted for a warning said at most once a minute, with the count since the last. */
class WarnedOncePerMinuteTest {

    private final AtomicLong now = new AtomicLong(Duration.ofHours(1).toNanos());
    private final WarnedOncePerMinute warning = new WarnedOncePerMinute(now::get);

    @Test
    void shouldSayTheFirstEventAtOnceAndTheNextOnesAMinuteLaterWithTheirCount() {
        // given / when the first event, then 99 within the minute, then one a minute after the first
        long first = warning.counted();
        long within = 0;
        for (int i = 0; i < 99; i++) {
            now.addAndGet(Duration.ofMillis(500).toNanos());
            within += warning.counted();
        }
        now.set(Duration.ofHours(1).plusMinutes(1).toNanos());
        long aMinuteOn = warning.counted();

        // then the first is said alone, none of the 99, and the one a minute on with them: 100 since the first
        assertThat(first).isEqualTo(1);
        assertThat(within).isZero();
        assertThat(aMinuteOn).isEqualTo(100);
    }
}
