package com.lockupguard.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void shouldTakeTheNearestRankOfSamplesInAnyOrder() {
        // given the latencies 1..200 ms, shuffled as they arrive
        long[] samples = LongStream.rangeClosed(1, 200).map(n -> (n * 77) % 200 + 1).toArray();
        // when
        Percentiles percentiles = Percentiles.of(samples);
        // then p50 is the 100th of 200 and p99 the 198th (ceil(0.99 * 200)), not one rank off, and max the largest
        assertThat(percentiles).isEqualTo(new Percentiles(200, 100, 198, 200));
    }

    @Test
    void shouldTakeTheLowerMiddleOfAnEvenCountAndTheTopOfAFewSamples() {
        // given fewer than 100 samples: p99 is then the largest
        Percentiles four = Percentiles.of(new long[] {40, 10, 30, 20});
        Percentiles one = Percentiles.of(new long[] {7});
        // then
        assertThat(four).isEqualTo(new Percentiles(4, 20, 40, 40));
        assertThat(one).isEqualTo(new Percentiles(1, 7, 7, 7));
    }

    @Test
    void shouldGiveNanosecondsInMilliseconds() {
        // given API timings of 0.5 ms, 2 ms and 30 ms, in nanoseconds
        Percentiles millis = Percentiles.ofNanosAsMillis(new long[] {2_000_000, 500_000, 30_000_000});
        // then
        assertThat(millis.count()).isEqualTo(3);
        assertThat(millis.p50()).isEqualTo(2.0);
        assertThat(millis.p99()).isEqualTo(30.0);
        assertThat(millis.max()).isEqualTo(30.0);
    }

    @Test
    void shouldSayNothingWasTimedRatherThanInventAFigure() {
        // when no sample was taken
        Percentiles none = Percentiles.of(new long[0]);
        // then
        assertThat(none.count()).isZero();
        assertThat(none.p50()).isNaN();
        assertThat(none.p99()).isNaN();
        assertThat(none.max()).isNaN();
    }
}
