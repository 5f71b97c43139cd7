package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.cli.CommandProcess;
import com.lockupguard.tools.registry.SchemaRegistryServer;
import com.lockupguard.topology.TopicNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} in a JVM of its own, stopped by SIGTERM (as Ctrl-C stops it) while it writes: it says how many lines
 * it wrote, and exactly those lines reached its reader, so that a timeline cut short does not pass for a whole one.
 */
@Timeout(240)
class ExportStopIT {

    private static final int ORDERS = 20_000;

    @TempDir
    Path dir;

    private static final String SCOPE = "export-stop-" + UUID.randomUUID();
    private static TestKafka kafka;
    private static SchemaRegistryServer registry;
    private static Map<String, String> settings;

    /**
     * A broker whose orders topic holds 20,000 orders, far more than a pipe holds as timeline lines; one for the
     * class: each test only reads it.
     */
    @BeforeAll
    static void ordersOnTheTopic(@TempDir Path timeline) throws Exception {
        kafka = TestKafka.start(1);
        registry = new SchemaRegistryServer.Builder(InMemorySchemaRegistry.scope(SCOPE)).host("127.0.0.1").start();
        settings = GuardInstance.settings(kafka, "export-stop", SCOPE);
        settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TopicNames.defaults().agreementAudit(), 4, (short) 1)
                    .configs(Map.of("retention.ms", "-1")))).all().get(30, TimeUnit.SECONDS);
        }
        StringWriter produced = new StringWriter();
        assertThat(GuardCommand.run(List.of("produce"), settings, new StringWriter(), produced, "--no-guard-wait",
                OneHoldingOrders.write(timeline.resolve("orders.jsonl"), ORDERS).toString()))
                .as(produced.toString()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        try (TestKafka closedLast = kafka; SchemaRegistryServer closedFirst = registry) {
            InMemorySchemaRegistry.dropScope(SCOPE);
        }
    }

    @Test
    void shouldSayHowManyLinesItWroteWhenStoppedBySigtermWhileWritingToAPipe() throws Exception {
        // given `export` writing to a named pipe, whose reader takes the first line and then stops reading, so that
        // the export waits, its lines unwritten, when the signal comes
        PipedExport piped = PipedExport.start(dir, settings);
        try {
            // when it is sent SIGTERM, and its reader then reads on to the end
            piped.export().destroy();
            piped.readOn().countDown();
            assertThat(piped.export().waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> lines = piped.read().get(30, TimeUnit.SECONDS);

            // then its JVM ended as a signal ends it, having said after how many lines it stopped and that the
            // timeline is not whole; and the reader got exactly those lines, each whole, fewer than all
            String said = Files.readString(piped.log());
            assertThat(piped.export().exitValue()).as("exit code of a JVM ended by SIGTERM:%n%s", said)
                    .isEqualTo(143);
            Matcher stopped = Pattern.compile("cannot export: stopped by a signal after ([\\d,]+) lines: the "
                    + "timeline written is not whole").matcher(said);
            assertThat(stopped.find()).as(said).isTrue();
            assertThat(said).doesNotContain("exported ");
            assertThat(lines).hasSize(Integer.parseInt(stopped.group(1).replace(",", "")))
                    .hasSizeLessThan(ORDERS).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
            assertThat(lines.get(lines.size() - 1)).contains("\"orderId\":\"o" + lines.size() + "\"");
        } finally {
            piped.close();
        }
    }

    @Test
    void shouldStillSayItWasStoppedWhenItsReaderTakesNoMoreLines() throws Exception {
        // given `export` writing to a named pipe whose reader takes the first line and no more, holding the pipe
        // open (`export | less`, left on its first page)
        PipedExport piped = PipedExport.start(dir, settings);
        try {
            // when it is sent SIGTERM while it waits to write (the pipe full: a signal before would meet it reading)
            piped.awaitWritingToAFullPipe();
            long signalled = System.nanoTime();
            piped.export().destroy();

            // then its JVM ended as a signal ends it within seconds, having said that it was stopped while its
            // output took no more lines, and how many it had written at most
            assertThat(piped.export().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(30));
            String said = Files.readString(piped.log());
            assertThat(piped.export().exitValue()).as("exit code of a JVM ended by SIGTERM:%n%s", said)
                    .isEqualTo(143);
            assertThat(said).containsPattern("cannot export: stopped by a signal while its output took no more "
                    + "lines, after at most [\\d,]+ lines, the last perhaps cut short: the timeline written is not "
                    + "whole").doesNotContain("exported ");
        } finally {
            piped.close();
        }
    }

    /**
     * {@code export --output pipe} in a JVM of its own, logging to {@code log}, whose reader has taken the first line
     * and reads on only once {@code readOn} is released.
     */
    private record PipedExport(Process export, Path log, CountDownLatch readOn,
            CompletableFuture<List<String>> read) implements AutoCloseable {

        static PipedExport start(Path dir, Map<String, String> settings) throws Exception {
            Path pipe = dir.resolve("timeline.pipe");
            assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
            CountDownLatch firstLineRead = new CountDownLatch(1);
            CountDownLatch readOn = new CountDownLatch(1);
            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> readAll(pipe, firstLineRead,
                    readOn));
            List<String> arguments = new ArrayList<>(List.of("export"));
            settings.forEach((key, value) -> arguments.addAll(List.of("--set", key + "=" + value)));
            arguments.addAll(List.of("--output", pipe.toString()));
            Path log = dir.resolve("export.log");
            PipedExport piped = new PipedExport(CommandProcess.start(dir, log, arguments.toArray(String[]::new)),
                    log, readOn, read);
            try {
                assertThat(firstLineRead.await(120, TimeUnit.SECONDS)).as("a first line read").isTrue();
            } catch (AssertionError | InterruptedException e) {
                piped.close();
                throw e;
            }
            return piped;
        }

        /** Waits until a thread of the export waits to write to the pipe, full (Linux: its tasks' wait channels). */
        void awaitWritingToAFullPipe() {
            Path tasks = Path.of("/proc", String.valueOf(export.pid()), "task");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                try (Stream<Path> each = Files.list(tasks)) {
                    return each.anyMatch(task -> {
                        try {
                            return Files.readString(task.resolve("wchan")).contains("pipe_write");
                        } catch (IOException gone) {
                            return false; // a thread that ended meanwhile
                        }
                    });
                }
            });
        }

        @Override
        public void close() throws Exception {
            readOn.countDown();
            export.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            read.get(30, TimeUnit.SECONDS);
        }
    }

    /** Every line from {@code pipe}: the first, then, after {@code readOn}, the rest to its end. */
    private static List<String> readAll(Path pipe, CountDownLatch firstLineRead, CountDownLatch readOn) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(pipe, StandardCharsets.UTF_8)) {
            lines.add(in.readLine());
            firstLineRead.countDown();
            readOn.await();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
            return lines;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
