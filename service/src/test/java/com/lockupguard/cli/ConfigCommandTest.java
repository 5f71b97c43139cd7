package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.lockupguard.testing.CapturedLogs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code config --check} shows what a configuration resolves to, its secrets hidden; {@code --acls} what to grant. */
class ConfigCommandTest {

    private static String run(String... arguments) {
        return runForExit(arguments).getValue();
    }

    /** The exit code and the output of {@code config} with {@code arguments}. */
    private static java.util.Map.Entry<Integer, String> runForExit(String... arguments) {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new ConfigCommand());
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(out));
        int exit = command.execute(arguments);
        return java.util.Map.entry(exit, out.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "producer.linger.ms=abc|Invalid value abc for configuration producer.linger.ms: Not a number of type LONG",
        "linger.ms=abc|Invalid value abc for configuration linger.ms: Not a number of type LONG",
        "admin.retries=x|Invalid value x for configuration admin.retries: Not a number of type INT",
        "consumer.max.poll.records=0|Invalid value 0 for configuration consumer.max.poll.records: Value must be at",
        "main.consumer.max.poll.records=0|Invalid value 0 for configuration main.consumer.max.poll.records",
        "restore.consumer.max.poll.records=0|Invalid value 0 for configuration restore.consumer.max.poll.records",
        "producer.ssl.cipher.suites=A,,B|Configuration 'producer.ssl.cipher.suites' values must not be empty",
        "producer.partitioner.class=x for configuration linger.ms: y|Invalid value x for configuration linger.ms: "
            + "y for configuration producer.partitioner.class",
        "schema.registry.url=ftp://registry:8081|a schema registry URL starts with http://, https:// or mock://",
        "consumer.enable.metrics.push=false|Kafka Streams metrics push enabled but consumer.enable.metrics is false",
        "main.consumer.enable.metrics.push=no|Invalid value no for configuration main.consumer.enable.metrics.push",
        "value.subject.name.strategy=Bogus|Invalid value Bogus for configuration value.subject.name.strategy",
        "topic.cleanup.policy=compact,delete|Kafka Streams would create the changelogs of the guard's state with it",
        "producer.batch.size=67108864|Invalid value 67108864 for configuration producer.batch.size: above "
            + "buffer.memory (33554432)",
        "producer.buffer.memory=1000|Invalid value 1000 for configuration producer.buffer.memory: below batch.size "
            + "(16384)",
        "main.consumer.session.timeout.ms=2500|Invalid value 2500 for configuration "
            + "main.consumer.session.timeout.ms: must be above heartbeat.interval.ms (3000)",
        "producer.request.timeout.ms=0|Invalid value 0 for configuration producer.request.timeout.ms: every request",
        "producer.max.block.ms=0|Invalid value 0 for configuration producer.max.block.ms: the producer could not wait",
        "producer.delivery.timeout.ms=1000|Invalid value 1000 for configuration producer.delivery.timeout.ms: must "
            + "be at least linger.ms + request.timeout.ms",
        "heartbeat.interval.ms=0|Invalid value 0 for configuration heartbeat.interval.ms: a group member must send",
        "main.consumer.heartbeat.interval.ms=50000|Invalid value 50000 for configuration "
            + "main.consumer.heartbeat.interval.ms: must be below session.timeout.ms (45000)"})
    void shouldRefuseAValueOneOfTheGuardsClientsWouldRefuseAtStart(String setting, String refusal) {
        // when a value only a Kafka client or the registry's client checks is given (named as it was given, not as
        // the client reads it: linger.ms for a producer.linger.ms)
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--set", "http.port=-1", "--set", setting);

        // then it is refused as run refuses it, before any cluster is asked
        assertThat(result.getKey()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(result.getValue()).contains("configuration error: ").contains(refusal)
                .doesNotContain("# topics");
    }

    @ParameterizedTest
    @ValueSource(strings = {"enable.auto.commit=true", "consumer.enable.auto.commit=true"})
    void shouldTakeAutoCommitForEveryConsumerAsKafkaStreamsTakesItWhichIgnoresIt(String setting) {
        // when auto-commit is asked of every consumer, as copied settings do: Kafka Streams ignores it for its own
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set", "http.port=-1",
                "--set", "bootstrap.servers=127.0.0.1:1", "--set", setting);

        // then the configuration is valid (seen: "enable.auto.commit cannot be set to true when default group id
        // (null) is used", exit 1 for the decision feed's consumer, which reads without a group)
        assertThat(result.getValue()).doesNotContain("configuration error").doesNotContain("group id");
        assertThat(result.getKey()).isZero();
    }

    @Test
    void shouldSayAtLeastOnceCanApproveMoreThanAnAgreementAllowsAsRunWarns() {
        // when
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set", "http.port=-1",
                "--set", "bootstrap.servers=127.0.0.1:1", "--set", "processing.guarantee=at_least_once");

        // then it is said, as run warns of it (seen: nothing said, exit 0)
        assertThat(result.getValue()).contains("# processing.guarantee=at_least_once: after a crash this guard may "
                + "count an order's shares twice or not at all");
    }

    @Test
    void shouldSayWhereARegistryPasswordWouldCrossTheNetworkInClearAsRunWarns() {
        // when
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set", "http.port=-1",
                "--set", "bootstrap.servers=127.0.0.1:1", "--set", "schema.registry.url=http://registry.example:8081",
                "--set", "basic.auth.credentials.source=USER_INFO", "--set", "basic.auth.user.info=reg:RegSecret");

        // then it is said (seen: nothing), the password not
        assertThat(result.getValue()).contains("# schema.registry.url http://registry.example:8081 is plain http to "
                + "another machine").doesNotContain("RegSecret");
    }

    @Test
    void shouldRefuseASettingGivenWithoutAName() {
        // when (seen: taken, and named among the unknown settings as nothing)
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--set", "http.port=-1", "--set", "=x");

        // then
        assertThat(result.getKey()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(result.getValue()).contains("configuration error: --set =...: the setting's name is missing");
    }

    @Test
    void shouldTakeAClientsMetricsPushGivenAsTextLikeAnyOtherSetting() {
        // given metrics push turned off for Kafka Streams and, as Kafka Streams requires then, for its consumer,
        // as text: as a file or the environment gives every setting
        // when
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set", "http.port=-1",
                "--set", "bootstrap.servers=127.0.0.1:1", "--set", "enable.metrics.push=false", "--set",
                "consumer.enable.metrics.push=false", "--set", "admin.enable.metrics.push=false");

        // then it is a valid configuration (Kafka Streams 4.4 cast the text to a boolean, and failed)
        assertThat(result.getValue()).doesNotContain("configuration error");
        assertThat(result.getKey()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SASL_PLAINTEXT|sasl.jaas.config|org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"guard\" password=\"s3cret\"|JAAS config entry not terminated by semi-colon",
        "SASL_SSL|producer.sasl.jaas.config|com.example.NoSuchLoginModule required username=\"guard\" "
            + "password=\"s3cret\";|producer.sasl.jaas.config (of Kafka Streams' producer): no login module "
            + "com.example.NoSuchLoginModule on the class path",
        "SASL_PLAINTEXT|sasl.jaas.config|com.sun.security.auth.module.JndiLoginModule required;"
            + "|JndiLoginModule is not allowed",
        "sasl_plaintext|sasl.jaas.config|org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"guard\" password=\"s3cret\"|JAAS config entry not terminated by semi-colon",
        "SASL_PLAINTEXT|sasl.jaas.config|org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=guard password=my s3cret;|Value not specified for key '...' in JAAS config"})
    void shouldRefuseALoginTheClientsCouldNotReadBeforeAskingTheCluster(String protocol, String setting, String login,
            String refusal) {
        // given a SASL client's login that Kafka's clients would refuse only as they are made: a semicolon left out
        // (under a protocol written in lower case too, which Kafka takes), a login module not there or not allowed,
        // a password of two words left unquoted

        // when
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--set", "http.port=-1",
                "--set", "security.protocol=" + protocol, "--set", "sasl.mechanism=PLAIN",
                "--set", setting + "=" + login);

        // then it is refused as a configuration error, as run now refuses it, and not "topics not checked"; and no
        // word of the password is shown
        assertThat(result.getKey()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(result.getValue()).contains("configuration error: " + setting + " (of ").contains(refusal)
                .doesNotContain("# topics").doesNotContain("s3cret");
    }

    @Test
    void shouldRefuseATlsStoreNoClientCouldLoadBeforeAskingTheCluster(@TempDir Path dir) throws Exception {
        // given a trust store that is there, and a key store for Kafka Streams' producer alone that is a directory
        Path trust = Files.writeString(dir.resolve("truststore.jks"), "not checked here: Kafka reads the content");

        // when
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--set", "http.port=-1",
                "--set", "security.protocol=SSL", "--set", "ssl.truststore.location=" + trust,
                "--set", "producer.ssl.keystore.location=" + dir);

        // then it is refused as run refuses it, naming the setting as given, the client and the path, not "topics
        // not checked" and exit 0 under Kafka's stack trace
        assertThat(result.getKey()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(result.getValue()).contains("configuration error: producer.ssl.keystore.location (of Kafka Streams' "
                + "producer): " + dir + " is not a file this process can read").doesNotContain("# topics");
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "2147484"})
    void shouldRefuseATimeoutThatWouldAskTheClusterNothingOrOverflow(String seconds) {
        // when --check is given a timeout of no time, or of more milliseconds than the admin client takes
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", seconds, "--set",
                "http.port=-1");

        // then it is a usage error naming the option and its range, not "topics not checked" and exit 0
        assertThat(result.getKey()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(result.getValue()).contains("--timeout " + seconds + ": from 1 to 2147483 seconds")
                .doesNotContain("# topics");
    }

    @Test
    void shouldNameSettingsNeitherTheGuardNorKafkasClientsKnow() throws Exception {
        // given a loopback port nothing listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        // when two names are misspelt, beside known ones with and without a client's prefix
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set",
                "http.port=-1", "--set", "bootstrap.servers=127.0.0.1:" + port, "--set", "comit.interval.ms=100",
                "--set", "producer.lingr.ms=5", "--set", "producer.linger.ms=5", "--set",
                "main.consumer.fetch.min.bytes=1", "--set", "basic.auth.user.info=u:p", "--set",
                "schema.registry.basic.auth.user.info=u:p", "--set", "topic.orders=desk-orders", "--set",
                "client.tag.zone=eu-1", "--set", "value.subject.name.strategy=RecordNameStrategy", "--set",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "--set", "producer.topics.partitions=3", "--set", "main.consumer.commit.interval.ms=5",
                "--set", "main.consumer.processing.exception.handler.global.enabled=true");

        // then they are named, once, and the check goes on: they are not errors; and so are settings of the guard
        // and of Kafka Streams under a client's prefix, which that client does not read (seen in a review)
        assertThat(result.getValue()).contains("# settings neither the guard nor Kafka's clients know, so without "
                + "effect (misspelt?): comit.interval.ms, main.consumer.commit.interval.ms, producer.lingr.ms, "
                + "producer.topics.partitions" + System.lineSeparator());
        assertThat(result.getKey()).isZero();
    }

    @Test
    void shouldRefuseATopicSettingWithinTwoLettersOfAKnownOneOnWhichNoChangelogCouldBeCreated() {
        // given a misspelt guard topic name and a misspelt topic setting, beside ones Kafka and the guard know
        for (String[] misspelt : new String[][] {{"topic.aproved=desk-approved", "topic.approved"},
            {"topic.retention.msec=1000", "topic.retention.ms"}}) {
            // when
            java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set",
                    "http.port=-1", "--set", "topic.min.insync.replicas=2", "--set",
                    "topic.leader.replication.throttled.replicas=*", "--set", "topic.orders=desk-orders",
                    "--set", misspelt[0]);

            // then it is refused, named, with what was meant, before the cluster is asked: Kafka Streams would pass
            // it on to its changelogs, which the broker would then refuse to create, and the guard never start
            String name = misspelt[0].substring(0, misspelt[0].indexOf('='));
            assertThat(result.getKey()).as(name).isEqualTo(LockupGuardCli.EXIT_USAGE);
            assertThat(result.getValue()).as(name).contains("configuration error: Invalid value "
                    + misspelt[0].substring(name.length() + 1) + " for configuration " + name + ": Kafka has no topic "
                    + "setting '" + name.substring("topic.".length()) + "'").contains("did you mean " + misspelt[1]);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "api.auth.jwt.isuer=https://idp.example|api.auth.jwt.isuer: the guard has no such setting, and nothing else "
            + "reads settings under api., so it would have no effect: did you mean api.auth.jwt.issuer?",
        "topics.partition=12|topics.partition: the guard has no such setting, and nothing else reads settings under "
            + "topics., so it would have no effect: did you mean topics.partitions?",
        "http.ssl.keystore.pasword=s3cret|http.ssl.keystore.pasword: the guard has no such setting, and nothing "
            + "else reads settings under http., so it would have no effect: did you mean http.ssl.keystore.password?",
        "http.connect.timeout.msec=5000|http.connect.timeout.msec: the guard has no such setting, and nothing else "
            + "reads settings under http., so it would have no effect: did you mean http.connect.timeout.ms?",
        "order.ids.keep.days=90|order.ids.keep.days: the guard has no such setting, and nothing else reads settings "
            + "under order.ids., so it would have no effect (`lockup-guard config` lists the guard's settings)"})
    void shouldRefuseASettingUnderTheGuardsOwnNamesThatIsNotOneOfItsOwn(String setting, String refusal) {
        // when a setting under a name only the guard reads is given, misspelt (a misspelt issuer left tokens of
        // every issuer accepted) or not the guard's at all
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set",
                "http.port=-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set", setting);

        // then it is refused, named, with what was meant when it is near enough, and without its value (a secret?)
        assertThat(result.getKey()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(result.getValue()).contains("configuration error: " + refusal).doesNotContain("s3cret");
    }

    @Test
    void shouldNotRefuseWhatKubernetesGivesAPodForAServiceNamedLikeTheGuardsSettings() {
        // when the variables of a Service named lockup-guard-http (and one named lockup-guard-api, with a named
        // port) are read as settings, but for the links, which are left out as they are read
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set",
                "http.port=-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set", "http.service.host=10.96.0.12",
                "--set", "http.service.port=8080", "--set", "http.port.8080.tcp.proto=tcp", "--set",
                "http.port.8080.tcp.port=8080", "--set", "http.port.8080.tcp.addr=10.96.0.12", "--set",
                "api.service.port.https=8443");

        // then the guard is not refused because of a Service's name: they are only named as unknown
        assertThat(result.getKey()).isZero();
        assertThat(result.getValue()).contains("(misspelt?): api.service.port.https, http.port.8080.tcp.addr");
    }

    @Test
    void shouldTakeALingerThatKafkasProducerTakesWhateverItsSumWithTheRequestTimeout() {
        // given / when a linger near the largest int under exactly_once_v2, whose delivery timeout Kafka Streams sets
        // to the largest int: Kafka's producer caps linger.ms + request.timeout.ms there, and takes it
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set",
                "http.port=-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set", "producer.linger.ms=2147483000");

        // then
        assertThat(result.getValue()).doesNotContain("configuration error");
    }

    @Test
    void shouldTakeTheRegistryClientsSettingsUnderTheGuardsOwnNames() {
        // when the registry client's timeouts, which Confluent's client names http.*, are given
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set",
                "http.port=-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set", "http.connect.timeout.ms=5000",
                "--set", "http.read.timeout.ms=5000");

        // then they are taken, and not named as unknown
        assertThat(result.getKey()).isZero();
        assertThat(result.getValue()).doesNotContain("misspelt?");
    }

    @Test
    void shouldNameButTakeATopicSettingOfAnotherBroker() {
        // given a topic setting Confluent Server takes and Apache Kafka's topics do not
        // when
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set",
                "http.port=-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set",
                "topic.confluent.placement.constraints={\"version\":1}");

        // then it is taken, and named as one Kafka's clients do not know
        assertThat(result.getKey()).isZero();
        assertThat(result.getValue()).contains("(misspelt?): topic.confluent.placement.constraints");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bootstrap.servers=localhost|bootstrap.servers (of Kafka Streams' producer): localhost is not",
        "bootstrap.servers=127.0.0.1:abc|bootstrap.servers (of Kafka Streams' producer): 127.0.0.1:abc is not",
        "bootstrap.servers=k1:99999999999|bootstrap.servers (of Kafka Streams' producer): k1:99999999999 is not",
        "bootstrap.servers=k1:9092,k2:99999|bootstrap.servers (of Kafka Streams' producer): k2:99999 is not",
        "admin.bootstrap.servers=k1|admin.bootstrap.servers (of Kafka Streams' admin): k1 is not"})
    void shouldRefuseABootstrapServerThatIsNotAHostAndPort(String setting, String refusal) {
        // when a broker's address Kafka's clients parse only as they are made is not host:port
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--set", "http.port=-1", "--set", setting);

        // then it is refused as a configuration error, before any cluster is asked (seen in a review: run stopped
        // with exit 1 under "Failed to create new KafkaAdminClient", and config --check said the cluster refused)
        assertThat(result.getKey()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(result.getValue()).contains("configuration error: " + refusal + " a broker's host:port")
                .doesNotContain("# topics");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "default.value.serde=org.apache.kafka.common.serialization.StringSerializer|default.value.serde (of Kafka "
            + "Streams): org.apache.kafka.common.serialization.StringSerializer is not a Serde",
        "task.assignor.class=java.lang.String|task.assignor.class (of Kafka Streams): java.lang.String is not a "
            + "TaskAssignor",
        "metric.reporters=java.lang.String|metric.reporters (of Kafka Streams): java.lang.String is not a "
            + "MetricsReporter",
        "producer.interceptor.classes=java.lang.String|producer.interceptor.classes (of Kafka Streams' producer): "
            + "java.lang.String is not a ProducerInterceptor",
        "consumer.interceptor.classes=no.such.Interceptor|consumer.interceptor.classes (of Kafka Streams' main "
            + "consumer): no class no.such.Interceptor on the class path",
        "admin.metric.reporters=java.lang.Object|admin.metric.reporters (of Kafka Streams' admin): java.lang.Object "
            + "is not a MetricsReporter"})
    void shouldRefuseAClassThatIsNotOfTheKindItsSettingLoads(String setting, String refusal) {
        // when a class Kafka loads as it makes a client, or as Kafka Streams runs, is not of the kind it must be
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--set", "http.port=-1", "--set", setting);

        // then it is refused as a configuration error naming the setting as given (seen in a review: exit 1 under a
        // ClassCastException, or a stream thread replaced for ever, after config --check passed it)
        assertThat(result.getKey()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(result.getValue()).contains("configuration error: " + refusal).doesNotContain("# topics");
    }

    @Test
    void shouldTakeClassesOfTheKindTheirSettingsLoad() {
        // when
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set", "http.port=-1",
                "--set", "bootstrap.servers=127.0.0.1:1",
                "--set", "metric.reporters=org.apache.kafka.common.metrics.JmxReporter",
                "--set", "default.value.serde=com.lockupguard.serde.SpecificAvroSerde");

        // then the settings pass; only the cluster is not there
        assertThat(result.getValue()).doesNotContain("configuration error").contains("# topics not checked");
    }

    @Test
    void shouldTakeBrokerNamesThatDoNotResolveHereForAClusterThatDidNotAnswer() {
        // when the check runs where the cluster's names are not known (a CI runner, say)
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "3", "--set",
                "http.port=-1", "--set", "bootstrap.servers=kafka1.example.invalid:9092");

        // then it is reported as a cluster that did not answer, in the guard's words, and the configuration passes
        assertThat(result.getValue()).contains("# topics not checked: no name in bootstrap.servers "
                + "(kafka1.example.invalid:9092) resolves from here: is bootstrap.servers right and the cluster up?");
        assertThat(result.getKey()).isZero();
    }

    @Test
    void shouldSayInOneLineThatTheClusterDidNotAnswerWithoutTheClientsWarnings() throws Exception {
        // given a loopback port nothing listens on, and what Kafka's clients log recorded
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        CapturedLogs logged = CapturedLogs.of("org.apache.kafka");
        java.util.Map.Entry<Integer, String> result;
        try (logged) {
            // when
            result = runForExit("--check", "--timeout", "3", "--set", "http.port=-1", "--set",
                    "bootstrap.servers=127.0.0.1:" + port);
        }

        // then: reported, not an error of the configuration, which is valid (a CI step checks it with no cluster)
        assertThat(result.getValue()).contains("# topics not checked: Kafka did not answer within 3 s");
        assertThat(result.getKey()).isZero();
        assertThat(logged.messagesAtLeast(Level.WARN)).isEmpty();
    }

    @Test
    void shouldSayAsRunWouldThatTheRocksDbBoundCannotHoldTheMemtablesOfEveryStore() {
        // given a 16 MiB bound, whose memtables' share holds 56 stores, for 12 partitions' 60, and no cluster
        // when
        java.util.Map.Entry<Integer, String> result = runForExit("--check", "--timeout", "1", "--set",
                "http.port=-1", "--set", "bootstrap.servers=127.0.0.1:1", "--set", "rocksdb.memory.bytes=16777216",
                "--set", "topics.partitions=12", "--set", "num.standby.replicas=0");

        // then the start-up warning is said, with the bound that would hold them and where the count came from
        assertThat(result.getValue()).contains("# rocksdb: `run` would warn: rocksdb.memory.bytes=16777216 holds the "
                + "memtables of 56 RocksDB stores, and this instance may hold 60 (12 partitions, 5 stores each, "
                + "standbys included)").contains("Raise it to at least 18874368 (18 MiB), or "
                + "rocksdb.memory.write.buffer.ratio [12 partitions: topics.partitions, the topics not checked]");
        assertThat(result.getKey()).isZero();
    }

    @Test
    void shouldSayWhatTheDefaultRocksDbBoundHoldsAndWhenItIsOff() {
        // given the default bound, then none, and no cluster
        // when
        String bounded = run("--check", "--timeout", "1", "--set", "http.port=-1", "--set",
                "bootstrap.servers=127.0.0.1:1");
        String unbounded = run("--check", "--timeout", "1", "--set", "http.port=-1", "--set",
                "bootstrap.servers=127.0.0.1:1", "--set", "rocksdb.memory.bytes=-1");

        // then the first holds the default 6 partitions with a standby each, and the second says it is not bounded
        assertThat(bounded).contains("# rocksdb: rocksdb.memory.bytes=268435456 holds the memtables of 896 RocksDB "
                + "stores, and this instance may hold 60 (6 partitions, 5 stores each, standbys included) [6 "
                + "partitions: topics.partitions, the topics not checked]").doesNotContain("would warn");
        assertThat(unbounded).contains("# rocksdb: rocksdb.memory.bytes=-1: not bounded");
    }

    @Test
    void shouldHideEverySecretTheGuardAndKafkaTakeInConfigCheck() {
        // given every secret setting, each with a value that must not show
        String[][] secrets = {
            {"api.token", "dev-token-value"},
            {"api.service.token", "peer-token-value"},
            {"http.ssl.keystore.password", "keystore-pass-value"},
            {"http.ssl.key.password", "key-pass-value"},
            {"http.ssl.truststore.password", "truststore-pass-value"},
            {"sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"g\" "
                + "password=\"jaas-pass-value\";"},
            {"ssl.keystore.password", "kafka-keystore-pass-value"},
            {"basic.auth.user.info", "registry:registry-pass-value"},
            {"schema.registry.basic.auth.user.info", "registry:older-registry-pass-value"},
            // a PEM private key: named by nothing but Kafka's own definition of it as a password
            {"ssl.keystore.key", "-----BEGIN PRIVATE KEY-----pem-key-value"},
            {"producer.ssl.keystore.key", "-----BEGIN PRIVATE KEY-----producer-pem-key-value"},
            // defined by no Kafka configuration: the schema registry client's bearer token, a plug-in's secrets,
            // hidden by their names alone
            {"bearer.auth.token", "registry-bearer-value"},
            {"plugin.vault.password", "plugin-pass-value"},
            {"plugin.api.secret", "plugin-secret-value"},
            {"plugin.cloud.credentials", "plugin-credentials-value"},
        };
        String[] arguments = new String[secrets.length * 2 + 4];
        arguments[0] = "--set";
        arguments[1] = "http.port=-1";
        arguments[2] = "--set";
        arguments[3] = "bootstrap.servers=127.0.0.1:1";
        for (int i = 0; i < secrets.length; i++) {
            arguments[4 + 2 * i] = "--set";
            arguments[5 + 2 * i] = secrets[i][0] + "=" + secrets[i][1];
        }

        // when
        String output = run(arguments);

        // then each is listed, hidden
        for (String[] secret : secrets) {
            assertThat(output).contains(secret[0] + "=[hidden]").doesNotContain(secret[1]);
        }
        assertThat(output).doesNotContain("-value");
    }

    @Test
    void shouldHideCredentialsInRegistryUrlsInConfigCheck() {
        // given credentials in the registry URL (basic.auth.credentials.source=URL), in a list, and under a client's
        // prefix, which nothing reads
        String output = run("--check", "--timeout", "1", "--set", "http.port=-1",
                "--set", "bootstrap.servers=127.0.0.1:1",
                "--set", "schema.registry.url=http://r1:8081, https://bob:pw-two@r2:8081/sr",
                "--set", "basic.auth.credentials.source=URL",
                "--set", "producer.schema.registry.url=https://alice:s3cret@registry.example:8081",
                // an unencoded @ or comma in a password is still a password
                "--set", "consumer.schema.registry.url=https://carol:p@ss,w0rd@r3:8081");

        // when / then: each URL is listed without its user:password, and a setting no one reads is hidden whole
        assertThat(output).contains("schema.registry.url=http://r1:8081, https://r2:8081/sr")
                .contains("producer.schema.registry.url=[hidden]").contains("consumer.schema.registry.url=[hidden]")
                .doesNotContain("s3cret").doesNotContain("pw-two").doesNotContain("ss,w0rd")
                .doesNotContain("alice").doesNotContain("bob").doesNotContain("carol");
    }

    @Test
    void shouldHideAUrlWhosePasswordCannotBeToldFromItsHost() {
        // given registry URLs whose unencoded passwords hold a space, or a "://"
        String output = run("--check", "--timeout", "1", "--set", "http.port=-1",
                "--set", "bootstrap.servers=127.0.0.1:1",
                "--set", "schema.registry.url=http://desk:pa ss@r1:8081",
                "--set", "producer.schema.registry.url=http://desk:p4://x@r2:8081");
        // when / then: neither password shows, not even in part
        assertThat(output).contains("schema.registry.url=[hidden]").contains("producer.schema.registry.url=[hidden]")
                .doesNotContain("pa ss").doesNotContain("p4:").doesNotContain("desk");
    }

    @Test
    void shouldHideCredentialsOfARefusedUrlInTheConfigurationError() {
        // when a URL with credentials is refused, the message quoting it
        String output = run("--check", "--set", "api.auth.jwt.jwks.url=http://idp:jwks-pass@issuer.example/jwks");

        // then names the setting, not the password
        assertThat(output).contains("configuration error").contains("api.auth.jwt.jwks.url")
                .contains("http://issuer.example/jwks").doesNotContain("jwks-pass");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--acls --check|--acls and --check: one at a time",
        "--principal User:alice|--principal is the principal --acls grants to: without --acls it would be ignored",
        "--check --principal User:alice|--principal is the principal --acls grants to",
        "--timeout 3|--timeout is how long --check waits for the cluster: without --check it would be ignored",
        "--acls --timeout 3|--timeout is how long --check waits for the cluster"})
    void shouldRefuseAnOptionThatThisRunWouldIgnore(String options, String refusal) {
        // when an option is given that what is asked for does not use: --check --acls passed, having checked nothing
        java.util.List<String> arguments = new java.util.ArrayList<>(java.util.List.of(options.split(" ")));
        arguments.addAll(java.util.List.of("--set", "http.port=-1", "--set", "bootstrap.servers=127.0.0.1:1"));
        java.util.Map.Entry<Integer, String> result = runForExit(arguments.toArray(String[]::new));

        // then it is a usage error naming the option, and nothing is printed or asked
        assertThat(result.getKey()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(result.getValue()).contains(refusal).doesNotContain("--allow-principal")
                .doesNotContain("# topics").doesNotContain("bootstrap.servers=127.0.0.1:1");
    }

    @Test
    void shouldPrintTheAclsForTheConfiguredNamesAndPrincipal() {
        String output = run("--acls", "--set", "application.id=guard-eu", "--set", "topic.orders=eu-orders",
                "--principal", "User:guard-eu");
        assertThat(output).contains("--allow-principal User:guard-eu")
                .contains("--topic eu-orders")
                .contains("--operation Read --group guard-eu")
                .contains("--resource-pattern-type prefixed --transactional-id guard-eu-");
    }

    @Test
    void shouldQuoteAPrincipalThatAShellWouldSplitOrExpand() {
        // given the principal of a client certificate, with a space and a comma, and one with a quote and a $
        String certificate = run("--acls", "--principal", "User:CN=guard, OU=Trading");
        String odd = run("--acls", "--principal", "User:o'brien$HOME");
        // then each command takes it as one word, as written
        assertThat(certificate).contains("--allow-principal 'User:CN=guard, OU=Trading' \\")
                .doesNotContain("--allow-principal User:CN");
        assertThat(odd).contains("--allow-principal 'User:o'\\''brien$HOME' \\");
        // while a plain one is left bare, as it always was
        assertThat(run("--acls", "--principal", "User:guard-eu")).contains("--allow-principal User:guard-eu \\");
    }

    @Test
    void shouldGrantThePrincipalOfARolePrefixedLoginWhenEveryClientSharesIt() {
        // given a login given to each client under its role's prefix (as Kafka Streams passes them), none unprefixed
        String login = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"guard-eu\" "
                + "password=\"secret\";";
        // when
        String output = run("--acls", "--set", "security.protocol=SASL_SSL", "--set", "sasl.mechanism=SCRAM-SHA-512",
                "--set", "admin.sasl.jaas.config=" + login, "--set", "producer.sasl.jaas.config=" + login,
                "--set", "consumer.sasl.jaas.config=" + login);
        // then the ACLs are for that principal, not the default one
        assertThat(output).contains("--allow-principal User:guard-eu")
                .doesNotContain("User:lockup-guard").doesNotContain("different principals");
    }

    @Test
    void shouldGrantThePrincipalOfALoginWhoseUsernameIsUnquotedOrSingleQuotedAsKafkaReadsIt() {
        for (String username : new String[] {"alice", "'alice'", "\"alice\""}) {
            // given a login Kafka's JAAS parser takes, its username written one way or another
            String login = "org.apache.kafka.common.security.scram.ScramLoginModule required username=" + username
                    + " password=\"secret\";";
            // when
            String output = run("--acls", "--set", "security.protocol=SASL_SSL", "--set",
                    "sasl.mechanism=SCRAM-SHA-512", "--set", "sasl.jaas.config=" + login);
            // then the ACLs are for the principal it logs in as (seen: the default one, for all but double quotes)
            assertThat(output).as(username).contains("--allow-principal User:alice ")
                    .doesNotContain("User:lockup-guard").doesNotContain("secret");
        }
    }

    @Test
    void shouldSayWhichClientLogsInAsWhichPrincipalWhenTheyDiffer() {
        // given one login for all clients, and another for Kafka Streams' main consumer only
        String login = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" "
                + "password=\"secret\";";
        // when
        String output = run("--acls", "--set", "security.protocol=SASL_SSL", "--set", "sasl.mechanism=SCRAM-SHA-512",
                "--set", "sasl.jaas.config=" + login.formatted("guard"),
                "--set", "main.consumer.sasl.jaas.config=" + login.formatted("guard-reader"));
        // then the output says which client is which principal, and grants to both rather than to one
        assertThat(output).startsWith("# the guard's Kafka clients log in as different principals:")
                .containsPattern("(?m)^#   main consumer .*: User:guard-reader$")
                .containsPattern("(?m)^#   admin .*: User:guard$")
                .contains("--allow-principal User:guard \\").contains("--allow-principal User:guard-reader \\")
                .doesNotContain("User:lockup-guard").doesNotContain("secret");
    }

    @Test
    void shouldReportAnOpenNetworkApiInConfigCheck() {
        String output = run("--check", "--timeout", "1", "--set", "http.host=0.0.0.0", "--set",
                "bootstrap.servers=127.0.0.1:1");
        assertThat(output).contains("configuration error").contains("no authentication is configured");
    }
}
