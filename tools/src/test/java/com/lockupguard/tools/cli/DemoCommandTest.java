package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // the guard's own settings
        "--set http.port=abc                                    | Invalid value abc for configuration http.port",
        "--set order.ids.retention.ms=0                         | order.ids.retention.ms",
        // a value one of Kafka's clients refuses
        "--set producer.acks=maybe                              | acks",
        // the HTTP server's settings, checked only where it is served
        "--keep-running --set http.host=0.0.0.0                 | no authentication is configured",
        "--http-port 0 --set http.ssl.keystore.location=/no/ks  | http.ssl.keystore"})
    void shouldRefuseASettingTheGuardWouldRefuseBeforeStartingAnything(String arguments, String refusal) {
        // given a demo told a setting the guard will not take

        // when it is run
        int exitCode = CapturedCommand.run(out, err, ("demo " + arguments).split(" "));

        // then it is a usage error saying why, as run says it, before a broker starts (rather than a stack trace
        // once Kafka is up)
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).startsWith("configuration error: ").contains(refusal).doesNotContain("\tat ");
        assertThat(out.toString()).doesNotContain("Lockup Guard demo");
    }
}
