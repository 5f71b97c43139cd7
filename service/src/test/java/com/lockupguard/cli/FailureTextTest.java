package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class FailureTextTest {

    @Test
    void shouldNameAFailureAndEachCauseThatAddsWords() {
        // given a failure, as a broker's start throws it, whose wrapper repeats its cause's text
        Exception failure = new IllegalStateException("broker did not start",
                new UncheckedIOException(new IOException("Address already in use")));
        // when / then the cause the wrapper already shows is not shown again
        assertThat(FailureText.causes(failure)).isEqualTo("java.lang.IllegalStateException: broker did not start; "
                + "caused by: java.io.UncheckedIOException: java.io.IOException: Address already in use");
    }

    @Test
    void shouldWriteWhatACauseQuotesOnOneLineSoThatItForgesNoLineOfTheLog() {
        // given a failure whose cause quotes a peer's answer with a line break and an escape sequence in it
        RuntimeException failure = new UncheckedIOException(new IOException("answered 502: <html>proxy\r\n"
                + "01:00:00.000 ERROR c.l.app.GuardService - FORGED stop\u001b[31m</html>"));

        // when
        String line = FailureText.ofStart(failure);

        // then
        assertThat(line).doesNotContain("\r", "\n", "\u001b")
                .contains("proxy\\n01:00:00.000 ERROR c.l.app.GuardService - FORGED stop?[31m");
    }

    @Test
    void shouldKeepTheLineBreaksOfAChecksOwnMessageButNoOtherControlCharacter() {
        // given a start-up check's message, which breaks its lines before the commands that fix it
        RuntimeException failure = new IllegalStateException("topics refused:\r\n  kafka-configs --alter\u001b[2J");

        // when / then
        assertThat(FailureText.ofStart(failure)).isEqualTo("topics refused:\n  kafka-configs --alter?[2J");
    }

    @Test
    void shouldNameEachCauseOnceWhenTwoAreEachOthersCause() {
        // given two exceptions each the other's cause (initCause allows it; printStackTrace marks it CIRCULAR)
        Exception first = new IllegalStateException("first");
        Exception second = new IllegalStateException("second", first);
        first.initCause(second);
        // when / then
        assertThat(FailureText.causes(first)).isEqualTo("java.lang.IllegalStateException: first; caused by: "
                + "java.lang.IllegalStateException: second");
    }

    @Test
    void shouldShowOurOwnFailureByItsMessageWithoutTheCausesThatSayNothingMore() {
        // given the registry client's failure, over the JDK's message-less connection failures
        ConnectException refused = new ConnectException();
        refused.initCause(new ClosedChannelException());
        Exception failure = new SchemaRegistryException.Unavailable("schema registry unavailable after 4 attempts: "
                + "http://127.0.0.1:1 gave no answer (could not connect)", new ConnectException().initCause(refused));
        // when / then the line is what we wrote for the user: no class names, no "caused by" that adds nothing
        assertThat(FailureText.causes(failure)).isEqualTo("schema registry unavailable after 4 attempts: "
                + "http://127.0.0.1:1 gave no answer (could not connect)");
    }

    @Test
    void shouldKeepACauseWithAMessageUnderOurOwnFailure() {
        // given one of ours whose cause says something it does not
        Exception failure = new SchemaRegistryException.Unavailable("schema registry unavailable",
                new IOException("PKIX path building failed"));
        // when / then
        assertThat(FailureText.causes(failure)).isEqualTo("schema registry unavailable; caused by: "
                + "java.io.IOException: PKIX path building failed");
    }

    @Test
    void shouldGiveAStartUpChecksOwnMessageAsItIsWrittenItsUrlsCredentialsMasked() {
        // given a start-up check's refusal quoting a URL with credentials
        RuntimeException refused = new IllegalStateException("topic 'orders' is missing on http://desk:pw@kafka:8082");
        // when / then it is the line, as written for the user, without the password
        assertThat(FailureText.ofStart(refused)).isEqualTo("topic 'orders' is missing on http://kafka:8082");
    }

    @Test
    void shouldNameAFailedStartWithoutAMessageByItsCausesRatherThanFail() {
        // given an IllegalStateException without a message (a CancellationException, say), and one with a cause
        RuntimeException silent = new CancellationException();
        RuntimeException wrapped = new IllegalStateException(null, new IOException("Address already in use"));
        // when / then each is named, not "null" and not a NullPointerException from the masking
        assertThat(FailureText.ofStart(silent)).isEqualTo("java.util.concurrent.CancellationException");
        assertThat(FailureText.ofStart(wrapped)).isEqualTo("java.lang.IllegalStateException; caused by: "
                + "java.io.IOException: Address already in use");
    }
}
