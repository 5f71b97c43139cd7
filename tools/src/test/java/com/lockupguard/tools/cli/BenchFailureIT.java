package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A bench in its own JVM whose topology dies during a round. */
class BenchFailureIT {

    @TempDir
    Path tmp;

    @TempDir
    Path logs;

    @Test
    @Timeout(240)
    void shouldFailTheRoundPromptlyWithTheCauseAndPrintNoFiguresWhenItsTopologyDies() throws Exception {
        // given a bench whose topologies cannot write a single decision: their producer refuses any record over
        // 100 bytes, which stops the pass-through's streams (state ERROR) in the first round
        Path log = logs.resolve("bench.log");
        Process bench = CommandProcess.start(tmp, log, "bench", "--quick", "--api-requests", "0", "--backlog",
                "2000", "--set", "producer.max.request.size=100");
        try {
            // when it runs
            boolean ended = bench.waitFor(120, TimeUnit.SECONDS);
            // then it fails that round at once, instead of waiting 5 minutes for decisions that never come, says
            // why, prints no figures for a script to take as the result, and exits non-zero having cleaned up
            String output = Files.readString(log);
            assertThat(ended).as("ended within 120 s; bench log:%n%s", output).isTrue();
            assertThat(bench.exitValue()).isNotZero();
            assertThat(output.lines().filter(line -> line.startsWith("bench: ")))
                    .singleElement().asString().contains("passthrough-0").contains("ERROR");
            assertThat(output).contains("bench stopped: no figures").doesNotContain("guard/passthrough");
            assertThat(CommandProcess.entries(tmp, "lockup-guard-")).as("left in java.io.tmpdir").isEmpty();
        } finally {
            bench.destroyForcibly();
        }
    }

    @Test
    @Timeout(120)
    void shouldEndAFailureOutsideARoundWithItsCauseAndTheNoFiguresLine() throws Exception {
        // given a bench that cannot create its temporary directory: java.io.tmpdir names a file
        Path notADirectory = Files.writeString(tmp.resolve("not-a-directory"), "");
        Path log = logs.resolve("bench.log");
        Process bench = CommandProcess.start(notADirectory, log, "bench", "--quick", "--api-requests", "0");
        try {
            // when it runs
            assertThat(bench.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // then it says why in one line (it was a stack trace), ends with the line a script reads for no figures,
            // and exits 1
            String output = Files.readString(log);
            assertThat(bench.exitValue()).as(output).isEqualTo(1);
            assertThat(output.lines().filter(line -> line.startsWith("bench: failed: "))).singleElement().asString()
                    .contains("not-a-directory");
            assertThat(output).doesNotContain("\tat ").endsWith("bench stopped: no figures" + System.lineSeparator());
        } finally {
            bench.destroyForcibly();
        }
    }
}
