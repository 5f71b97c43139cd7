package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker command in its own JVM, stopped as Ctrl-C stops it (the JVM's shutdown, here by SIGTERM). */
class BrokerShutdownIT {

    private static final String STALE = "bootstrap.servers=127.0.0.1:1\n";

    @TempDir
    Path tmp;

    @TempDir
    Path logs;

    @TempDir
    Path scripts;

    @Test
    @Timeout(180)
    void shouldReplaceAStaleEndpointsFileAndDeleteItsOwnWhenStopped() throws Exception {
        // given the endpoints file of an earlier run that was killed, and a broker started on the same file
        Path endpoints = Files.writeString(scripts.resolve("kafka.endpoints"), STALE);
        Path log = logs.resolve("broker.log");
        Process broker = CommandProcess.start(tmp, log, "broker", "--nodes", "1", "--endpoints-file",
                endpoints.toString());
        try {
            // then a script waiting for the file reads this run's endpoints, never the earlier run's
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    // the command's own line, not the embedded cluster's log line that also says "broker(s) up",
                    // which comes before the registry starts and the file is written
                    .until(() -> Files.readString(log).contains("broker(s) up, and a schema registry"));
            assertThat(endpoints).content().startsWith("bootstrap.servers=").isNotEqualTo(STALE);
            // and a schema registry beside the brokers, which run and produce need too, answering Confluent's API
            String registry = Files.readAllLines(endpoints).get(1);
            assertThat(registry).startsWith("schema.registry.url=http://127.0.0.1:");
            HttpResponse<String> subjects = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    registry.substring("schema.registry.url=".length()) + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(subjects.statusCode()).isEqualTo(200);
            assertThat(subjects.body()).isEqualTo("[]");
            // when it is stopped (Ctrl-C)
            broker.destroy();
            assertThat(broker.waitFor(90, TimeUnit.SECONDS)).isTrue();
            // then the file went with it, so that the next script does not take it for a running broker
            assertThat(endpoints).as("broker log:%n%s", Files.readString(log)).doesNotExist();
            assertThat(CommandProcess.entries(scripts, "")).isEmpty();
        } finally {
            broker.destroyForcibly();
        }
    }
}
