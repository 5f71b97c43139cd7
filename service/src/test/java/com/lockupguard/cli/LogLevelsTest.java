package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Test
    void shouldQuietTheWebServerOfAGuardServingItsApiWithKafka() {
        // given the loggers a quiet command sets, as they are (given back afterwards: other tests share the JVM)
        Map<Logger, Level> before = new LinkedHashMap<>();
        for (String name : List.of("kafka", "org.apache.kafka", "org.eclipse.jetty", "io.javalin", "com.lockupguard")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            before.put(logger, logger.getLevel());
        }
        try {
            // when a command quiets the libraries it runs (the demo without -v)
            LogLevels.quiet(Level.ERROR, Level.WARN);

            // then the web server says its every start and stop no more than Kafka does (seen at INFO: Jetty's
            // start and stop lines among the demo's own)
            assertThat(((Logger) LoggerFactory.getLogger("org.eclipse.jetty.server.Server")).getEffectiveLevel())
                    .isEqualTo(Level.ERROR);
            assertThat(((Logger) LoggerFactory.getLogger("io.javalin.Javalin")).getEffectiveLevel())
                    .isEqualTo(Level.ERROR);
            assertThat(((Logger) LoggerFactory.getLogger("com.lockupguard.web")).getEffectiveLevel())
                    .isEqualTo(Level.WARN);
        } finally {
            before.forEach(Logger::setLevel);
        }
    }
}
