package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayJvmTest {

    private static final Set<String> G1 = Set.of("G1 Young Generation", "G1 Old Generation");

    @TempDir
    Path dir;

    private Path large;
    private Path small;

    @BeforeEach
    void timelines() throws IOException {
        large = Files.write(dir.resolve("large.jsonl"), new byte[(int) ReplayJvm.MIN_TIMELINE_BYTES]);
        small = Files.write(dir.resolve("small.jsonl"), new byte[(int) ReplayJvm.MIN_TIMELINE_BYTES - 1]);
    }

    private static ReplayJvm.ThisJvm jvm(List<String> options, Set<String> collectors, Map<String, String> env) {
        return new ReplayJvm.ThisJvm(options, collectors, Optional.of("/opt/jdk/bin/java"), "target/lockup-guard.jar",
                env, true);
    }

    @Test
    void shouldReplayALargeTimelineInASerialCollectorJvmWithThisJvmsOptionsAndTheWholeCommandLine() {
        // given a replay of a large timeline in a JVM that G1 collects, started with options of the user's
        ReplayJvm.ThisJvm jvm = jvm(List.of("-Xmx2g", "-Duser.timezone=UTC"), G1, Map.of());
        // when
        Optional<List<String>> child = ReplayJvm.childCommand(
                new String[] {"replay", "--mode", "cumulative", large.toString()}, jvm);
        // then the same replay runs in a JVM of the same java, with the user's options, the serial collector, and
        // the mark that keeps it from starting another
        assertThat(child).contains(List.of("/opt/jdk/bin/java", "-Xmx2g", "-Duser.timezone=UTC", "-XX:+UseSerialGC",
                "-Dlockupguard.replay.fork=false", "-cp", "target/lockup-guard.jar", LockupGuardTools.class.getName(),
                "replay", "--mode", "cumulative", large.toString()));
    }

    @Test
    void shouldKeepASmallOrPipedReplayAndEveryOtherCommandInThisJvm() {
        ReplayJvm.ThisJvm jvm = jvm(List.of(), G1, Map.of());
        // a JVM start would cost more than a small replay gains; stdin is not handed on; other commands stay
        assertThat(ReplayJvm.childCommand(new String[] {"replay", small.toString()}, jvm)).isEmpty();
        assertThat(ReplayJvm.childCommand(new String[] {"replay", "-"}, jvm)).isEmpty();
        assertThat(ReplayJvm.childCommand(new String[] {"replay", dir.resolve("missing").toString()}, jvm)).isEmpty();
        assertThat(ReplayJvm.childCommand(new String[] {"produce", large.toString()}, jvm)).isEmpty();
        assertThat(ReplayJvm.childCommand(new String[] {"replay"}, jvm)).isEmpty();
    }

    @Test
    void shouldKeepTheReplayInThisJvmWhereTheUserChoseTheCollectorAttachedADebuggerOrTurnedItOff() {
        String[] replay = {"replay", large.toString()};
        assertThat(ReplayJvm.childCommand(replay, jvm(List.of("-XX:+UseParallelGC"), Set.of("PS Scavenge"), Map.of())))
                .as("a collector chosen").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, jvm(List.of("-XX:+UseG1GC"), G1, Map.of())))
                .as("G1 chosen").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, jvm(List.of(), Set.of("Copy", "MarkSweepCompact"), Map.of())))
                .as("the serial collector already, as on one core").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, jvm(
                List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005"), G1, Map.of())))
                .as("a debugger").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, new ReplayJvm.ThisJvm(List.of(), G1, Optional.of("java"), "x.jar",
                Map.of(), false))).as("-Dlockupguard.replay.fork=false").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, new ReplayJvm.ThisJvm(List.of(), G1, Optional.empty(), "x.jar",
                Map.of(), true))).as("no java command to start").isEmpty();
    }

    @Test
    void shouldNotRepeatOptionsThatTheChildTakesFromTheEnvironmentItself() {
        // given options from JAVA_TOOL_OPTIONS (an agent, which loaded twice would run twice) and the command line
        ReplayJvm.ThisJvm jvm = jvm(List.of("-javaagent:/opt/agent.jar", "-Dfrom.env=1", "-Xmx1g"), G1,
                Map.of("JAVA_TOOL_OPTIONS", " -javaagent:/opt/agent.jar  -Dfrom.env=1 "));
        // when
        List<String> child = ReplayJvm.childCommand(new String[] {"replay", large.toString()}, jvm).orElseThrow();
        // then the child, which reads the same environment, is given only the command line's
        assertThat(child).contains("-Xmx1g").doesNotContain("-javaagent:/opt/agent.jar", "-Dfrom.env=1");
    }
}
