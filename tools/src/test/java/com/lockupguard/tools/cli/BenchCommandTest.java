package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.cli.LockupGuardCli;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CapturedCommand.run(out, err, args);
    }

    @Test
    void shouldRefuseZeroRoundsBeforeStartingAnything() {
        // when no round is asked for (the summary is a median over the rounds)
        int exit = run("bench", "--quick", "--api-requests", "0", "--rounds", "0");
        // then it says so at once, rather than running the warm-up and failing on an empty median
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--rounds");
        assertThat(out.toString()).doesNotContain("machine:");
    }

    @Test
    void shouldRefuseARateOrBacklogOfZeroBeforeStartingAnything() {
        // when the latency phase would send no order a second, or the backlog holds none
        int zeroRate = run("bench", "--quick", "--api-requests", "0", "--rate", "0");
        int zeroBacklog = run("bench", "--quick", "--api-requests", "0", "--backlog", "0");
        // then
        assertThat(zeroRate).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(zeroBacklog).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--rate").contains("--backlog");
        assertThat(out.toString()).doesNotContain("machine:");
    }

    @Test
    void shouldRefuseALatencyPhaseTooShortToTimeAnyDecision() {
        // when the latency phase would end within its untimed warm-up (the first 2 s), or not run at all
        int oneSecond = run("bench", "--quick", "--api-requests", "0", "--backlog", "1000", "--latency-seconds", "1");
        int none = run("bench", "--quick", "--api-requests", "0", "--backlog", "1000", "--latency-seconds", "0");
        // then it says so before starting anything, rather than printing NaN for every latency figure
        assertThat(oneSecond).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(none).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--latency-seconds must be at least 3");
        assertThat(out.toString()).doesNotContain("machine:").doesNotContain("NaN");
    }
}
