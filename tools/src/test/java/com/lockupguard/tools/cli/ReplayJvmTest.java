package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    private static ReplayJvm.ThisJvm jvm(List<String> options, Set<String> collectors) {
        return new ReplayJvm.ThisJvm(options, collectors, Optional.of("/opt/jdk/bin/java"), "target/lockup-guard.jar",
                true, Optional.empty(), true);
    }

    private static ReplayJvm.ThisJvm withClassArchive(List<String> options) {
        return new ReplayJvm.ThisJvm(options, G1, Optional.of("/opt/jdk/bin/java"), "target/lockup-guard.jar",
                true, Optional.of(Path.of("/opt/lockup-guard/target/lockup-guard.jsa")), true);
    }

    @Test
    void shouldReplayALargeTimelineInASerialCollectorJvmWithThisJvmsOptionsAndTheWholeCommandLine() {
        // given a replay of a large timeline in a JVM that G1 collects, started with options of the user's
        ReplayJvm.ThisJvm jvm = jvm(List.of("-Xmx2g", "-Duser.timezone=UTC"), G1);
        // when
        Optional<List<String>> child = ReplayJvm.childCommand(
                new String[] {"replay", "--mode", "cumulative", large.toString()}, jvm);
        // then the same replay runs in a JVM of the same java, its warnings on stderr, on huge pages, with the
        // user's options, the serial collector, the mark that keeps it from starting another, and this JVM's
        // process id, so that it stops when this one is killed
        assertThat(child).contains(List.of("/opt/jdk/bin/java", "-Xlog:disable", "-Xlog:all=warning,cds*=off:stderr",
                "-XX:+UseTransparentHugePages", "-Xmx2g", "-Duser.timezone=UTC", "-XX:+UseSerialGC",
                "-Dlockupguard.replay.fork=false", "-Dlockupguard.replay.parent=" + ProcessHandle.current().pid(),
                "-cp", "target/lockup-guard.jar", LockupGuardTools.class.getName(),
                "replay", "--mode", "cumulative", large.toString()));
    }

    @Test
    void shouldKeepASmallOrPipedReplayAndEveryOtherCommandInThisJvm() {
        ReplayJvm.ThisJvm jvm = jvm(List.of(), G1);
        // a JVM start would cost more than a small replay gains; stdin is not handed on; other commands stay
        assertThat(ReplayJvm.childCommand(new String[] {"replay", small.toString()}, jvm)).isEmpty();
        assertThat(ReplayJvm.childCommand(new String[] {"replay", "-"}, jvm)).isEmpty();
        assertThat(ReplayJvm.childCommand(new String[] {"replay", dir.resolve("missing").toString()}, jvm)).isEmpty();
        assertThat(ReplayJvm.childCommand(new String[] {"produce", large.toString()}, jvm)).isEmpty();
        assertThat(ReplayJvm.childCommand(new String[] {"replay"}, jvm)).isEmpty();
        // a large file as --positions' output is not the timeline
        assertThat(ReplayJvm.childCommand(new String[] {"replay", "--positions", large.toString(), "-"}, jvm))
                .isEmpty();
        assertThat(ReplayJvm.childCommand(new String[] {"replay", "-v", "--positions", large.toString(),
            small.toString()}, jvm)).isEmpty();
        // while the timeline is found among the options, after them, or after --
        assertThat(ReplayJvm.childCommand(new String[] {"replay", "--mode", "cumulative", "-v", "--", large.toString()},
                jvm)).isPresent();
        assertThat(ReplayJvm.childCommand(new String[] {"replay", "--positions", small.toString(), large.toString()},
                jvm)).isPresent();
    }

    @Test
    void shouldKeepTheReplayInThisJvmWhereTheUserChoseTheCollectorAttachedADebuggerOrTurnedItOff() {
        String[] replay = {"replay", large.toString()};
        assertThat(ReplayJvm.childCommand(replay, jvm(List.of("-XX:+UseParallelGC"), Set.of("PS Scavenge"))))
                .as("a collector chosen").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, jvm(List.of("-XX:+UseG1GC"), G1)))
                .as("G1 chosen").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, jvm(List.of(), Set.of("Copy", "MarkSweepCompact"))))
                .as("the serial collector already, as on one core").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, jvm(
                List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005"), G1)))
                .as("a debugger").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, new ReplayJvm.ThisJvm(List.of(), G1, Optional.of("java"), "x.jar",
                false, Optional.empty(), true))).as("-Dlockupguard.replay.fork=false").isEmpty();
        assertThat(ReplayJvm.childCommand(replay, new ReplayJvm.ThisJvm(List.of(), G1, Optional.empty(), "x.jar",
                true, Optional.empty(), true))).as("no java command to start").isEmpty();
    }

    @Test
    void shouldKeepTheReplayInThisJvmWhereAnOptionIsForOneProcessOnly() {
        // given options that a second JVM would fail on, or that would write over what the user asked of this one
        for (String option : List.of("-Dcom.sun.management.jmxremote.port=9010",
                "-XX:StartFlightRecording=duration=60s,filename=replay.jfr", "-XX:ArchiveClassesAtExit=app.jsa",
                "-agentpath:/opt/async-profiler/libasyncProfiler.so=start,file=profile.html", "-Xlog:gc:file=gc.log",
                "-Xrunjdwp:transport=dt_socket")) {
            // when / then
            assertThat(ReplayJvm.childCommand(new String[] {"replay", large.toString()}, jvm(List.of(option), G1)))
                    .as(option).isEmpty();
        }
        // while a log file named by process, and options of the JVM's own, are passed on
        assertThat(ReplayJvm.childCommand(new String[] {"replay", large.toString()}, jvm(List.of(
                "-Xlog:gc:file=gc-%p.log", "-Xlog:gc", "-javaagent:/opt/agent.jar", "-XX:+HeapDumpOnOutOfMemoryError"),
                G1)).orElseThrow()).contains("-Xlog:gc:file=gc-%p.log", "-Xlog:gc", "-javaagent:/opt/agent.jar",
                "-XX:+HeapDumpOnOutOfMemoryError");
    }

    @Test
    void shouldMapTheClassArchiveBesideTheJarQuietlyBeforeTheUsersOptions() {
        // given a JVM whose jar has the build's class archive beside it, started with a log option of the user's
        ReplayJvm.ThisJvm jvm = withClassArchive(List.of("-Xlog:cds"));
        // when
        List<String> child = ReplayJvm.childCommand(new String[] {"replay", large.toString()}, jvm).orElseThrow();
        // then the child maps it, says nothing of it on the replay's output, and the user's -Xlog comes after
        assertThat(child.subList(0, 6)).containsExactly("/opt/jdk/bin/java", "-Xlog:disable",
                "-Xlog:all=warning,cds*=off:stderr", "-XX:SharedArchiveFile=/opt/lockup-guard/target/lockup-guard.jsa",
                "-XX:+UseTransparentHugePages", "-Xlog:cds");
    }

    @Test
    void shouldLeaveTheHeapsPagesAsTheUserChoseThem() {
        for (String option : List.of("-XX:-UseTransparentHugePages", "-XX:+UseLargePages",
                "-XX:+UseLargePagesIndividualAllocation", "-XX:LargePageSizeInBytes=2m", "-XX:+UseHugeTLBFS",
                "-XX:+UseSHM")) {
            // given a JVM given its own pages
            List<String> child = ReplayJvm.childCommand(new String[] {"replay", large.toString()},
                    jvm(List.of(option), G1)).orElseThrow();
            // then the child has the user's option, and not ours
            assertThat(child).as(option).contains(option).doesNotContain("-XX:+UseTransparentHugePages");
        }
        // and where the system does not give huge pages on request (off, always, or not Linux: a JVM there does not
        // know the option, and would not start), they are not asked for
        ReplayJvm.ThisJvm noHugePages = new ReplayJvm.ThisJvm(List.of(), G1, Optional.of("java"), "x.jar", true,
                Optional.empty(), false);
        assertThat(ReplayJvm.childCommand(new String[] {"replay", large.toString()}, noHugePages).orElseThrow())
                .doesNotContain("-XX:+UseTransparentHugePages").contains("-Xlog:all=warning,cds*=off:stderr");
    }

    @Test
    void shouldLeaveClassSharingAsTheUserChoseIt() {
        for (String option : List.of("-Xshare:off", "-XX:SharedArchiveFile=mine.jsa", "-XX:-UseSharedSpaces",
                "-XX:+AutoCreateSharedArchive", "-XX:SharedClassListFile=classes.lst", "-XX:DumpLoadedClassList=x.lst",
                "-XX:AOTCache=app.aot", "-XX:AOTMode=record", "-XX:AOTConfiguration=app.aotconf",
                "-XX:AOTCacheOutput=app.aot")) {
            // given a JVM given its own class sharing
            ReplayJvm.ThisJvm jvm = withClassArchive(List.of(option));
            // when
            List<String> child = ReplayJvm.childCommand(new String[] {"replay", large.toString()}, jvm).orElseThrow();
            // then the child has the user's option, and not the build's archive
            assertThat(child).as(option).contains(option)
                    .noneMatch(argument -> argument.contains("lockup-guard.jsa"));
        }
        // and without an archive beside the jar, the child is started as before
        assertThat(ReplayJvm.childCommand(new String[] {"replay", large.toString()}, jvm(List.of(), G1)).orElseThrow())
                .noneMatch(argument -> argument.startsWith("-XX:SharedArchiveFile"));
    }
}
