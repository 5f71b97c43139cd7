package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.lockupguard.testing.CapturedLogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GuardConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldEnableTheGlobalProcessingHandlerWhereThePartitionAssignorReadsItToo() {
        // given the settings Kafka Streams gets
        StreamsConfig streams = new StreamsConfig(new GuardConfig(Map.of()).streamsProperties());
        // when the partition assignor reads the main consumer's settings as Streams settings, as it does at start
        StreamsConfig assignors = new StreamsConfig(streams.getMainConsumerConfigs("g", "c", 0));
        // then both have the handler on, so neither warns at every start that it is off
        assertThat(streams.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isTrue();
        assertThat(assignors.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isTrue();
        // and one told otherwise is told so in both places
        StreamsConfig off = new StreamsConfig(new GuardConfig(Map.of(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "false")).streamsProperties());
        assertThat(new StreamsConfig(off.getMainConsumerConfigs("g", "c", 0))
                .getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.auth.role.submit", "api.auth.role.read", "api.auth.jwt.roles.claim"})
    void shouldRefuseARoleSettingWithAnEmptyValueWhichWouldGrantTheRoleToAnEmptyClaim(String name) {
        // given a comma too many, which Kafka's list type reads as a last, empty value
        assertThatThrownBy(() -> new GuardConfig(Map.of(name, "lockup-guard:submit,")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(name)
                .hasMessageContaining("empty value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void shouldRefuseNoRolesClaimAtAllUnderWhichNoTokenCouldBeGrantedARole(String value) {
        // when the claims roles are read from are given as none, then that is refused, naming the setting
        assertThatThrownBy(() -> new GuardConfig(Map.of("api.auth.jwt.roles.claim", value)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api.auth.jwt.roles.claim")
                .hasMessageContaining("names nothing");
        // and a role granted to no claim value is taken: a deployment may grant none the right to submit
        assertThatCode(() -> new GuardConfig(Map.of("api.auth.role.submit", value))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({"poll.ms, 1001", "poll.ms, 9223372036854775807", "poll.ms, 0",
            "positions.punctuation.interval.ms, 3600001", "positions.punctuation.interval.ms, 9223372036854775807"})
    void shouldRefuseAWaitLongEnoughToHoldTheGuardBack(String name, String value) {
        // when the setting is given so (seen: poll.ms=9223372036854775807 kept the guard in REBALANCING for good,
        // and poll.ms=20000 made a graceful stop take 20 s), then it is refused, naming it
        assertThatThrownBy(() -> new GuardConfig(Map.of(name, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(name);
        // and the bounds themselves are taken
        assertThatCode(() -> new GuardConfig(Map.of("poll.ms", "1000", "positions.punctuation.interval.ms",
                "3600000"))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void shouldRefuseAnEmptyListOfTlsVersionsWhichWouldLeaveThemToTheJvm(String value) {
        // given no TLS version named, as an unset variable gives: the HTTP server would then accept whatever
        // versions the JVM enables, TLS 1.0 included where its java.security allows it
        // when read, then refused, naming the setting
        assertThatThrownBy(() -> new GuardConfig(Map.of("http.ssl.enabled.protocols", value)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.ssl.enabled.protocols")
                .hasMessageContaining("must not be empty");
        // and one version named is taken
        assertThat(new GuardConfig(Map.of("http.ssl.enabled.protocols", "TLSv1.3"))
                .getList("http.ssl.enabled.protocols")).containsExactly("TLSv1.3");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"group.instance.id | ''", "group.instance.id | '  '",
        "main.consumer.group.instance.id | ''", "consumer.group.instance.id | ' '"})
    void shouldRefuseAnEmptyGroupInstanceIdUnderWhichEveryInstanceWouldFenceTheOthers(String name, String value) {
        // given an id that came through empty (an unset variable), which Kafka Streams would turn into "-1" on every
        // instance; when read, then refused, naming the setting
        assertThatThrownBy(() -> new GuardConfig(Map.of(name, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(name).hasMessageContaining("is empty: every instance would join under the "
                        + "same id and fence the others");
        // and an id given is taken, under any of those names
        assertThat(new GuardConfig(Map.of(name, "guard-eu-1")).streamsProperties()).containsEntry(name,
                "guard-eu-1");
    }

    @Test
    void shouldRunExactlyOnceWithDefaultsThatNeedNothingSet() {
        GuardConfig config = new GuardConfig(Map.of());
        Properties streams = config.streamsProperties();
        assertThat(streams.get("processing.guarantee")).isEqualTo("exactly_once_v2");
        assertThat(streams.get("application.id")).isEqualTo("lockup-guard");
        assertThat(streams.get("bootstrap.servers")).isEqualTo("localhost:9092");
        assertThat(streams.get("num.standby.replicas")).isEqualTo(1);
        assertThat(config.topicNames().orders()).isEqualTo("orders");
        assertThat(config.getString(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG)).isEqualTo("LogAppendTime");
    }

    @Test
    void shouldLetTheChangelogsTakeAnyTimestampUnlessTold() {
        // given no setting for Kafka Streams' own topics, and one that bounds how far back they take
        Properties byDefault = new GuardConfig(Map.of()).streamsProperties();
        Properties told = new GuardConfig(Map.of("topic.message.timestamp.before.max.ms", "604800000"))
                .streamsProperties();
        // then by default the changelogs Kafka Streams creates take any timestamp, as the guard's outputs do
        assertThat(byDefault).containsEntry("topic.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE))
                .containsEntry("topic.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        // and a setting given wins
        assertThat(told).containsEntry("topic.message.timestamp.before.max.ms", "604800000");
    }

    @Test
    void shouldBoundTheStoresNativeMemoryByDefaultAndTakeMinusOneForKafkaStreamsOwn() {
        // given no setting, and the settings that turn the bound off or change it
        GuardConfig byDefault = new GuardConfig(Map.of());
        GuardConfig unbounded = new GuardConfig(Map.of("rocksdb.memory.bytes", "-1"));
        GuardConfig told = new GuardConfig(Map.of("rocksdb.memory.bytes", "1073741824",
                "rocksdb.memory.write.buffer.ratio", "0.25"));

        // then every store shares 256 MiB, half of it for memtables, unless told
        assertThat(byDefault.getLong(GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG)).isEqualTo(256L * 1024 * 1024);
        assertThat(byDefault.getDouble(GuardConfig.ROCKSDB_MEMORY_WRITE_BUFFER_RATIO_CONFIG)).isEqualTo(0.5);
        assertThat(unbounded.getLong(GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG)).isEqualTo(-1);
        assertThat(told.getLong(GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG)).isEqualTo(1L << 30);
        assertThat(told.getDouble(GuardConfig.ROCKSDB_MEMORY_WRITE_BUFFER_RATIO_CONFIG)).isEqualTo(0.25);
        // and the guard's own settings are not Kafka Streams' (which would pass them on to its clients)
        assertThat(byDefault.streamsProperties()).doesNotContainKeys("rocksdb.memory.bytes",
                "rocksdb.memory.write.buffer.ratio");
    }

    @ParameterizedTest
    @CsvSource({"rocksdb.memory.bytes, 0", "rocksdb.memory.bytes, 1048576", "rocksdb.memory.bytes, -2",
            "rocksdb.memory.write.buffer.ratio, 0", "rocksdb.memory.write.buffer.ratio, 1",
            "rocksdb.memory.write.buffer.ratio, NaN", "rocksdb.memory.write.buffer.ratio, Infinity"})
    void shouldRefuseABoundTooSmallForAStoreAndAShareOfNoneOrAll(String name, String value) {
        // when the setting is given so, then it is refused, naming it (seen in a review: NaN passed config --check,
        // and run stopped with exit 1 once its web server had started)
        assertThatThrownBy(() -> new GuardConfig(Map.of(name, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(name);
    }

    @Test
    void shouldHaveTheChangelogsRollTheirSegmentsBySizeSoThatCompactionKeepsThemNearTheirStoresUnlessTold() {
        // given no setting for Kafka Streams' own topics, and one for their segments' size
        Properties byDefault = new GuardConfig(Map.of()).streamsProperties();
        Properties told = new GuardConfig(Map.of("topic.segment.bytes", "1073741824")).streamsProperties();

        // then by default the changelogs Kafka Streams creates roll at 64 MiB: the broker compacts rolled segments
        // only, and at its default (1 GiB) a changelog grew by a GiB per partition first. Not by time: the broker
        // measures segment.ms on the records' timestamps, which a replay of months spreads over months
        assertThat(byDefault).containsEntry("topic.segment.bytes", "67108864").doesNotContainKey("topic.segment.ms");
        // and a setting given wins
        assertThat(told).containsEntry("topic.segment.bytes", "1073741824");
    }

    @Test
    void shouldGiveKafkaStreamsNoCauseToWarnAtEveryStart() {
        // given Kafka Streams' own log, as a start reads it
        try (CapturedLogs logged = CapturedLogs.of(org.apache.kafka.streams.StreamsConfig.class)) {
            // when the guard's settings are read as Kafka Streams reads them
            new org.apache.kafka.streams.StreamsConfig(new GuardConfig(Map.of()).streamsProperties());

            // then nothing is worth a warning (it warned of a global thread's exception handler: the guard has none)
            assertThat(logged.messagesAtLeast(ch.qos.logback.classic.Level.WARN)).isEmpty();
        }
    }

    @Test
    void shouldPassUnknownKafkaSettingsThroughToStreamsAndSerdes() {
        GuardConfig config = new GuardConfig(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
                "ssl.truststore.location", "/etc/trust.jks", "max.poll.records", "250",
                "basic.auth.credentials.source", "USER_INFO"));
        Properties streams = config.streamsProperties();
        assertThat(streams).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("max.poll.records", "250");
        assertThat(config.clientProperties()).containsEntry("ssl.truststore.location", "/etc/trust.jks")
                .doesNotContainKey("max.poll.records");
        assertThat(config.serdeConfig()).containsEntry("basic.auth.credentials.source", "USER_INFO");
    }

    @Test
    void shouldGiveEachOfTheGuardsClientsEverySettingItsKafkaConfigurationDefines() {
        // given client settings of every kind, none of them prefixed
        GuardConfig config = new GuardConfig(Map.ofEntries(Map.entry("bootstrap.servers", "k1:9093, k2:9093"),
                Map.entry("client.id", "guard-eu"), Map.entry("metadata.max.age.ms", "60000"),
                Map.entry("security.providers", "com.example.HsmProviderCreator"),
                Map.entry("security.protocol", "SASL_SSL"), Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("ssl.truststore.location", "/etc/trust.jks"), Map.entry("max.poll.records", "250"),
                Map.entry("batch.size", "65536"), Map.entry("default.api.timeout.ms", "20000"),
                Map.entry("com.example.plugin.endpoint", "https://plugin.example")));

        // when
        Properties admin = config.adminProperties();
        Properties producer = config.producerProperties();
        Properties consumer = config.consumerProperties();

        // then those every client takes reach all three, bootstrap.servers as the guard reads it
        for (Properties client : List.of(admin, producer, consumer)) {
            assertThat(client).containsEntry("bootstrap.servers", "k1:9093,k2:9093")
                    .containsEntry("client.id", "guard-eu").containsEntry("metadata.max.age.ms", "60000")
                    .containsEntry("security.providers", "com.example.HsmProviderCreator")
                    .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.location", "/etc/trust.jks")
                    // a plug-in's setting, which no Kafka configuration defines, as Kafka Streams passes it on
                    .containsEntry("com.example.plugin.endpoint", "https://plugin.example");
        }
        // and each client's own only that client
        assertThat(consumer).containsEntry("max.poll.records", "250").containsEntry("default.api.timeout.ms", "20000")
                .doesNotContainKey("batch.size");
        assertThat(producer).containsEntry("batch.size", "65536")
                .doesNotContainKeys("max.poll.records", "default.api.timeout.ms");
        assertThat(admin).containsEntry("default.api.timeout.ms", "20000")
                .doesNotContainKeys("max.poll.records", "batch.size");
    }

    @Test
    void shouldLetTheRolePrefixWinForThatClientOnly() {
        // given a principal for all clients, and another, as for Kafka Streams' own admin, under admin.
        GuardConfig config = new GuardConfig(Map.of(
                "sasl.jaas.config", "ScramLoginModule required username=\"guard\" password=\"g\";",
                "admin.sasl.jaas.config", "ScramLoginModule required username=\"guard-admin\" password=\"a\";",
                "admin.bootstrap.servers", "admin-listener:9095",
                "producer.linger.ms", "0", "producer.client.id", "guard-pretrade",
                "consumer.max.poll.records", "50", "max.poll.records", "500", "consumer.fetch.max.wait.ms", "100"));

        // when
        Properties admin = config.adminProperties();
        Properties producer = config.producerProperties();
        Properties consumer = config.consumerProperties();

        // then the admin that provisions topics connects as guard-admin, wherever admin.* says
        assertThat(admin).containsEntry("sasl.jaas.config",
                        "ScramLoginModule required username=\"guard-admin\" password=\"a\";")
                .containsEntry("bootstrap.servers", "admin-listener:9095");
        // and the others as guard, each with its own prefixed settings, unprefixed
        assertThat(producer).containsEntry("sasl.jaas.config",
                        "ScramLoginModule required username=\"guard\" password=\"g\";")
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("linger.ms", "0").containsEntry("client.id", "guard-pretrade");
        assertThat(consumer).containsEntry("max.poll.records", "50").containsEntry("fetch.max.wait.ms", "100")
                .doesNotContainKeys("linger.ms", "client.id");
        // and no prefixed name reaches a client as it was given
        for (Properties client : List.of(admin, producer, consumer)) {
            assertThat(client.stringPropertyNames()).noneMatch(
                    key -> key.startsWith("admin.") || key.startsWith("producer.") || key.startsWith("consumer."));
        }
    }

    @Test
    void shouldKeepGuardOnlyAndKafkaStreamsOnlySettingsAwayFromTheGuardsClients() {
        // given the guard's own settings, Kafka Streams' own, and settings for Kafka Streams' internal clients
        GuardConfig config = new GuardConfig(Map.ofEntries(Map.entry("topics.partitions", "3"),
                Map.entry("topic.orders", "trades"), Map.entry("http.port", "9000"),
                Map.entry("api.token", "a-static-token-of-some-length"), Map.entry("topics.retention.check", "warn"),
                Map.entry("application.id", "guard-eu"), Map.entry("commit.interval.ms", "50"),
                Map.entry("num.stream.threads", "2"), Map.entry("state.dir", "/var/lib/guard"),
                Map.entry("processing.guarantee", "exactly_once_v2"), Map.entry("max.task.idle.ms", "0"),
                Map.entry("main.consumer.max.poll.records", "1000"), Map.entry("restore.consumer.client.rack", "r1"),
                Map.entry("global.consumer.fetch.min.bytes", "1"), Map.entry("topic.segment.bytes", "1048576")));

        // when / then none reaches any of the guard's own clients, prefixed or not
        for (Properties client : List.of(config.adminProperties(), config.producerProperties(),
                config.consumerProperties())) {
            assertThat(client).containsOnlyKeys("bootstrap.servers");
        }
    }

    @Test
    void shouldLeaveAPartitionerMeantForTheStreamThreadsOutOfTheProducerOfTheGuardsInputs() {
        // given a partitioner, and keys ignored, set for Kafka Streams' producer (which writes the outputs)
        GuardConfig config = new GuardConfig(Map.of("partitioner.class", RoundRobinPartitioner.class.getName(),
                "producer.partitioner.ignore.keys", "true"));

        // when
        Properties inputs = config.producerProperties();
        Map<String, Object> streams = new StreamsConfig(config.streamsProperties()).getProducerConfigs("guard");

        // then the producer of POST /api/orders and of produce partitions by key, as the guard reads its inputs (an
        // order on another partition is dead-lettered WRONG_PARTITION), while Kafka Streams' keeps both
        assertThat(inputs).doesNotContainKeys("partitioner.class", "partitioner.ignore.keys");
        assertThat(streams).containsEntry("partitioner.class", RoundRobinPartitioner.class.getName())
                .containsEntry("partitioner.ignore.keys", "true");
    }

    @Test
    void shouldKeepIdentitiesOfKafkaStreamsClientsFromTheFeedAndTheApiProducer() {
        // given Kafka Streams' group protocol, static membership and a transactional id, prefixed and not
        Map<String, String> settings = Map.of("group.protocol", "streams", "group.instance.id", "guard-1",
                "consumer.group.instance.id", "guard-1", "consumer.group.id", "someone-elses",
                "transactional.id", "guard-tx", "producer.transactional.id", "guard-tx");
        GuardConfig config = new GuardConfig(settings);

        // when
        Properties consumer = config.consumerProperties();
        Properties producer = config.producerProperties();

        // then the feed, which reads by assignment, joins no group, and the API's producer is not transactional
        assertThat(consumer).doesNotContainKeys("group.protocol", "group.instance.id", "group.id");
        assertThat(producer).doesNotContainKey("transactional.id");
        // and both are valid configurations of their clients (group.protocol=streams is not, for a consumer)
        consumer.put("key.deserializer", StringDeserializer.class.getName());
        consumer.put("value.deserializer", StringDeserializer.class.getName());
        assertThatCode(() -> new ConsumerConfig(consumer)).doesNotThrowAnyException();
        producer.put("key.serializer", StringSerializer.class.getName());
        producer.put("value.serializer", StringSerializer.class.getName());
        assertThatCode(() -> new ProducerConfig(producer)).doesNotThrowAnyException();
    }

    @Test
    void shouldKeepGuardOnlySettingsAwayFromKafkaClients() {
        GuardConfig config = new GuardConfig(Map.of("topics.partitions", "3", "topic.orders", "trades",
                "http.port", "9000", "api.token", "t", "topics.retention.check", "warn", "commit.interval.ms", "50"));
        assertThat(config.streamsProperties()).doesNotContainKeys("topics.partitions", "topic.orders", "http.port",
                "api.token", "topics.retention.check").containsEntry("commit.interval.ms", 50L);
        assertThat(config.topicNames().orders()).isEqualTo("trades");
    }

    @Test
    void shouldTellGuardSettingsFromKafkaOnesByTheirDefinitions() {
        // every setting the guard defines is either Kafka Streams' or the serdes' (passed on), or its own
        for (String name : GuardConfig.definition().names()) {
            boolean kafkaOrSerde = org.apache.kafka.streams.StreamsConfig.configDef().names().contains(name)
                    || com.lockupguard.serde.AvroSerdeConfig.definition().names().contains(name);
            assertThat(GuardConfig.isGuardOnlySetting(name)).as(name).isEqualTo(!kafkaOrSerde);
        }
        assertThat(GuardConfig.isGuardOnlySetting("bootstrap.servers")).isFalse();
        assertThat(GuardConfig.isGuardOnlySetting("positions.punctuation.interval.ms")).isTrue();
    }

    @Test
    void shouldNameTheSettingWhenAValueIsBad() {
        assertThatThrownBy(() -> new GuardConfig(Map.of("topics.partitions", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("topics.partitions");
        assertThatThrownBy(() -> new GuardConfig(Map.of("processing.guarantee", "exactly_once")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processing.guarantee");
        assertThatThrownBy(() -> new GuardConfig(Map.of("orders.timestamp.type", "BrokerTime")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("orders.timestamp.type");
        assertThatThrownBy(() -> new GuardConfig(Map.of("commit.interval.ms", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("commit.interval.ms");
    }

    @Test
    void shouldRejectBadKafkaStreamsSettingWithItsName() {
        GuardConfig config = new GuardConfig(Map.of("num.stream.threads", "2", "max.task.idle.ms", "never",
                "schema.registry.url", "mock://config-test"));
        assertThatThrownBy(() -> GuardService.create(config, com.lockupguard.topology.DecisionObserver.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max.task.idle.ms");
    }

    @Test
    void shouldMapEnvironmentVariablesAsConfluentImagesDo() {
        Map<String, String> settings = ConfigSources.fromEnvironment(Map.of(
                "LOCKUP_GUARD_BOOTSTRAP_SERVERS", "kafka:9092",
                "LOCKUP_GUARD_SASL_JAAS_CONFIG", "x",
                "LOCKUP_GUARD_SCHEMA_REGISTRY_URL", "http://sr:8081",
                "LOCKUP_GUARD_SOME__UNDERSCORE___DASH", "y",
                "PATH", "/usr/bin"));
        assertThat(settings).containsOnly(Map.entry("bootstrap.servers", "kafka:9092"),
                Map.entry("sasl.jaas.config", "x"), Map.entry("schema.registry.url", "http://sr:8081"),
                Map.entry("some_underscore-dash", "y"));
    }

    @Test
    void shouldLeaveOutTheServiceLinksKubernetesGivesAPodWhichCouldNameTheGuardsSettings() {
        // given what a Service named lockup-guard-http gives every pod of its namespace, beside a real setting
        Map<String, String> environment = Map.of(
                "LOCKUP_GUARD_HTTP_PORT", "tcp://10.96.0.12:8080",
                "LOCKUP_GUARD_HTTP_PORT_8080_TCP", "tcp://10.96.0.12:8080",
                "LOCKUP_GUARD_HTTP_SERVICE_PORT", "8080",
                "LOCKUP_GUARD_BOOTSTRAP_SERVERS", "kafka:9092");
        CapturedLogs logged = CapturedLogs.of(ConfigSources.class);

        // when
        Map<String, String> settings;
        try (logged) {
            settings = ConfigSources.fromEnvironment(environment);
        }

        // then the links are not settings (http.port=tcp://... would stop the guard at start), and each is named
        assertThat(settings).containsOnly(Map.entry("bootstrap.servers", "kafka:9092"),
                Map.entry("http.service.port", "8080"));
        assertThatCode(() -> new GuardConfig(settings)).doesNotThrowAnyException();
        assertThat(logged.messagesAtLeast(Level.WARN)).hasSize(2)
                .allSatisfy(message -> assertThat(message).contains("is a Kubernetes service link"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"topics.decisions.retention.ms", "topics.orders.retention.ms"})
    void shouldRefuseARetentionOfZeroWhichWouldDeleteRecordsAtOnce(String setting) {
        // given / when / then: -1 (forever) and positive times pass, 0 does not
        assertThat(new GuardConfig(Map.of(setting, "-1")).getLong(setting)).isEqualTo(-1L);
        assertThat(new GuardConfig(Map.of(setting, "1")).getLong(setting)).isEqualTo(1L);
        assertThatThrownBy(() -> new GuardConfig(Map.of(setting, "0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(setting).hasMessageContaining("-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"replication.factor", "topics.replication.factor"})
    void shouldRefuseAReplicationFactorTheBrokerWouldRefuseOrReadAsItsDefault(String setting) {
        // given / when / then: -1 (the broker's default) and 3 pass; 0 and -2 do not (seen: 0 passed config
        // --check and stopped run at its first changelog, and topics.replication.factor=0 was read as -1)
        assertThat(new GuardConfig(Map.of(setting, "-1")).originals()).containsKey(setting);
        assertThat(new GuardConfig(Map.of(setting, "3")).originals()).containsKey(setting);
        for (String refused : List.of("0", "-2")) {
            assertThatThrownBy(() -> new GuardConfig(Map.of(setting, refused))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(setting).hasMessageContaining("or -1 for the broker's default");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"guard-0:8080", "http://guard-0", "guard-0/api", "guard 0", "[::1]:8080", "guard_0",
        "0.0.0.0", "::"})
    void shouldRefuseAnAdvertisedHostThatNoInstanceCouldReach(String host) {
        // given / when / then (seen: guard-0:8080 taken, and advertised as guard-0:8080:8080, which the other
        // instances read as an IPv6 host; guard_0, which the JDK's HTTP client refuses; every interface's address)
        assertThatThrownBy(() -> new GuardConfig(Map.of("http.advertised.host", host)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.advertised.host");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "guard-0", "guard-0.guard.svc.cluster.local", "10.0.0.7", "::1", "fe80::1"})
    void shouldTakeAnAdvertisedHostNameOrAddressIpv6Included(String host) {
        assertThat(new GuardConfig(Map.of("http.advertised.host", host)).getString("http.advertised.host"))
                .isEqualTo(host);
    }

    @Test
    void shouldRefuseAnEmptyStateDirectoryRatherThanFailAtStart() {
        // given / when / then (seen: an empty LOCKUP_GUARD_STATE_DIR passed config --check, and run failed with
        // "base state directory [] doesn't exist")
        assertThatThrownBy(() -> new GuardConfig(Map.of("state.dir", ""))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("state.dir");
    }

    @Test
    void shouldNotTurnTheLogLevelVariableIntoASettingForKafka() {
        // given the log level, which the logging set-up reads from the environment itself
        Map<String, String> environment = Map.of("LOCKUP_GUARD_LOG_LEVEL", "DEBUG",
                "LOCKUP_GUARD_BOOTSTRAP_SERVERS", "kafka:9092");

        // when
        Map<String, String> settings = ConfigSources.fromEnvironment(environment);

        // then it is not passed on to Kafka Streams, its clients and the serdes as an unknown "log.level"
        assertThat(settings).containsOnly(Map.entry("bootstrap.servers", "kafka:9092"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no such host", "127.0.0.1:8080", "http://guard", "a!b"})
    void shouldRefuseAnHttpHostThatIsNotAHostAloneNamingIt(String host) {
        // when / then (seen in a review: "no such host" refused as application.server, a setting nobody gave)
        assertThatThrownBy(() -> new GuardConfig(Map.of("http.host", host))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value " + host + " for configuration http.host");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "[::]", "guard-1.example.com", "fd42::1", "[fd42::1]", "fe80::1%lo"})
    void shouldTakeAnHttpHostThatIsAHostAlone(String host) {
        assertThat(new GuardConfig(Map.of("http.host", host)).getString("http.host")).isEqualTo(host);
    }

    @Test
    void shouldRefuseTwoVariablesGivingOneSettingOtherwiseWithoutSayingEitherValue() {
        // given two variables that map to commit.interval.ms, one in another case (seen in a review: one of them
        // taken, as a hash map's order had it, without a word)
        Map<String, String> environment = Map.of("LOCKUP_GUARD_COMMIT_INTERVAL_MS", "111",
                "LOCKUP_GUARD_commit_interval_ms", "222");

        // when / then
        assertThatThrownBy(() -> ConfigSources.fromEnvironment(environment)).isInstanceOf(ConfigException.class)
                .hasMessage("LOCKUP_GUARD_COMMIT_INTERVAL_MS and LOCKUP_GUARD_commit_interval_ms both give "
                        + "commit.interval.ms, with different values: unset one of them");
        assertThat(ConfigSources.fromEnvironment(Map.of("LOCKUP_GUARD_COMMIT_INTERVAL_MS", "111",
                "LOCKUP_GUARD_commit_interval_ms", "111"))).containsOnly(Map.entry("commit.interval.ms", "111"));
        // and --set, which wins over both, settles it
        assertThatCode(() -> ConfigSources.load(null, environment, Map.of("commit.interval.ms", "333")))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldLetEnvironmentOverrideFileAndCommandLineOverrideBoth() throws Exception {
        Path file = Files.writeString(dir.resolve("guard.properties"),
                "bootstrap.servers=file:9092\napplication.id=from-file\ntopics.partitions=12\n");
        Map<String, String> settings = ConfigSources.load(file,
                Map.of("LOCKUP_GUARD_BOOTSTRAP_SERVERS", "env:9092", "LOCKUP_GUARD_TOPICS_PARTITIONS", "24"),
                Map.of("topics.partitions", "48"));
        GuardConfig config = new GuardConfig(settings);
        assertThat(config.getString("application.id")).isEqualTo("from-file");
        assertThat(config.getList("bootstrap.servers")).containsExactly("env:9092");
        assertThat(config.getInt("topics.partitions")).isEqualTo(48);
    }

    @Test
    void shouldWarnOfASettingOfTheFileTheEnvironmentOverridesWithoutSayingEitherValue() throws Exception {
        // given a file giving state.dir and a password, and an image's environment giving both otherwise, as the
        // guard's image gives LOCKUP_GUARD_STATE_DIR (seen: the file's state.dir left unused without a word)
        Path file = Files.writeString(dir.resolve("guard.properties"),
                "state.dir=/data/guard\nssl.key.password=file-secret\nbootstrap.servers=kafka:9092\n");
        try (CapturedLogs logged = CapturedLogs.of(ConfigSources.class)) {
            // when
            Map<String, String> settings = ConfigSources.load(file, Map.of("LOCKUP_GUARD_STATE_DIR",
                    "/var/lib/lockup-guard/state", "LOCKUP_GUARD_SSL_KEY_PASSWORD", "env-secret",
                    "LOCKUP_GUARD_BOOTSTRAP_SERVERS", "kafka:9092"), Map.of("ssl.key.password", "set-secret"));

            // then the environment wins, and the one it overrode is named with its variable, no value said; a
            // setting both give alike, or that --set gives in the end, is not
            assertThat(settings).containsEntry("state.dir", "/var/lib/lockup-guard/state");
            assertThat(logged.messagesAt(Level.WARN)).containsExactly("state.dir in " + file + " is overridden by "
                    + "the environment's LOCKUP_GUARD_STATE_DIR (the environment comes after the file, and --set after "
                    + "both)");
        }
    }

    @Test
    void shouldDropTheSpacesAPropertiesFileLeavesAfterAValue() throws Exception {
        // given a file whose values end in spaces and a tab, invisible in an editor (Properties keeps them), among
        // them settings no configuration of the guard's or Kafka's parses (and so trims): the registry client's
        Path file = Files.writeString(dir.resolve("trailing.properties"),
                "application.id=guard-eu   \nbasic.auth.user.info=registry:s3cret\t\nbearer.auth.token=t0ken \n");

        // when
        GuardConfig config = new GuardConfig(ConfigSources.load(file, Map.of(), Map.of()));

        // then the guard joins its own group, and the registry client gets the credentials as written
        assertThat(config.getString("application.id")).isEqualTo("guard-eu");
        assertThat(config.serdeConfig()).containsEntry("basic.auth.user.info", "registry:s3cret")
                .containsEntry("bearer.auth.token", "t0ken");
    }

    @Test
    void shouldReadAPropertiesFileWrittenForKafkasToolsInLatin1AsThoseToolsDo() throws Exception {
        // given a file in ISO-8859-1, the encoding java.util.Properties and Kafka's --command-config read, with an
        // accented letter in a password (one byte, 0xE9: not UTF-8)
        Path file = Files.write(dir.resolve("latin1.properties"),
                "application.id=guard-eu\nbasic.auth.user.info=registry:caf\u00e9\n"
                        .getBytes(StandardCharsets.ISO_8859_1));

        // when
        Map<String, String> settings = ConfigSources.readProperties(file);

        // then it is read as those tools read it, instead of failing with "Input length = 1"
        assertThat(settings).containsEntry("basic.auth.user.info", "registry:caf\u00e9")
                .containsEntry("application.id", "guard-eu");
    }

    @Test
    void shouldReadAPropertiesFileInUtf8WithOrWithoutAByteOrderMark() throws Exception {
        // given the same settings in UTF-8, once with the byte order mark some Windows editors write
        String text = "application.id=guard-eu\nbasic.auth.user.info=registry:caf\u00e9\n";
        Path plain = Files.writeString(dir.resolve("plain.properties"), text, StandardCharsets.UTF_8);
        Path marked = Files.writeString(dir.resolve("marked.properties"), "\ufeff" + text, StandardCharsets.UTF_8);

        // when / then both are read alike: the mark is not taken into the first setting's name
        assertThat(ConfigSources.readProperties(plain)).containsOnly(Map.entry("application.id", "guard-eu"),
                Map.entry("basic.auth.user.info", "registry:caf\u00e9"));
        assertThat(ConfigSources.readProperties(marked)).isEqualTo(ConfigSources.readProperties(plain));
    }

    @Test
    void shouldRefuseAPropertiesFileInUtf16RatherThanReadSettingsNoOneKnows() throws Exception {
        // given a file saved as Notepad's "Unicode" (UTF-16, every ASCII letter followed by a NUL byte)
        Path file = Files.write(dir.resolve("utf16.properties"),
                "bootstrap.servers=kafka:9092\n".getBytes(StandardCharsets.UTF_16LE));

        // when / then it is refused, saying why, instead of being read as ISO-8859-1 into names with NULs in them
        assertThatThrownBy(() -> ConfigSources.readProperties(file)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("NUL bytes (UTF-16?)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"})
    void shouldAdvertiseThisMachinesNameWhenListeningOnEveryInterface(String wildcard) throws Exception {
        // given an API listening on every interface, IPv4 or IPv6, and no advertised host
        GuardConfig config = new GuardConfig(Map.of("http.host", wildcard, "http.port", "8080"));

        // when / then other instances are told this machine's name: an address of every interface names none
        String name = java.net.InetAddress.getLocalHost().getHostName();
        assertThat(config.advertisedHost()).isEqualTo(name);
        assertThat(config.streamsProperties().getProperty("application.server")).isEqualTo(name + ":8080");
    }

    @Test
    void shouldSayOnceThatOtherInstancesAreToldLocalhostWhenThisMachinesNameDoesNotResolve() {
        // given an API listening on every interface, no advertised host, and a machine whose name does not resolve
        GuardConfig config = new GuardConfig(Map.of("http.host", "0.0.0.0", "http.port", "8080"));
        GuardConfig.MachineName unresolved = () -> {
            throw new java.net.UnknownHostException("vm-7: Name or service not known");
        };
        try (CapturedLogs logged = CapturedLogs.of(GuardConfig.class)) {

            // when it is looked up twice, as the settings are read more than once at a start
            String first = config.machineName(unresolved);
            String second = config.machineName(unresolved);

            // then localhost, as before, but said once, naming the setting to set
            assertThat(first).isEqualTo("localhost");
            assertThat(second).isEqualTo("localhost");
            assertThat(logged.messagesAt(Level.WARN)).singleElement().asString()
                    .startsWith("http.host=0.0.0.0 names no machine, and this machine's name does not resolve "
                            + "(vm-7: Name or service not known)").endsWith("set http.advertised.host");
        }
    }

    @Test
    void shouldRememberIdsForeverAtMinusOneAndOtherwiseForTheTimeSet() {
        // given / when / then: -1 is forever, not a retention of -1 ms that forgets every id at once (a retry would
        // be decided anew and a reused id approved)
        assertThat(new GuardConfig(Map.of("order.ids.retention.ms", "-1")).idRetention()).isEmpty();
        assertThat(new GuardConfig(Map.of("order.ids.retention.ms", "60000")).idRetention())
                .contains(java.time.Duration.ofMinutes(1));
        assertThat(new GuardConfig(Map.of()).idRetention()).contains(java.time.Duration.ofDays(180));
    }

    @Test
    void shouldKeepACreatedCreateTimeOrdersTopicForeverUnlessTold() {
        // given / when / then: on CreateTime the broker deletes by the order's own timestamp, so a replayed or
        // back-dated order would be deleted before the guard reads it; LogAppendTime keeps Kafka's 7 days
        assertThat(new GuardConfig(Map.of("orders.timestamp.type", "CreateTime")).ordersRetentionMs()).isEqualTo(-1L);
        assertThat(new GuardConfig(Map.of("orders.timestamp.type", "LogAppendTime")).ordersRetentionMs())
                .isEqualTo(7L * 24 * 60 * 60 * 1000);
        assertThat(new GuardConfig(Map.of("orders.timestamp.type", "CreateTime", "topics.orders.retention.ms",
                "86400000", "topics.retention.check", "warn")).ordersRetentionMs()).isEqualTo(86_400_000L);
        assertThat(new GuardConfig(Map.of("topics.orders.retention.ms", "86400000")).ordersRetentionMs())
                .isEqualTo(86_400_000L);
    }

    @Test
    void shouldRefuseAFiniteCreateTimeOrdersRetentionThatTheStartUpCheckWouldRefuseUnlessItWarns() {
        // given / when a day's retention of orders the producers stamp: the topic the guard would create deletes a
        // replayed or back-dated order before it is read, and its own start-up check refuses that topic
        // then it is refused as a setting, before a topic is created, saying what to do
        assertThatThrownBy(() -> new GuardConfig(Map.of("orders.timestamp.type", "CreateTime",
                "topics.orders.retention.ms", "86400000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value 86400000 for configuration topics.orders.retention.ms: with "
                        + "orders.timestamp.type=CreateTime the broker deletes orders by their producers' timestamps")
                .hasMessageEndingWith("leave it unset (forever), or set topics.retention.check=warn to accept it");
        assertThat(new GuardConfig(Map.of("orders.timestamp.type", "CreateTime", "topics.orders.retention.ms", "-1"))
                .ordersRetentionMs()).isEqualTo(-1L);
    }

    @Test
    void shouldTakeOrdersAsStampedByTheBrokerOnArrivalUnlessTheirClientsStampThem() {
        // given / when / then: the default is LogAppendTime, whose orders' whole age is time spent waiting
        assertThat(new GuardConfig(Map.of()).ordersStampedOnArrival()).isTrue();
        assertThat(new GuardConfig(Map.of("orders.timestamp.type", "CreateTime")).ordersStampedOnArrival()).isFalse();
    }

    @Test
    void shouldKeepAnApplicationServerGivenOutright() {
        // given an instance reached through an address of its own (a load balancer, a NAT), set as Kafka Streams'
        GuardConfig config = new GuardConfig(Map.of("http.port", "8080", "application.server", "guard-1.example:443"));

        // when / then other instances are told that address, not http.host's
        assertThat(config.streamsProperties().getProperty("application.server")).isEqualTo("guard-1.example:443");
    }

    @Test
    void shouldRefuseAnEmptyListOfJwtAlgorithms() {
        // given / when / then: no algorithm would refuse every token; the setting is named instead
        assertThatThrownBy(() -> new GuardConfig(Map.of("api.auth.jwt.algorithms", "")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api.auth.jwt.algorithms");
    }

    @Test
    void shouldRefuseAJwksUrlWhoseHostHoldsAnUnderscoreForThatAndNotAsFetchedInClear() {
        // given an https JWKS URL on a compose service's name, which java.net.URI reads no host in
        for (String url : List.of("https://key_cloak:8443/jwks", "https://idp:s3cret@key_cloak/jwks?sig=x")) {
            // when / then it is refused for its host name, not as http, and without its password or query
            assertThatThrownBy(() -> new GuardConfig(Map.of("api.auth.jwt.jwks.url", url))).as(url)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("api.auth.jwt.jwks.url")
                    .hasMessageContaining("holds a '_'").hasMessageNotContaining("must be an https URL")
                    .hasMessageNotContaining("s3cret");
        }
        // and a URL URI reads no host in for another reason is still refused as before
        assertThatThrownBy(() -> new GuardConfig(Map.of("api.auth.jwt.jwks.url", "https:/jwks")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be an https URL");
    }

    @Test
    void shouldRefuseCredentialsInTheJwksUrlWhichWouldNotBeSent() {
        // given / when a JWKS URL with user-info (seen: accepted, and the fetch sent no credentials)
        // then it is refused, saying they would not be sent, without showing them
        assertThatThrownBy(() -> new GuardConfig(Map.of("api.auth.jwt.jwks.url",
                "https://jwks-user:S3cret@idp.example/certs")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api.auth.jwt.jwks.url")
                .hasMessageContaining("credentials in it (user:password@) would not be sent")
                .hasMessageNotContaining("S3cret");
        assertThatCode(() -> new GuardConfig(Map.of("api.auth.jwt.jwks.url", "https://idp.example/certs")))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseATopicNamedForTwoRoles() {
        // given / when a dead-letter topic named like the orders topic (the guard would read its own dead letters,
        // and dead-letter them again), and positions (compacted) sharing the blocked decisions' topic
        // then each is refused at once, naming both settings
        assertThatThrownBy(() -> new GuardConfig(Map.of("topic.dead.letters", "orders")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topic.dead.letters").hasMessageContaining("topic.orders");
        assertThatThrownBy(() -> new GuardConfig(Map.of("topic.positions", "orders-blocked")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topic.positions").hasMessageContaining("topic.blocked");
        assertThatCode(() -> new GuardConfig(Map.of("topic.dead.letters", "orders-dlq-2"))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"eu/orders", "eu orders", "ordres\u00e9", ".", "..", "__consumer_offsets",
        "__transaction_state"})
    void shouldRefuseATopicNameTheBrokerWouldRefuseOrThatIsKafkasOwn(String name) {
        // given / when / then: refused when the settings are read, naming the setting, not once a topic is created
        assertThatThrownBy(() -> new GuardConfig(Map.of("topic.dead.letters", name)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("topic.dead.letters")
                .hasMessageContaining(name);
    }

    @Test
    void shouldTakeTheLongestTopicNameKafkaTakesAndNoLonger() {
        // given / when / then: Kafka's limit is 249 characters
        assertThatCode(() -> new GuardConfig(Map.of("topic.orders", "o".repeat(249)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> new GuardConfig(Map.of("topic.orders", "o".repeat(250))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be 1 to 249 of ASCII letters, digits, '.', '_', '-'; not '.' or '..'");
    }

    @Test
    void shouldRefuseAnApplicationIdItsInternalTopicsCouldNotBeNamedAfter() {
        // given / when / then: its changelogs are <application.id>-<store>-changelog, which must be topic names
        assertThatThrownBy(() -> new GuardConfig(Map.of("application.id", "guard eu")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("application.id")
                .hasMessageContaining("the guard's changelog topics are named after it");
        // and one so long that its longest changelog, <id>-release-schedule-changelog, would pass Kafka's 249
        assertThatCode(() -> new GuardConfig(Map.of("application.id", "g".repeat(222))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new GuardConfig(Map.of("application.id", "g".repeat(223))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be 1 to 222 of");
        assertThatCode(() -> new GuardConfig(Map.of("application.id", "guard.eu_2-prod")))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"topic.positions", "topic.approved", "topic.orders", "topic.dead.letters"})
    void shouldRefuseATopicNamedAsTheChangelogOfTheGuardsOwnState(String setting) {
        // given / when a topic of the guard's named as Kafka Streams names a store's changelog (seen: positions
        // written into rev27d-holding-state-changelog, accepted, the decision feed skipping every state record)
        // then refused at once, naming the setting
        assertThatThrownBy(() -> new GuardConfig(Map.of("application.id", "desk", setting,
                "desk-holding-state-changelog"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(setting).hasMessageContaining("<application.id>-<store>-changelog");
        assertThatCode(() -> new GuardConfig(Map.of("application.id", "desk", setting, "other-desk-changelog")))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseTwoTopicsThatDifferOnlyByADotAgainstAnUnderscore() {
        // given / when approved and blocked decisions on topics Kafka's metrics cannot tell apart (the broker refuses
        // to create the second)
        // then refused at once, naming both settings
        assertThatThrownBy(() -> new GuardConfig(Map.of("topic.approved", "eu.decisions", "topic.blocked",
                "eu_decisions")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("collides with")
                .hasMessageContaining("topic.approved").hasMessageContaining("topic.blocked");
    }

    @Test
    void shouldDocumentEverySettingInTheOperationsGuide() throws Exception {
        String guide = Files.readString(Path.of("docs/OPERATIONS.md"));
        String table = ConfigTable.markdown(GuardConfig.definition());
        assertThat(guide).as("docs/OPERATIONS.md's configuration table is out of date: run "
                + "scripts/update-config-docs.py").contains(table);
    }
}
