package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ShownSettingsTest {

    @Test
    void shouldShowASettingWithoutAValueAsUnsetRatherThanAsNullOrAHiddenSecret() {
        // given the defaults, under which no token is set and the orders' retention is left to the guard
        GuardConfig defaults = new GuardConfig(Map.of());

        // when
        Map<String, String> shown = ShownSettings.of(defaults);

        // then neither reads as a value, and the token does not read as one that is set
        assertThat(shown).containsEntry("api.token", "(unset)").containsEntry("api.service.token", "(unset)")
                .containsEntry("topics.orders.retention.ms", "(unset)");
    }

    @Test
    void shouldShowWhatTheGuardGivesKafkaStreamsUnlessToldOtherwise() {
        // given the defaults, and a user's segment size for the changelogs
        Map<String, String> byDefault = ShownSettings.of(new GuardConfig(Map.of()));
        Map<String, String> told = ShownSettings.of(new GuardConfig(Map.of("topic.segment.bytes", "1073741824")));

        // then the settings the guard imposes on Kafka Streams' own topics and handlers show, as they apply
        assertThat(byDefault).containsEntry("topic.segment.bytes", "67108864")
                .containsEntry("topic.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE))
                .containsEntry("processing.exception.handler.global.enabled", "true");
        // and the user's value where one is given
        assertThat(told).containsEntry("topic.segment.bytes", "1073741824");
    }

    @Test
    void shouldHideTheValueOfASettingNoOneKnowsForItMayBeAMisspeltSecret() {
        // given secrets under names misspelt, one of them under a client's prefix, and a known setting beside them
        GuardConfig config = new GuardConfig(Map.of(
                "sasl.jass.config", "PlainLoginModule required username=\"guard\" password=\"TYPOSECRET12\";",
                "producer.ssl.truststore.pasword", "TYPOSECRET13", "schema.registry.api.key", "APIKEY14",
                "commit.interval.ms", "250"));

        // when
        Map<String, String> shown = ShownSettings.of(config);

        // then each is named, its value hidden, and the known setting still shows its value
        assertThat(shown).containsEntry("sasl.jass.config", "[hidden]")
                .containsEntry("producer.ssl.truststore.pasword", "[hidden]")
                .containsEntry("schema.registry.api.key", "[hidden]").containsEntry("commit.interval.ms", "250");
        assertThat(shown.values()).noneMatch(value -> value.contains("TYPOSECRET") || value.contains("APIKEY"));
    }

    @Test
    void shouldHideASecretThatIsSetAndSayWhenOneIsEmpty() {
        // given a token set, a key password set to nothing, and a password of Kafka's clients
        GuardConfig config = new GuardConfig(Map.of("api.token", "s3cret-token-of-the-desk-0123456789",
                "http.ssl.key.password", "", "producer.ssl.key.password", "k3y-pass"));

        // when
        Map<String, String> shown = ShownSettings.of(config);

        // then
        assertThat(shown).containsEntry("api.token", "[hidden]").containsEntry("http.ssl.key.password", "(empty)")
                .containsEntry("producer.ssl.key.password", "[hidden]");
        assertThat(shown.values()).noneMatch(value -> value.contains("s3cret") || value.contains("k3y-pass"));
    }

    @Test
    void shouldShowWhereASecretComesFromAndATokensEndpointButNotTheEndpointsCredentials() {
        // given the registry's credentials' sources, and OAuth token endpoints, one with credentials in its URL
        GuardConfig config = new GuardConfig(Map.of("basic.auth.credentials.source", "USER_INFO",
                "bearer.auth.credentials.source", "STATIC_TOKEN",
                "sasl.oauthbearer.token.endpoint.url", "https://idp.example/oauth2/token",
                "producer.sasl.oauthbearer.token.endpoint.url", "https://guard:pa55@idp.example/token"));

        // when
        Map<String, String> shown = ShownSettings.of(config);

        // then the sources and the plain URL are shown (seen: [hidden], as if they were secrets), the URL with
        // credentials not
        assertThat(shown).containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsEntry("bearer.auth.credentials.source", "STATIC_TOKEN")
                .containsEntry("sasl.oauthbearer.token.endpoint.url", "https://idp.example/oauth2/token");
        assertThat(shown.values()).noneMatch(value -> value.contains("pa55"));
    }
}
