package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsInClearTest {

    private static List<String> warnings(String... settings) {
        Map<String, Object> given = new HashMap<>();
        given.put("bootstrap.servers", "kafka-0.example:9092");
        given.put("schema.registry.url", "http://localhost:8081");
        for (int i = 0; i < settings.length; i += 2) {
            given.put(settings[i], settings[i + 1]);
        }
        return CredentialsInClear.of(new GuardConfig(given));
    }

    @Test
    void shouldWarnOfRegistryCredentialsSentOverPlainHttpToAnotherMachine() {
        // when the registry's user and password go to another host over http
        List<String> warnings = warnings("schema.registry.url", "http://registry.example:8081",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "reg:RegSecret");

        // then it is said, naming the URL and not the password
        assertThat(warnings).singleElement().asString().startsWith("schema.registry.url http://registry.example:8081 "
                + "is plain http to another machine: the registry's credentials (its user and password) cross the "
                + "network in clear").doesNotContain("RegSecret");
    }

    @Test
    void shouldWarnOfAPasswordInAPlainHttpRegistryUrlWithoutShowingIt() {
        // when the credentials are the URL's own user-info
        List<String> warnings = warnings("schema.registry.url", "http://reg:RegSecret@registry.example:8081");

        // then
        assertThat(warnings).singleElement().asString().contains("plain http to another machine")
                .doesNotContain("RegSecret");
    }

    @Test
    void shouldSayNothingOfARegistryOnThisMachineOrOverHttpsOrWithoutCredentials() {
        assertThat(warnings("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "reg:x")).isEmpty();
        assertThat(warnings("schema.registry.url", "https://registry.example", "basic.auth.credentials.source",
                "USER_INFO", "basic.auth.user.info", "reg:x")).isEmpty();
        assertThat(warnings("schema.registry.url", "http://registry.example:8081")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "OAUTHBEARER"})
    void shouldWarnOfASaslSecretSentInClearToAnotherMachine(String mechanism) {
        // when
        List<String> warnings = warnings("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", mechanism);

        // then
        assertThat(warnings).singleElement().asString().startsWith("security.protocol=SASL_PLAINTEXT with "
                + "sasl.mechanism=" + mechanism + " sends the ").endsWith("Use SASL_SSL");
    }

    @Test
    void shouldSayNothingOfSaslInClearOnThisMachineOrOfAMechanismThatSendsNoSecret() {
        assertThat(warnings("bootstrap.servers", "localhost:9092,127.0.0.1:9093,[::1]:9094", "security.protocol",
                "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN")).isEmpty();
        assertThat(warnings("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512")).isEmpty();
        assertThat(warnings("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN")).isEmpty();
    }

    @Test
    void shouldWarnOfBrokerCertificatesNotCheckedAgainstTheirNames() {
        // when hostname verification is turned off, as copied settings sometimes do
        List<String> warnings = warnings("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.endpoint.identification.algorithm", "");

        // then
        assertThat(warnings).singleElement().asString().startsWith("ssl.endpoint.identification.algorithm is empty")
                .contains("and be sent the guard's login");
        assertThat(warnings("security.protocol", "SSL", "ssl.endpoint.identification.algorithm", "https")).isEmpty();
    }

    @Test
    void shouldWarnOfAClientGivenItsOwnSettingsAsThatClientTakesThem() {
        // when Kafka Streams' main consumer alone logs in with PLAIN in clear, and the producer alone skips the check
        // of the brokers' names (seen: no warning; the plain settings alone were read)
        List<String> consumer = warnings("main.consumer.security.protocol", "SASL_PLAINTEXT",
                "main.consumer.sasl.mechanism", "PLAIN");
        List<String> producer = warnings("security.protocol", "SSL", "producer.ssl.endpoint.identification.algorithm",
                "");

        // then each is said, naming the setting as given
        assertThat(consumer).singleElement().asString().startsWith("main.consumer.security.protocol=SASL_PLAINTEXT "
                + "with main.consumer.sasl.mechanism=PLAIN sends the password");
        assertThat(producer).singleElement().asString().startsWith("producer.ssl.endpoint.identification.algorithm "
                + "is empty");
    }
}
