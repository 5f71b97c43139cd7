package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The commands' output (replay JSONL, the demo table) is stdout; logs must go to stderr, so the logging setup must load. */
class LoggingConfigurationTest {

    @Test
    void shouldLogToStandardErrorWithoutConfigurationErrors() {
        // given: logback configured from the classpath, as the commands are (a malformed logback.xml makes logback
        // fall back to DEBUG on stdout, mixing logs into the replay's output)
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

        // then: it loaded without errors, and the root logger writes to stderr
        assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() == Status.ERROR);
        Appender<?> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(appender).isInstanceOf(ConsoleAppender.class);
        assertThat(((ConsoleAppender<?>) appender).getTarget()).isEqualTo("System.err");
    }
}
