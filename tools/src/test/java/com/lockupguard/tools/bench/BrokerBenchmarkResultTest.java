package com.lockupguard.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BrokerBenchmarkResultTest {

    private static final Percentiles LATENCY = new Percentiles(10_000, 20, 40, 60);

    @Test
    void shouldTimeTheDecisionsReadAfterTheFirstBatchOverTheTimeSinceIt() throws Exception {
        // given a backlog of 10,000 whose first 1,000 decisions were read in one batch, the last half a second
        // later; meanwhile the process used 0.9 s of CPU, the stream thread 0.25 s and the broker 0.09 s, and the
        // topology sent 22,000 records for the whole backlog
        CpuClock.Usage usage = new CpuClock.Usage(900_000_000L, 250_000_000L, 90_000_000L);
        // when
        BrokerBenchmark.Result result = BrokerBenchmark.Result.ofBacklog("guard-1", 10_000, 1_000, 500_000_000L,
                usage, 22_000, LATENCY);
        // then 9,000 decisions in 0.5 s; the stream thread busy half the time; CPU per timed decision in
        // microseconds; records per order of the whole backlog
        assertThat(result.orders()).isEqualTo(10_000);
        assertThat(result.ordersPerSecond()).isCloseTo(18_000, within(1e-6));
        assertThat(result.streamThreadBusy()).isCloseTo(0.5, within(1e-9));
        assertThat(result.processCpuMicrosPerOrder()).isCloseTo(100, within(1e-9));
        assertThat(result.streamCpuMicrosPerOrder()).isCloseTo(250_000.0 / 9_000, within(1e-9));
        assertThat(result.brokerCpuMicrosPerOrder()).isCloseTo(10, within(1e-9));
        assertThat(result.recordsPerOrder()).isCloseTo(2.2, within(1e-9));
        assertThat(result.latencyMs()).isEqualTo(LATENCY);
        assertThat(result.name()).isEqualTo("guard-1");
    }

    @Test
    void shouldFailTheRoundWhenTheFirstBatchHeldTheWholeBacklog() {
        // given a backlog of one order (bench --backlog 1), read in the batch that starts the clocks
        CpuClock.Usage usage = new CpuClock.Usage(1_000_000L, 500_000L, 100_000L);
        // when / then the round fails, saying why and what to give, rather than print NaN orders/s in the last line
        assertThatThrownBy(() -> BrokerBenchmark.Result.ofBacklog("guard-1", 1, 1, 0, usage, 3, LATENCY))
                .isInstanceOf(RoundFailedException.class)
                .hasMessage("guard-1 failed: its 1 decisions were read in one batch, before any clock could start: "
                        + "nothing was timed; give a larger --backlog");
    }
}
