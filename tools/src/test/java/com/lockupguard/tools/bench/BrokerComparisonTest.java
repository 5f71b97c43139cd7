package com.lockupguard.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerComparisonTest {

    /** A round with only what the summary reads: its backlog's orders/s and its latency p99 (ms). */
    private static BrokerBenchmark.Result round(double ordersPerSecond, double p99) {
        return new BrokerBenchmark.Result("round", 300_000, ordersPerSecond, 0.5, 40, 15, 10, 2.2,
                new Percentiles(58_000, p99 / 2, p99, p99 * 2));
    }

    @Test
    void shouldTakeTheMiddleRoundOfAnOddCountWhateverTheOrderOfTheRounds() {
        // given three rounds of each, the slowest not last
        List<BrokerBenchmark.Result> guard = List.of(round(30_000, 44), round(20_000, 38), round(40_000, 40));
        List<BrokerBenchmark.Result> passThrough = List.of(round(300_000, 27), round(100_000, 26),
                round(200_000, 30));
        // when
        BrokerComparison.Summary summary = BrokerComparison.Summary.of(guard, passThrough);
        // then the median of the rounds' ratios (0.1, 0.2, 0.2: each round over the one run beside it, not the
        // guard's median over the pass-through's, 0.15), and each topology's median p99 (not its p50)
        assertThat(summary.throughputRatio()).isCloseTo(0.2, within(1e-9));
        assertThat(summary.guardP99Ms()).isEqualTo(40);
        assertThat(summary.passThroughP99Ms()).isEqualTo(27);
        assertThat(summary.line()).isEqualTo("guard/passthrough throughput=0.20 p99=40 ms vs 27 ms");
    }

    @Test
    void shouldAverageTheTwoMiddleRoundsOfAnEvenCount() {
        // given four rounds of each
        List<BrokerBenchmark.Result> guard = List.of(round(40_000, 50), round(10_000, 30), round(30_000, 44),
                round(20_000, 36));
        List<BrokerBenchmark.Result> passThrough = List.of(round(100_000, 20), round(100_000, 30),
                round(100_000, 24), round(100_000, 26));
        // when
        BrokerComparison.Summary summary = BrokerComparison.Summary.of(guard, passThrough);
        // then the medians are (0.2 + 0.3) / 2 and (36 + 44) / 2 and (24 + 26) / 2, not the upper middles
        assertThat(summary.throughputRatio()).isCloseTo(0.25, within(1e-9));
        assertThat(summary.guardP99Ms()).isEqualTo(40);
        assertThat(summary.passThroughP99Ms()).isEqualTo(25);
    }

    @Test
    void shouldKeepTheLastLinesFormatThatScriptsRead() {
        // given a summary with figures that need rounding
        BrokerComparison.Summary summary = new BrokerComparison.Summary(0.1234, 46.4, 31.49);
        // then two decimals for the ratio, whole milliseconds for the p99s
        assertThat(summary.line()).isEqualTo("guard/passthrough throughput=0.12 p99=46 ms vs 31 ms");
    }

    @Test
    void shouldCutTheRatioRatherThanRoundItUpToAThreshold() {
        // given ratios just under the 0.4 the issue asks for, and one that doubles cannot hold exactly
        // when / then none is printed as more than it is
        assertThat(new BrokerComparison.Summary(0.395, 60, 40).line()).startsWith("guard/passthrough throughput=0.39 ");
        assertThat(new BrokerComparison.Summary(0.3999, 60, 40).line()).contains("throughput=0.39 ");
        assertThat(new BrokerComparison.Summary(0.29, 60, 40).line()).contains("throughput=0.29 ");
        assertThat(new BrokerComparison.Summary(0.4, 60, 40).line()).contains("throughput=0.40 ");
    }

    @Test
    void shouldRefuseRoundsThatDoNotComeInPairs() {
        assertThatThrownBy(() -> BrokerComparison.Summary.of(List.of(round(1, 1), round(2, 2)), List.of(round(1, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pairs");
    }
}
