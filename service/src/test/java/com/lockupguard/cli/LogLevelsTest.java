package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A command quiets the Kafka client's connection warnings while it probes a cluster, and only then. */
class LogLevelsTest {

    @Test
    void shouldGiveLoweredLoggersTheirOwnLevelsBackWhenTheScopeCloses() {
        // given one logger with a level of its own, one inheriting its parent's
        Logger own = (Logger) LoggerFactory.getLogger("com.lockupguard.test.levels.own");
        Logger inherited = (Logger) LoggerFactory.getLogger("com.lockupguard.test.levels.inherited");
        own.setLevel(Level.WARN);
        inherited.setLevel(null);

        // when both are turned off for a probe
        try (LogLevels.Scope quiet = LogLevels.lowered(Level.OFF, own.getName(), inherited.getName())) {
            assertThat(own.getEffectiveLevel()).isEqualTo(Level.OFF);
            assertThat(inherited.getEffectiveLevel()).isEqualTo(Level.OFF);
        }

        // then afterwards they warn again, as they did: what the client says after the probe is not lost
        assertThat(own.getLevel()).isEqualTo(Level.WARN);
        assertThat(inherited.getLevel()).isNull();
        assertThat(inherited.getEffectiveLevel()).isEqualTo(
                ((Logger) LoggerFactory.getLogger("com.lockupguard.test.levels")).getEffectiveLevel());
    }
}
