package com.lockupguard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code config --check} refuses what a client made from the same settings would refuse, asking nothing. */
class SchemaRegistryClientsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "schema.registry.url=ftp://reg:8081",
        "schema.registry.url=http://",
        "schema.registry.url=http://u:p@ss@reg:8081",
        "schema.registry.url=http://reg:8081,mock://x",
        "schema.registry.url=http://reg:8081 bearer.auth.credentials.source=OAUTHBEARER",
        "schema.registry.url=http://reg:8081 bearer.auth.credentials.source=STATIC_TOKEN",
        "schema.registry.url=https://reg:8081 schema.registry.ssl.truststore.location=/no-such-folder/trust.p12",
        "schema.registry.url=http://reg:8081 proxy.host=http://bad&#32;host proxy.port=8080"})
    void shouldRefuseInTheCheckWhatTheClientRefuses(String given) {
        // given settings a registry client refuses when it is made
        Map<String, Object> settings = settings(given);
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(settings)).isInstanceOf(ConfigException.class);

        // when / then the check refuses them too
        assertThatThrownBy(() -> SchemaRegistryClients.check(settings)).isInstanceOf(ConfigException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "schema.registry.url=http://reg:8081",
        "schema.registry.url=https://reg-a:8081,https://reg-b:8081 basic.auth.credentials.source=USER_INFO "
                + "basic.auth.user.info=desk:secret",
        "schema.registry.url=mock://check",
        "schema.registry.url=HTTP://reg:8081",
        "schema.registry.url=Https://reg-a:8081,https://reg-b:8081"})
    void shouldPassWhatTheClientTakes(String given) {
        assertThatCode(() -> SchemaRegistryClients.check(settings(given))).doesNotThrowAnyException();
    }

    @Test
    void shouldTakeAUrlsSchemeInAnyCaseAsUrlsDo() {
        // given a scheme in capitals, as URLs allow (RFC 3986: schemes are case-insensitive)
        // when / then the REST client is made for it (seen: refused at start, exit code 2)
        assertThat(SchemaRegistryClients.fromConfig(settings("schema.registry.url=HTTP://reg:8081")))
                .isInstanceOf(HttpSchemaRegistryClient.class);
    }

    @Test
    void shouldMakeARestClientForAnHttpUrlAndTheInMemoryRegistryForAMockOne() {
        // given / when
        SchemaRegistryClient rest = SchemaRegistryClients.fromConfig(settings("schema.registry.url=http://reg:8081"));
        SchemaRegistryClient memory = SchemaRegistryClients.fromConfig(settings("schema.registry.url=mock://made"));

        // then
        assertThat(rest).isInstanceOf(HttpSchemaRegistryClient.class);
        assertThat(memory).isSameAs(InMemorySchemaRegistry.scope("made"));
        assertThat(memory.answers(Duration.ofMillis(1))).as("an in-memory registry always answers").isTrue();
        InMemorySchemaRegistry.dropScope("made");
    }

    /** Space-separated {@code name=value} pairs; {@code &#32;} is a space within a value. */
    private static Map<String, Object> settings(String given) {
        Map<String, Object> settings = new HashMap<>();
        for (String pair : given.split(" ")) {
            int equals = pair.indexOf('=');
            settings.put(pair.substring(0, equals), pair.substring(equals + 1).replace("&#32;", " "));
        }
        return settings;
    }
}
