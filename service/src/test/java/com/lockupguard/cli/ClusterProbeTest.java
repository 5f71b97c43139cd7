package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

class ClusterProbeTest {

    @Test
    void shouldSayTheBrokersRefusalOnOneLineSoThatItForgesNoLineOfTheCommandsOutput() {
        // given a broker's refusal whose text breaks its line
        SaslAuthenticationException refusal = new SaslAuthenticationException("Authentication failed: bad\n"
                + "12:00:00.000 ERROR c.l.app.GuardService - FORGED");

        // when it is said, as run's "cannot start: ..." and config --check's "# topics not checked: ..." say it
        String said = FailureText.ofStart(ClusterProbe.failure(refusal, Duration.ofSeconds(10)));

        // then on one line
        assertThat(said).isEqualTo("Kafka refused the connection: Authentication failed: bad\\n12:00:00.000 ERROR "
                + "c.l.app.GuardService - FORGED");
    }
}
