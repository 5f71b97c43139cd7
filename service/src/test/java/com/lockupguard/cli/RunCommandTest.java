package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code run} refuses a bad configuration before it connects to anything, naming the setting. */
class RunCommandTest {

    /** {@code run} with {@code arguments}, its standard error into {@code err}; the exit code. */
    private static int run(StringWriter err, String... arguments) {
        CommandLine command = new CommandLine(new RunCommand());
        command.setErr(new PrintWriter(err));
        return command.execute(arguments);
    }

    @Test
    void shouldHideCredentialsOfARefusedUrlInTheConfigurationError() {
        // given a URL with credentials that the guard refuses
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--set", "api.auth.jwt.jwks.url=http://idp:jwks-pass@issuer.example/jwks");

        // then the message quoting it names the setting and the URL, not the password
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("configuration error").contains("api.auth.jwt.jwks.url")
                .contains("http://issuer.example/jwks").doesNotContain("jwks-pass");
    }

    @Test
    void shouldRefuseAnHttpPortOptionThatASetSettingGivesOtherwise() {
        // given
        StringWriter err = new StringWriter();

        // when (seen in a review: --http-port silently beat --set, which says it overrides all others)
        int exit = run(err, "--http-port", "8081", "--set", "http.port=9090");

        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("configuration error: --http-port 8081 and --set http.port=9090 "
                + "disagree: give one of them" + System.lineSeparator());
    }

    @Test
    void shouldReadASetSettingsNameWithoutTheSpacesAroundIt() {
        // given a name given with a space before it, as a shell quoting the whole --set may leave it (seen in a
        // review: warned of as unknown, and the topics created with the default partitions for good)
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--set", " topics.partitions=0");

        // then it is the guard's setting, and its value is checked as such
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: Invalid value 0 for configuration "
                + "topics.partitions");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldSayInOneLineThatTheHttpPortIsTaken() throws Exception {
        // given a port another process listens on
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();

            // when
            int exit = run(err, "--http-port", Integer.toString(taken.getLocalPort()), "--set",
                    "bootstrap.servers=127.0.0.1:1");

            // then one line says so in the words of the settings, not a stack trace nor the web server's classes
            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("cannot start: the HTTP port " + taken.getLocalPort() + " on "
                    + "127.0.0.1 is in use: stop what listens there, or give the guard another (http.port, or "
                    + "--http-port)" + System.lineSeparator());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldSayWhyTheHttpApiCannotListenWhereNothingElseListensEither() {
        // given an address no interface of this machine has (TEST-NET-1), with the token serving beyond it needs; not
        // where the system lets a process bind an address it does not have (net.ipv4.ip_nonlocal_bind)
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress("192.0.2.1", 0));
            org.junit.jupiter.api.Assumptions.abort("this machine lets a process bind 192.0.2.1");
        } catch (IOException expected) {
            // as on most machines: the address is not this machine's
        }
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "18999", "--set", "http.host=192.0.2.1", "--set",
                "api.token=" + "t".repeat(32), "--set", "bootstrap.servers=127.0.0.1:1");

        // then one line says what the system said, not that a port is taken that nothing holds
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("cannot start: the HTTP API cannot listen on 192.0.2.1:18999 "
                + "(java.net.BindException: ").contains("): check http.host and http.port")
                .doesNotContain("in use").hasLineCount(1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldSayInOneLineThatNoBootstrapServerResolves() {
        // given a bootstrap server no name service knows
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "-1", "--set", "bootstrap.servers=no-such-broker.invalid:9092");

        // then
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("cannot start: ").contains("No resolvable bootstrap urls")
                .doesNotContain("\tat ").hasLineCount(1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldLetGoOfTheHttpPortWhenTheStartFailsAfterTheServerStarted() throws Exception {
        // given a free port for the HTTP API, and a bootstrap server no name service knows
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        StringWriter err = new StringWriter();

        // when the start fails after the web server took the port
        int exit = run(err, "--http-port", Integer.toString(port), "--set",
                "bootstrap.servers=no-such-broker.invalid:9092");

        // then the port is free again: the server was stopped with the rest
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("cannot start: ");
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.isBound()).isTrue();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseALoginItsClientsCannotReadAsAConfigurationErrorBeforeConnecting() {
        // given a SASL login whose closing semicolon is left out (Kafka reads it only as each client is made)
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "-1", "--set", "bootstrap.servers=127.0.0.1:1",
                "--set", "security.protocol=SASL_SSL", "--set", "sasl.mechanism=SCRAM-SHA-512",
                "--set", "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"guard\" password=\"s3cret\"");

        // then it is a configuration error naming the setting, not "cannot start" with three exceptions' names
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString().strip()).isEqualTo(
                "configuration error: sasl.jaas.config (of Kafka Streams' producer): JAAS config entry not "
                        + "terminated by semi-colon");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseATlsStoreThatIsNotThereAsAConfigurationErrorBeforeConnecting(@TempDir Path dir) {
        // given a trust store path mistyped (Kafka loads it only as each client is made)
        StringWriter err = new StringWriter();
        Path missing = dir.resolve("truststore.jks");

        // when
        int exit = run(err, "--http-port", "-1", "--set", "bootstrap.servers=127.0.0.1:1",
                "--set", "security.protocol=SSL", "--set", "ssl.truststore.location=" + missing);

        // then it is a configuration error naming the setting and the path, not "cannot start" under Kafka's trace
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString().strip()).isEqualTo("configuration error: ssl.truststore.location (of Kafka "
                + "Streams' producer): " + missing + " does not exist");
    }

    @ParameterizedTest
    @ValueSource(strings = {"statestore.cache.max.bytes", "cache.max.bytes.buffering"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseARecordCacheOfNoBytesUnderWhichNoPositionWouldBePublished(String setting) {
        // given a record cache of no bytes (positions are published as the cache flushes them)
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set", setting + "=0");

        // then it is refused before anything is asked of the cluster, naming the setting and why
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: ").contains(setting)
                .contains("with no cache would publish none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"main.consumer.isolation.level", "restore.consumer.isolation.level"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseAConsumerOfKafkaStreamsReadingWhatTransactionsAbortedUnderExactlyOnce(String setting) {
        // given a consumer of Kafka Streams told to read uncommitted records, which it passes on (seen: an order
        // of an aborted transaction decided, where the plain and consumer. settings are overridden)
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set",
                setting + "=read_uncommitted");

        // then it is refused before anything is asked of the cluster, naming the setting
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: ").contains(setting)
                .contains("under exactly-once the guard reads committed records only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"600001", "9223372036854775807"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseADecisionTimeoutBeyondTenMinutes(String timeout) {
        // given a decision timeout beyond what a pre-trade check waits (seen: Long.MAX_VALUE accepted, every order
        // then a 500 of a long overflow, and a stop that never closed Kafka Streams)
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set",
                "api.decision.timeout.ms=" + timeout);

        // then it is refused before anything is asked of the cluster, naming the setting
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: ").contains("api.decision.timeout.ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto.offset.reset=latest", "consumer.auto.offset.reset=latest",
        "main.consumer.auto.offset.reset=latest", "main.consumer.auto.offset.reset=none"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseAConsumerOfKafkaStreamsThatWouldSkipTheInputsItHasNotRead(String setting) {
        // given a main consumer told to start a partition it has no position on at its end (seen: 9 orders on the
        // topic before the first start, none decided, nothing said)
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set", setting);

        // then it is refused before anything is asked of the cluster, naming the setting as given (seen in a review:
        // auto.offset.reset told as main.consumer.auto.offset.reset) and why
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: Invalid value "
                + setting.substring(setting.indexOf('=') + 1) + " for configuration "
                + setting.substring(0, setting.indexOf('=')) + ": ")
                .contains("a consumer that starts elsewhere skips orders and agreements");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "fetch.max.wait.ms=40000|fetch.max.wait.ms|Kafka Streams' main consumer",
        "consumer.fetch.max.wait.ms=30000|consumer.fetch.max.wait.ms|Kafka Streams' main consumer",
        "main.consumer.fetch.max.wait.ms=30000|main.consumer.fetch.max.wait.ms|Kafka Streams' main consumer",
        "request.timeout.ms=400|request.timeout.ms|Kafka Streams' main consumer",
        "consumer.request.timeout.ms=500|consumer.request.timeout.ms|Kafka Streams' main consumer",
        "main.consumer.fetch.max.wait.ms=100 fetch.max.wait.ms=40000|fetch.max.wait.ms|the decision feed's consumer",
        "fetch.max.wait.ms=45000 consumer.fetch.max.wait.ms=40000|consumer.fetch.max.wait.ms|Kafka Streams' main",
        "consumer.fetch.max.wait.ms=40000 main.consumer.fetch.max.wait.ms=50000|main.consumer.fetch.max.wait.ms|Kafka",
        "fetch.max.wait.ms=500 main.consumer.request.timeout.ms=300|main.consumer.request.timeout.ms|Kafka Streams'"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseAConsumerWhoseFetchesWouldTimeOutBeforeTheBrokerAnswers(String settings, String named,
            String client) {
        // given a consumer whose fetches wait on the broker at least as long as it waits for an answer (seen: the
        // decision feed failing every two minutes on a healthy, idle cluster, "no fetch answered for 120 s")
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("--http-port", "-1", "--set", "bootstrap.servers=127.0.0.1:1"));
        for (String setting : settings.split(" ")) {
            args.addAll(List.of("--set", setting));
        }

        // when
        int exit = run(err, args.toArray(String[]::new));

        // then it is refused before anything is asked of the cluster, naming the client, and the setting as it was
        // given, the one closer to the client of the two (seen: "main.consumer.fetch.max.wait.ms" for a plain
        // fetch.max.wait.ms, and fetch.max.wait.ms for a lowered request.timeout.ms), and why
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: ").contains(" for configuration " + named + ": ")
                .contains(client).contains("would time out each fetch of quiet topics before the broker answers it")
                .contains(named.endsWith("request.timeout.ms") ? "keep it well above" : "keep it well below");
    }

    @ParameterizedTest
    @ValueSource(strings = {"producer.partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner",
        "partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner",
        "producer.partitioner.ignore.keys=true"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseAPartitionerThatWouldSendAHoldingsAnswersElsewhereThanItsKeysPartition(String setting) {
        // given Kafka Streams' producer told to partition otherwise than by key (seen: one holding's decisions on five
        // partitions of orders-blocked)
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set", setting);

        // then it is refused before anything is asked of the cluster, naming the setting as given
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: Invalid value "
                + setting.substring(setting.indexOf('=') + 1) + " for configuration "
                + setting.substring(0, setting.indexOf('=')) + ": ")
                .contains("the guard writes each answer to its holding's partition");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "deserialization.exception.handler=org.apache.kafka.streams.errors.LogAndContinueExceptionHandler",
        "processing.exception.handler=org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler",
        "production.exception.handler=org.apache.kafka.streams.errors.DefaultProductionExceptionHandler",
        "default.production.exception.handler=org.apache.kafka.streams.errors.DefaultProductionExceptionHandler",
        "processing.exception.handler.global.enabled=false",
        "default.timestamp.extractor=org.apache.kafka.streams.processor.WallclockTimestampExtractor",
        "errors.dead.letter.queue.topic.name=elsewhere"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseASettingThatWouldReplaceHowTheGuardHandlesARecordItCannotTake(String setting) {
        // given a handler (also under its older name, which Kafka Streams reads where the new one is not given), an
        // extractor or a dead-letter topic of the user's (seen: taken in silence, Kafka Streams' LogAndContinue
        // skipping the records the guard waits for while the registry is away)
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set", setting);

        // then it is refused, naming it
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: ").contains(setting.substring(0,
                setting.indexOf('='))).contains("leave it unset");
    }

    @Test
    void shouldSayWhyAConfigFileCannotBeRead() {
        // given a --config file that does not exist
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--config", "/no-such-folder/guard.properties");

        // then the file is named, with why, not only its path
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString().strip()).isEqualTo(
                "configuration error: cannot read /no-such-folder/guard.properties: no such file");
    }

    @Test
    void shouldNameAConfigFileThatIsNotAPropertiesFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // given a file whose escape is cut short
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("guard.properties"),
                "application.id=desk\\u00\n");
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--config", file.toString());

        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: cannot read " + file + ": not a properties file: ")
                .doesNotContain("\tat ");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldTakeTheHttpPortOptionAsTheHttpPortSetting() {
        // given a port no server can listen on, given by --http-port, and no cluster to reach
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--http-port", "70000", "--set", "bootstrap.servers=127.0.0.1:1");

        // then it is checked as http.port is, before anything starts
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("configuration error: ").contains("http.port").contains("70000");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "schema.registry.url=ftp://desk:pa ss@r1:8081",
        "schema.registry.url=http://desk:pa ss@r1:8081",
        "schema.registry.url=http://r0:8081,https://desk:p4://x@r2:8081",
        "api.auth.jwt.jwks.url=https://desk:pa ss@issuer.example/jwks",
        "api.auth.jwt.jwks.url=https://desk:p4://x@issuer.example/jwks"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldHideAUrlWhosePasswordCannotBeToldFromItsHostInTheConfigurationError(String setting) {
        // given a URL whose unencoded password holds a space, or a "://", and no cluster to reach
        StringWriter err = new StringWriter();

        // when
        int exit = run(err, "--set", setting, "--set", "bootstrap.servers=127.0.0.1:1",
                "--set", "http.port=-1");

        // then the configuration error names the setting, and shows nothing of the password, not even in part
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        String name = setting.substring(0, setting.indexOf('='));
        assertThat(err.toString()).startsWith("configuration error: ").contains(name)
                .doesNotContain("desk").doesNotContain("pa ss").doesNotContain("ss@").doesNotContain("p4:");
    }
}
