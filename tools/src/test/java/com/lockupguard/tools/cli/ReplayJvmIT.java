package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A large replay started as a user starts it, {@code java ... replay FILE}, which runs in a serial-collector JVM. */
class ReplayJvmIT {

    /** The exit status of a JVM that SIGTERM shut down: 128 + 15. */
    private static final int STOPPED_BY_SIGTERM = 143;

    @TempDir
    Path dir;

    /** The letter's agreement made effective, then {@code orders} sales of 10 shares a minute apart. */
    private Path timeline(int orders) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("examples/letter-2003.jsonl")).subList(0, 3));
        Instant at = Instant.parse("2003-07-11T14:00:00Z");
        for (int i = 1; i <= orders; i++) {
            lines.add("{\"type\":\"order\",\"at\":\"" + at.plusSeconds(60L * i) + "\",\"orderId\":\"o" + i
                    + "\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\","
                    + "\"quantity\":10}");
        }
        Path file = Files.write(dir.resolve("orders-" + orders + ".jsonl"), lines, StandardCharsets.UTF_8);
        assertThat(Files.size(file)).isGreaterThanOrEqualTo(ReplayJvm.MIN_TIMELINE_BYTES);
        return file;
    }

    /** Whether the JVM picked G1 here, as for this test's own JVM, started with no collector chosen. */
    private static boolean pickedG1() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(gc -> gc.getName().startsWith("G1"));
    }

    /** Starts {@code arguments} as {@code java -cp … LockupGuardTools} with {@code javaToolOptions}, if not null. */
    private Process start(Path out, Path err, String javaToolOptions, String... arguments) throws IOException {
        return builder(out, err, javaToolOptions, arguments).start();
    }

    private ProcessBuilder builder(Path out, Path err, String javaToolOptions, String... arguments) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + dir, "-Xlog:gc:file=" + dir.resolve("gc-%p.log"), "-cp",
                System.getProperty("java.class.path"), LockupGuardTools.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        if (javaToolOptions != null) {
            builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        }
        return builder;
    }

    /** What the JVMs that ran wrote first in their collector logs: the collector each used. */
    private List<String> collectorsUsed() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().startsWith("gc-")).map(file -> {
                try {
                    return Files.readString(file).lines().filter(line -> line.contains("Using ")).findFirst()
                            .orElse("?").replaceAll(".*Using ", "");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).sorted().toList();
        }
    }

    @Test
    @Timeout(180)
    void shouldReplayALargeTimelineInASerialCollectorJvmWritingWhatTheReplayInThisJvmWrites() throws Exception {
        // given a machine on which the JVM picks G1 (two cores or more), and a timeline of 12,000 orders, above the
        // size that pays for a second JVM
        assumeTrue(pickedG1(), "the JVM picks the serial collector itself here");
        Path timeline = timeline(12_000);
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        // when it is replayed as a user replays it, with an option in JAVA_TOOL_OPTIONS
        Process replay = start(out, err, "-Dlockupguard.it=1", "replay", timeline.toString());
        // then it ran in a second JVM with the serial collector, started by the first, which G1 collects, and wrote,
        // byte for byte, what the replay writes in the JVM it was started in
        assertReplayedInASerialCollectorJvmAsInThisJvm(replay, timeline, out, err);
        // and the option from the environment was taken once, by the first JVM, and handed on on the command line
        assertThat(Files.readString(err)).isEqualTo("Picked up JAVA_TOOL_OPTIONS: -Dlockupguard.it=1"
                + System.lineSeparator());
    }

    @Test
    @Timeout(60)
    void shouldRefuseToWriteThePositionsOverTheFileRedirectedToStandardInput() throws Exception {
        // given a recorded timeline given as standard input (large: a second JVM reads it), and the positions asked
        // for in that very file
        Path timeline = timeline(12_000);
        byte[] recorded = Files.readAllBytes(timeline);
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        // when it is replayed
        Process replay = builder(out, err, null, "replay", "--positions", timeline.toString(), "-")
                .redirectInput(timeline.toFile()).start();
        // then it is refused, and the recording is left as it was
        assertThat(replay.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(replay.exitValue()).isEqualTo(2);
        assertThat(Files.readString(err)).contains("is the timeline itself");
        assertThat(Files.readAllBytes(timeline)).isEqualTo(recorded);
    }

    @Test
    @Timeout(60)
    void shouldSayStandardInputIsClosedRatherThanReadTheFileTheJvmOpenedInItsPlace() throws Exception {
        // given a replay of standard input started with standard input closed (<&-), as a supervisor may start it
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        ProcessBuilder java = builder(out, err, null, "replay", "-");
        List<String> command = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" <&-", "sh"));
        command.addAll(java.command());
        // when
        Process replay = java.command(command).start();
        // then it says so, rather than reading the JVM's own modules file as a timeline
        assertThat(replay.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(replay.exitValue()).isEqualTo(2);
        assertThat(Files.readString(err)).isEqualTo("cannot replay -: standard input is closed"
                + System.lineSeparator());
        assertThat(out).isEmptyFile();
    }

    @Test
    @Timeout(180)
    void shouldReplayALargeFileRedirectedToStandardInputInTheSerialCollectorJvmToo() throws Exception {
        // given a timeline of 12,000 orders given as standard input, as "replay - < FILE" gives it
        assumeTrue(pickedG1(), "the JVM picks the serial collector itself here");
        Path timeline = timeline(12_000);
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        ProcessBuilder replay = builder(out, err, null, "replay", "-").redirectInput(timeline.toFile());
        // when it is replayed
        Process process = replay.start();
        // then in the second JVM, which read the file from the first one's standard input, every line of it
        assertReplayedInASerialCollectorJvmAsInThisJvm(process, timeline, out, err);
    }

    /** That {@code replay} ended well, in a serial-collector JVM the first (G1) one started, as it does in this one. */
    private void assertReplayedInASerialCollectorJvmAsInThisJvm(Process replay, Path timeline, Path out, Path err)
            throws Exception {
        assertThat(replay.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(replay.exitValue()).as(Files.readString(err)).isZero();
        assertThat(collectorsUsed()).containsExactly("G1", "Serial");
        StringWriter inProcess = new StringWriter();
        assertThat(CapturedCommand.run(inProcess, new StringWriter(), "replay", timeline.toString())).isZero();
        assertThat(Files.readString(out)).hasLineCount(12_001).isEqualTo(inProcess.toString());
    }

    @Test
    @Timeout(180)
    void shouldLoadTheReplaysClassesFromTheArchiveTheBuildWroteBesideTheJar() throws Exception {
        // given the jar as the build left it, with its class archive, and a timeline of 12,000 orders
        assumeTrue(pickedG1(), "the JVM picks the serial collector itself here");
        Path jar = Path.of("target/lockup-guard.jar");
        assumeTrue(builtWithItsClassArchive(jar), "the jar was built without its class archive (-Dexec.skip)");
        Path timeline = timeline(12_000);
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        // when it is replayed as a user replays it, java -jar, each JVM logging where it loaded its classes from
        Process replay = replayWithClassLogs(jar, timeline, out, err);
        // then the replay's output is its decisions alone, and the serial-collector JVM took thousands of its
        // classes from the archive, the first JVM none
        assertOnlyDecisions(replay, out, err);
        assertThat(classesFromTheArchiveBy("Serial")).isGreaterThan(1_000);
        assertThat(classesFromTheArchiveBy("G1")).isZero();
    }

    @Test
    @Timeout(180)
    void shouldPassOverAClassArchiveThatNoLongerFitsTheJarWithoutAWordOnTheReplaysOutput() throws Exception {
        // given the jar and its archive moved elsewhere (the archive names the jar where it was built), its libraries
        // beside it, and a timeline of 12,000 orders
        assumeTrue(pickedG1(), "the JVM picks the serial collector itself here");
        Path built = Path.of("target/lockup-guard.jar");
        assumeTrue(builtWithItsClassArchive(built), "the jar was built without its class archive (-Dexec.skip)");
        Path moved = Files.createDirectories(dir.resolve("moved"));
        Path jar = Files.copy(built, moved.resolve(built.getFileName()));
        Files.copy(built.resolveSibling(ReplayJvm.CLASS_ARCHIVE), moved.resolve(ReplayJvm.CLASS_ARCHIVE));
        Files.createSymbolicLink(moved.resolve("lib"), built.resolveSibling("lib").toAbsolutePath());
        Path timeline = timeline(12_000);
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        // when it is replayed from there
        Process replay = replayWithClassLogs(jar, timeline, out, err);
        // then the replay's output is its decisions alone, though the JVM could not map the archive ("Unable to use
        // shared archive", which it writes to standard output unless told not to), and loaded the classes itself
        assertOnlyDecisions(replay, out, err);
        assertThat(classesFromTheArchiveBy("Serial")).isZero();
    }

    /** Whether the build wrote the class archive beside {@code jar} after the jar. */
    private static boolean builtWithItsClassArchive(Path jar) throws IOException {
        Path archive = jar.resolveSibling(ReplayJvm.CLASS_ARCHIVE);
        return Files.isRegularFile(archive)
                && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0;
    }

    /** Starts {@code java -jar jar replay timeline}, each JVM logging its collector and whence it loaded classes. */
    private Process replayWithClassLogs(Path jar, Path timeline, Path out, Path err) throws IOException {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Xlog:gc:file=" + dir.resolve("gc-%p.log"), "-Xlog:class+load:file=" + dir.resolve("classes-%p.log"),
                "-jar", jar.toString(), "replay", timeline.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    /** That {@code replay} ended well, and wrote a decision per order and nothing else. */
    private static void assertOnlyDecisions(Process replay, Path out, Path err) throws Exception {
        assertThat(replay.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(replay.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readAllLines(out)).hasSize(12_001)
                .allSatisfy(line -> assertThat(line).startsWith("{\"orderId\":\"").endsWith("}"));
        assertThat(Files.readString(err)).isEmpty();
    }

    /** How many classes the JVM that used {@code collector} loaded from a dynamic class archive. */
    private long classesFromTheArchiveBy(String collector) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Path gcLog = files.filter(file -> file.getFileName().toString().startsWith("gc-")).filter(file -> {
                try {
                    return Files.readString(file).contains("Using " + collector);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).findFirst().orElseThrow();
            Path classLog = gcLog.resolveSibling(gcLog.getFileName().toString().replace("gc-", "classes-"));
            try (Stream<String> lines = Files.lines(classLog)) {
                return lines.filter(line -> line.endsWith("source: shared objects file (top)")).count();
            }
        }
    }

    /** A replay started as a user starts it: the JVM started, and the serial-collector JVM it started. */
    private record RunningReplay(Process started, ProcessHandle child) {
        void kill() {
            started.destroyForcibly();
            child.destroyForcibly(); // once the first is killed, nothing else stops it
        }
    }

    /** A replay of 300,000 orders under way in its second JVM, writing to {@code out}, its first decisions written. */
    private RunningReplay replayUnderWay(Path out, Path err) throws IOException {
        Process replay = start(out, err, null, "replay", timeline(300_000).toString());
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> replay.descendants().findAny().isPresent() && Files.size(out) > 0);
            return new RunningReplay(replay, replay.descendants().findFirst().orElseThrow());
        } catch (RuntimeException | Error e) {
            replay.descendants().forEach(ProcessHandle::destroyForcibly);
            replay.destroyForcibly();
            throw e;
        }
    }

    /**
     * Whether {@code process} has ended: gone, or a zombie, which is all an orphan is until the process it was handed
     * to reaps it (a container whose first process is the build may never do so) and which isAlive takes for alive.
     */
    private static boolean exited(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            return !process.isAlive() || stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return !process.isAlive();
        }
    }

    /** That {@code out} holds at least one answer and fewer than {@code fewerThan}, every one written whole. */
    private static void assertWholeAnswers(Path out, int fewerThan) throws IOException {
        assertThat(Files.readAllLines(out)).isNotEmpty().hasSizeLessThan(fewerThan)
                .allSatisfy(line -> assertThat(line).startsWith("{\"orderId\":\"").endsWith("}"));
    }

    @Test
    @Timeout(180)
    void shouldStopTheReplaysJvmWhenStoppedWritingOutEveryLineItAnswered() throws Exception {
        // given a replay of 300,000 orders under way in its second JVM, its first decisions written
        assumeTrue(pickedG1(), "the JVM picks the serial collector itself here");
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        RunningReplay replay = replayUnderWay(out, err);
        try {
            // when the JVM the user started, and it alone, is sent SIGTERM (as timeout, kill or systemd send it)
            replay.started().toHandle().destroy();
            // then the replay's JVM is stopped too, after the line it was on, and the first exits as a stopped JVM
            assertThat(replay.started().waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            assertThat(replay.started().exitValue()).isEqualTo(STOPPED_BY_SIGTERM);
            assertThat(replay.child().isAlive()).as("the replay's JVM is left running").isFalse();
            // with every line it answered written whole, and the stop said on stderr
            assertWholeAnswers(out, 300_001);
            assertThat(Files.readString(err)).contains("replay stopped by a signal");
        } finally {
            replay.kill();
        }
    }

    @Test
    @Timeout(120)
    void shouldAnswerAPipeGivenByItsNameLineByLineAndStopOnASignalWithEveryAnswerWritten() throws Exception {
        // given a named pipe (as mkfifo, /dev/stdin or a shell's <(command) give one), and a replay reading it
        Path pipe = dir.resolve("timeline.fifo");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        Process replay = start(out, err, null, "replay", pipe.toString());
        try (OutputStream writer = Files.newOutputStream(pipe)) {
            // when the letter's agreement and a sale are written to it, and the writer then says nothing more
            List<String> letter = Files.readAllLines(Path.of("examples/letter-2003.jsonl"));
            writer.write((String.join("\n", letter.subList(0, 4)) + "\n").getBytes(StandardCharsets.UTF_8));
            writer.flush();

            // then the sale is answered at once, not held back until the pipe ends
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("\"orderId\":\"e1\""));

            // and a signal stops the replay, still waiting on the pipe, with every answer written and the stop said
            replay.toHandle().destroy();
            assertThat(replay.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            assertThat(replay.exitValue()).isEqualTo(STOPPED_BY_SIGTERM);
            assertThat(Files.readString(out)).contains("\"orderId\":\"e1\"");
            assertThat(Files.readString(err)).contains("replay stopped by a signal")
                    .doesNotContain("stopping anyway");
        } finally {
            replay.destroyForcibly();
        }
    }

    @Test
    @Timeout(120)
    void shouldStopOnASignalWhileWaitingForANamedPipesWriterWithoutWaitingOutTheHook() throws Exception {
        // given a replay of a named pipe that no writer has opened yet: opening it waits for one
        Path pipe = dir.resolve("unopened.fifo");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        Process replay = start(out, err, null, "replay", pipe.toString());
        try {
            assumeTrue(Files.isReadable(Path.of("/proc/self/wchan")), "no /proc/PID/wchan to see the wait in");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !replay.isAlive() || waitingForAPipesOtherEnd(replay));

            // when it is sent SIGTERM
            replay.toHandle().destroy();

            // then it stops, saying so, having ended the wait itself: the hook did not wait its 5 s out for it
            assertThat(replay.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            assertThat(replay.exitValue()).isEqualTo(STOPPED_BY_SIGTERM);
            assertThat(Files.readString(err)).contains("replay stopped by a signal")
                    .doesNotContain("stopping anyway");
            assertThat(Files.readString(out)).isEmpty();
        } finally {
            replay.destroyForcibly();
        }
    }

    @Test
    @Timeout(120)
    void shouldRefuseADirectoryOnStandardInputBeforeEmptyingThePositionsFile() throws Exception {
        // given the positions an earlier replay wrote, and a directory redirected to standard input by mistake
        Path positions = dir.resolve("positions.jsonl");
        Files.writeString(positions, "kept\n");
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        ProcessBuilder replay = builder(out, err, null, "replay", "--positions", positions.toString(), "-");
        List<String> shell = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" < \"$0\"", dir.toString()));
        shell.addAll(replay.command());

        // when it runs (a shell redirects it: Java cannot open a directory to give it)
        Process started = replay.command(shell).start();

        // then it is refused as a timeline that cannot be read, and the positions are still there, as for a named one
        assertThat(started.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(err)).contains("cannot replay -: Is a directory");
        assertThat(started.exitValue()).isEqualTo(2);
        assertThat(positions).hasContent("kept");
    }

    /** Whether a thread of {@code process} waits in the kernel for the other end of a named pipe to open it. */
    private static boolean waitingForAPipesOtherEnd(Process process) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            return tasks.anyMatch(task -> {
                try {
                    return Files.readString(task.resolve("wchan")).equals("wait_for_partner");
                } catch (IOException gone) {
                    return false;
                }
            });
        }
    }

    @Test
    @Timeout(180)
    void shouldStopTheReplaysJvmWhenTheJvmThatStartedItIsKilledOutright() throws Exception {
        // given a replay of 300,000 orders under way in its second JVM, its first decisions written
        assumeTrue(pickedG1(), "the JVM picks the serial collector itself here");
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");
        RunningReplay replay = replayUnderWay(out, err);
        try {
            // when the JVM the user started is killed (SIGKILL: no shutdown hook of its runs to stop the child)
            replay.started().destroyForcibly();
            assertThat(replay.started().waitFor(10, TimeUnit.SECONDS)).isTrue();
            // then the replay's JVM stops by itself soon after, instead of replaying the rest for no one
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .alias("the replay's JVM is left running").until(() -> exited(replay.child()));
            // short of the end, after writing out every line it answered whole, and saying why it stopped
            assertWholeAnswers(out, 300_000);
            assertThat(Files.readString(err)).contains("is gone (killed)");
        } finally {
            replay.kill();
        }
    }
}
