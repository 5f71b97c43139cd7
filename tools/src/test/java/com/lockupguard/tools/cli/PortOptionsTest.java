package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortOptionsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldRefuseABrokerPortInUseBeforeStartingAnything() throws Exception {
        // given a port something listens on
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            // when the broker is asked to listen there
            int exitCode = CapturedCommand.run(out, err, "broker", "--nodes", "1", "--port", Integer.toString(port));

            // then it is a usage error naming the port, and no broker was started
            assertThat(exitCode).isEqualTo(2);
            assertThat(err.toString()).contains("--port " + port + ": port " + port + " of 127.0.0.1 is in use");
            assertThat(out.toString()).doesNotContain("bootstrap.servers");
        }
    }

    @Test
    void shouldRefuseTheDemosKafkaPortInUseBeforeStartingAnything() throws Exception {
        // given a port something listens on
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            // when the demo is asked to run its broker there
            int exitCode = CapturedCommand.run(out, err, "demo", "--kafka-port", Integer.toString(port));

            // then it is a usage error naming the port, before the demo says anything
            assertThat(exitCode).isEqualTo(2);
            assertThat(err.toString()).contains("--kafka-port " + port + ": port " + port + " of 127.0.0.1 is in use");
            assertThat(out.toString()).doesNotContain("Lockup Guard demo");
        }
    }

    @Test
    void shouldRefuseTheDemosDashboardPortInUseBeforeStartingAnything() throws Exception {
        // given the port the dashboard would take (8080 by default with --keep-running) taken
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            // when the demo is asked to keep running with its dashboard there
            int exitCode = CapturedCommand.run(out, err, "demo", "--keep-running", "--http-port",
                    Integer.toString(port));

            // then it is a usage error naming the option, rather than a web server's stack trace once Kafka is up
            assertThat(exitCode).isEqualTo(2);
            assertThat(err.toString()).contains("--http-port " + port + ": port " + port + " of 127.0.0.1 is in use")
                    .contains("or 0 for any free port");
            assertThat(out.toString()).doesNotContain("Lockup Guard demo");
        }
    }

    @Test
    void shouldRefuseTheDemosRegistryPortInUseBeforeStartingAnything() throws Exception {
        // given a port something listens on
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            // when the demo is asked to serve its registry there
            int exitCode = CapturedCommand.run(out, err, "demo", "--registry-port", Integer.toString(port));

            // then
            assertThat(exitCode).isEqualTo(2);
            assertThat(err.toString())
                    .contains("--registry-port " + port + ": port " + port + " of 127.0.0.1 is in use");
            assertThat(out.toString()).doesNotContain("Lockup Guard demo");
        }
    }

    @Test
    void shouldNameTheSettingThatGaveTheDashboardAPortInUse() throws Exception {
        // given a port something listens on
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            // when the dashboard's port is set among the guard's settings rather than with --http-port
            int exitCode = CapturedCommand.run(out, err, "demo", "--keep-running", "--set", "http.port=" + port);

            // then the refusal names the setting given
            assertThat(exitCode).isEqualTo(2);
            assertThat(err.toString())
                    .contains("--set http.port " + port + ": port " + port + " of 127.0.0.1 is in use");
        }
    }

    @Test
    void shouldRefuseOnePortGivenToTwoOfTheDemosServers() throws Exception {
        // given a port free a moment ago
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }

        // when the demo's broker and registry are both given it
        int exitCode = CapturedCommand.run(out, err, "demo", "--kafka-port", Integer.toString(port),
                "--registry-port", Integer.toString(port));

        // then the second would have failed to bind once the broker was up: refused at once
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--registry-port " + port + ": port " + port
                + " is given to --kafka-port too");
        assertThat(out.toString()).doesNotContain("Lockup Guard demo");
    }

    @Test
    void shouldRemoveAnEarlierRunsEndpointsFileWhenAPortIsRefused(@TempDir Path dir) throws Exception {
        // given the endpoints file a killed run left behind, and a port in use
        Path endpoints = Files.writeString(dir.resolve("endpoints"), "bootstrap.servers=127.0.0.1:1\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            // when a broker is asked for the port, writing its endpoints there
            int exitCode = CapturedCommand.run(out, err, "broker", "--nodes", "1", "--port",
                    Integer.toString(taken.getLocalPort()), "--endpoints-file", endpoints.toString());

            // then a script waiting for the file does not read the dead run's endpoints
            assertThat(exitCode).isEqualTo(2);
            assertThat(endpoints).doesNotExist();
        }
    }

    @Test
    void shouldRefuseBrokerPortsRunningPastTheLastPort() {
        // when three brokers would take 65534, 65535 and 65536
        int exitCode = CapturedCommand.run(out, err, "broker", "--nodes", "3", "--port", "65534");

        // then
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("ports 65534 to 65536 for 3 servers are not all ports (1-65535)");
    }
}
