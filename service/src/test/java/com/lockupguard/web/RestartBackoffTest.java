package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The decision feed's delays between restarts. */
class RestartBackoffTest {

    @Test
    void shouldDoubleUpToTheBoundAndStartOverAfterASuccess() {
        // given
        RestartBackoff backoff = new RestartBackoff(Duration.ofMillis(200), Duration.ofMillis(1_000));

        // when / then
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(1_000));
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(1_000));
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(200));
    }
}
