package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardConfigTest {

    @TempDir
    Path dir;

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
    void shouldDocumentEverySettingInReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String table = ConfigTable.markdown(GuardConfig.definition());
        assertThat(readme).as("README's configuration table is out of date: paste `java -jar "
                + "target/lockup-guard.jar config` into it").contains(table);
    }
}
