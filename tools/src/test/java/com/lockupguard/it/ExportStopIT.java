package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.cli.CommandProcess;
import com.lockupguard.tools.registry.SchemaRegistryServer;
import com.lockupguard.topology.TopicNames;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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

    @Test
    void shouldSayHowManyLinesItWroteWhenStoppedBySigtermWhileWritingToAPipe() throws Exception {
        String scope = "export-stop-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1);
                SchemaRegistryServer registry = new SchemaRegistryServer.Builder(InMemorySchemaRegistry.scope(scope))
                        .host("127.0.0.1").start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()))) {
            // given 20,000 orders on the orders topic, far more than a pipe holds as timeline lines
            Map<String, String> settings = ordersOnTheTopic(kafka, registry, scope, admin);
            // and `export` writing them to a named pipe, whose reader takes the first line and then stops reading, so
            // that the export waits, its lines unwritten, when the signal comes
            Path pipe = dir.resolve("timeline.pipe");
            assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
            CountDownLatch firstLineRead = new CountDownLatch(1);
            CountDownLatch signalled = new CountDownLatch(1);
            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> readAll(pipe, firstLineRead,
                    signalled));
            Path log = dir.resolve("export.log");
            Process export = exportTo(settings, pipe, log);
            try {
                assertThat(firstLineRead.await(120, TimeUnit.SECONDS)).as("a first line read").isTrue();

                // when it is sent SIGTERM, and its reader then reads on to the end
                export.destroy();
                signalled.countDown();
                assertThat(export.waitFor(60, TimeUnit.SECONDS)).isTrue();
                List<String> lines = read.get(30, TimeUnit.SECONDS);

                // then its JVM ended as a signal ends it, having said after how many lines it stopped and that the
                // timeline is not whole; and the reader got exactly those lines, each whole, fewer than all
                String said = Files.readString(log);
                assertThat(export.exitValue()).as("exit code of a JVM ended by SIGTERM:%n%s", said).isEqualTo(143);
                Matcher stopped = Pattern.compile("cannot export: stopped by a signal after ([\\d,]+) lines: the "
                        + "timeline written is not whole").matcher(said);
                assertThat(stopped.find()).as(said).isTrue();
                assertThat(said).doesNotContain("exported ");
                assertThat(lines).hasSize(Integer.parseInt(stopped.group(1).replace(",", "")))
                        .hasSizeLessThan(ORDERS).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
                assertThat(lines.get(lines.size() - 1)).contains("\"orderId\":\"o" + lines.size() + "\"");
            } finally {
                signalled.countDown();
                export.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldStillSayItWasStoppedWhenItsReaderTakesNoMoreLines() throws Exception {
        String scope = "export-stuck-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1);
                SchemaRegistryServer registry = new SchemaRegistryServer.Builder(InMemorySchemaRegistry.scope(scope))
                        .host("127.0.0.1").start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()))) {
            // given `export` writing 20,000 orders to a named pipe whose reader takes the first line and no more,
            // holding the pipe open (`export | less`, left on its first page)
            Map<String, String> settings = ordersOnTheTopic(kafka, registry, scope, admin);
            Path pipe = dir.resolve("timeline.pipe");
            assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
            CountDownLatch firstLineRead = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> readAll(pipe, firstLineRead,
                    done));
            Path log = dir.resolve("export.log");
            Process export = exportTo(settings, pipe, log);
            try {
                assertThat(firstLineRead.await(120, TimeUnit.SECONDS)).as("a first line read").isTrue();

                // when it is sent SIGTERM while it waits to write
                long signalled = System.nanoTime();
                export.destroy();

                // then its JVM ended as a signal ends it within seconds, having said that it was stopped while its
                // output took no more lines, and how many it had written at most
                assertThat(export.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(30));
                String said = Files.readString(log);
                assertThat(export.exitValue()).as("exit code of a JVM ended by SIGTERM:%n%s", said).isEqualTo(143);
                assertThat(said).containsPattern("cannot export: stopped by a signal while its output took no more "
                        + "lines, after at most [\\d,]+ lines, the last perhaps cut short: the timeline written is not "
                        + "whole").doesNotContain("exported ");
            } finally {
                done.countDown();
                export.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                read.get(30, TimeUnit.SECONDS);
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** Every line from {@code pipe}: the first, then, after {@code signalled}, the rest to its end. */
    private static List<String> readAll(Path pipe, CountDownLatch firstLineRead, CountDownLatch signalled) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(pipe, StandardCharsets.UTF_8)) {
            lines.add(in.readLine());
            firstLineRead.countDown();
            signalled.await();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
            return lines;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The settings of a guard whose orders topic holds {@link #ORDERS} orders, sent by {@code produce}. */
    private Map<String, String> ordersOnTheTopic(TestKafka kafka, SchemaRegistryServer registry, String scope,
            Admin admin) throws Exception {
        Map<String, String> settings = GuardInstance.settings(kafka, "export-stop", scope);
        settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        admin.createTopics(List.of(new NewTopic(TopicNames.defaults().agreementAudit(), 4, (short) 1)
                .configs(Map.of("retention.ms", "-1")))).all().get(30, TimeUnit.SECONDS);
        StringWriter produced = new StringWriter();
        assertThat(GuardCommand.run(List.of("produce"), settings, new StringWriter(), produced, "--no-guard-wait",
                orders(dir.resolve("orders.jsonl")).toString())).as(produced.toString()).isZero();
        return settings;
    }

    /** {@code export --output pipe} in a JVM of its own, logging to {@code log}. */
    private Process exportTo(Map<String, String> settings, Path pipe, Path log) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("export"));
        settings.forEach((key, value) -> arguments.addAll(List.of("--set", key + "=" + value)));
        arguments.addAll(List.of("--output", pipe.toString()));
        return CommandProcess.start(dir, log, arguments.toArray(String[]::new));
    }

    /** {@link #ORDERS} orders of one holding, a millisecond apart from now, one per line. */
    private static Path orders(Path file) throws Exception {
        Instant start = Instant.now();
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 1; i <= ORDERS; i++) {
                out.write("{\"type\":\"order\",\"at\":\"" + start.plusMillis(i) + "\",\"orderId\":\"o" + i
                        + "\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\","
                        + "\"quantity\":1}\n");
            }
        }
        return file;
    }
}
