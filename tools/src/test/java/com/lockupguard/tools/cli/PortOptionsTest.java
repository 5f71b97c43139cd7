package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    void shouldSayWhyADemoPortCannotBeListenedOnWhereNothingListensOnIt() throws Exception {
        // given an address no interface of this machine has (TEST-NET-1); not where the system lets a process bind
        // an address it does not have (net.ipv4.ip_nonlocal_bind)
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress("192.0.2.1", 0));
            org.junit.jupiter.api.Assumptions.abort("this machine lets a process bind 192.0.2.1");
        } catch (java.io.IOException expected) {
            // as on most machines: the address is not this machine's
        }

        // when the demo's dashboard is to listen there
        int exitCode = CapturedCommand.run(out, err, "demo", "--keep-running", "--http-port", "18997", "--set",
                "http.host=192.0.2.1", "--set", "api.token=" + "t".repeat(32));

        // then it is refused before anything starts, in the system's words, not as a port taken that nothing holds
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("port 18997 of 192.0.2.1 cannot be listened on (")
                .doesNotContain("is in use");
        assertThat(out.toString()).doesNotContain("Lockup Guard demo");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "--kafka-port %d                   | --kafka-port",
        "--registry-port %d                | --registry-port",
        // the dashboard's port: 8080 by default with --keep-running, often taken
        "--keep-running --http-port %d     | --http-port",
        "--keep-running --set http.port=%d | --set http.port"})
    void shouldRefuseADemoPortInUseNamingItsOptionBeforeStartingAnything(String arguments, String option)
            throws Exception {
        // given a port something listens on
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            // when one of the demo's servers is to listen there
            int exitCode = CapturedCommand.run(out, err, ("demo " + arguments.formatted(port)).split(" "));

            // then it is a usage error naming the option given, before the demo says anything (rather than, for
            // the dashboard, a web server's stack trace once Kafka is up)
            assertThat(exitCode).isEqualTo(2);
            assertThat(err.toString()).contains(option + " " + port + ": port " + port + " of 127.0.0.1 is in use")
                    .contains("or 0 for any free port");
            assertThat(out.toString()).doesNotContain("Lockup Guard demo");
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
