package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineParser;
import java.io.StringWriter;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @ParameterizedTest(name = "{0}")
    @Timeout(60)
    @CsvSource(delimiter = '|', value = {
        // the guard's own settings
        "--set http.port=abc                         | Invalid value abc for configuration http.port",
        "--set order.ids.retention.ms=0              | order.ids.retention.ms",
        // a value one of Kafka's clients refuses
        "--set producer.acks=maybe                   | acks",
        // a value the registry's client refuses, for the demo's http:// registry
        "--set max.retries=-1                        | Invalid value -1 for configuration max.retries",
        "--set basic.auth.credentials.source=NOPE    | basic.auth.credentials.source",
        // the HTTP server's settings, checked only where it is served
        "--keep-running --set http.host=0.0.0.0      | no authentication is configured",
        "--http-port 0 --set http.ssl.keystore.location=/no/ks --set http.ssl.keystore.password=pw | cannot be read"})
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

    @Test
    @Timeout(60)
    void shouldNameThePortOptionGivenRatherThanTheSettingItBecomes() {
        // given a dashboard port out of range, which is also a bad http.port setting

        // when the demo is run with it
        int exitCode = CapturedCommand.run(out, err, "demo", "--http-port", "70000");

        // then the refusal names the option the user typed
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--http-port 70000: port 70000 is not a port (1-65535)")
                .doesNotContain("configuration error");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1   | http://127.0.0.1:8080/",
        "0.0.0.0     | http://127.0.0.1:8080/",
        "::          | http://127.0.0.1:8080/",
        "[::]        | http://127.0.0.1:8080/",
        "::1         | http://[::1]:8080/",
        "[::1]       | http://[::1]:8080/",
        "localhost   | http://localhost:8080/",
        "' 10.0.0.5' | http://10.0.0.5:8080/"})
    void shouldGiveTheDashboardsAddressWhereItIsServed(String host, String url) {
        // given the host the dashboard is served on; when / then a browser on this machine reaches it there
        assertThat(DemoCommand.dashboardUrl(false, host, 8080)).isEqualTo(url);
    }

    @Test
    void shouldGiveTheDashboardsAddressInHttpsWhenItIsServedSo() {
        // given a keystore; when / then
        assertThat(DemoCommand.dashboardUrl(true, "127.0.0.1", 8443)).isEqualTo("https://127.0.0.1:8443/");
    }

    @Test
    void shouldNameTheTimelineItFeedsTheGuardInItsFirstLine() {
        // given no --timeline, then another one; when / then the first line says which story is told
        assertThat(DemoCommand.banner(null))
                .isEqualTo("Lockup Guard demo: the 2003 Dutchess / Cal Bay letter on a real Kafka broker");
        assertThat(DemoCommand.banner(java.nio.file.Path.of("examples/lifecycle-2003.jsonl")))
                .isEqualTo("Lockup Guard demo: the timeline examples/lifecycle-2003.jsonl on a real Kafka broker");
    }

    @Test
    void shouldShowTimesInTheFirstZoneThereIsPassingOverAnAgreementWhoseZoneIsATypo() {
        // given a timeline whose first agreement names a zone that does not exist, and a second a real one
        TimelineParser parser = new TimelineParser(new ObjectMapper());
        List<TimelineEntry> timeline = List.of(
                parser.parse(1, agreement("America/NewYork")).orElseThrow(),
                parser.parse(2, agreement("Europe/London")).orElseThrow());

        // when / then the table's times are shown in the real one (before: the demo ended in a stack trace)
        assertThat(DemoCommand.zoneOf(timeline)).isEqualTo(ZoneId.of("Europe/London"));
        assertThat(DemoCommand.zoneOf(timeline.subList(0, 1))).isEqualTo(ZoneId.of("UTC"));
    }

    private static String agreement(String zone) {
        return "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\",\"investorId\":\"dutchess\","
                + "\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\",\"timeZone\":\"" + zone + "\"}";
    }
}
