package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The commands' output (replay JSONL, the demo table) is stdout; logs must go to stderr, so the logging setup must load. */
class LoggingConfigurationTest {

    @Test
    void shouldLogToStandardErrorWithoutConfigurationErrors() {
        // given: logback configured as the commands are, by what it finds on the classpath (without a configuration
        // it would log DEBUG on stdout, mixing logs into the replay's output)
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

        // then: the guard's configurator ran and was the whole configuration (no logback.xml read), without errors,
        // and the root logger writes to stderr
        assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() == Status.ERROR)
                .anyMatch(s -> s.getMessage().contains(StandardErrorLogging.class.getName())
                        && s.getMessage().contains(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY.name()));
        Appender<?> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(appender).isInstanceOf(ConsoleAppender.class);
        assertThat(((ConsoleAppender<?>) appender).getTarget()).isEqualTo("System.err");
        assertThat(context.getLogger("org.eclipse.jetty").getLevel()).hasToString("INFO");
    }

    @Test
    void shouldShipALogbackFileThatSetsUpWhatTheBuiltInSetupDoes() throws Exception {
        // given the file README offers to start one's own from, read by logback as a file given to the JVM is
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(Path.of("deploy/logback.xml").toFile());

            // then it loads without an error, and writes what the built-in setup writes, where it does, at its levels
            assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getLevel() == Status.ERROR);
            assertThat(context.getTurboFilterList()).singleElement().isInstanceOf(RepeatedKafkaWarnings.class);
            Appender<?> appender = context.getLogger(Logger.ROOT_LOGGER_NAME)
                    .getAppender(StandardErrorLogging.APPENDER);
            assertThat(((ConsoleAppender<?>) appender).getTarget()).isEqualTo("System.err");
            PatternLayoutEncoder encoder = (PatternLayoutEncoder) ((ConsoleAppender<?>) appender).getEncoder();
            assertThat(encoder.getPattern()).isEqualTo(StandardErrorLogging.PATTERN);
            assertThat(encoder.getCharset()).isEqualTo(StandardCharsets.UTF_8);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
            assertThat(context.getLogger("com.lockupguard").getLevel()).isEqualTo(Level.INFO);
            StandardErrorLogging.LEVELS.forEach((logger, level) ->
                    assertThat(context.getLogger(logger).getLevel()).as(logger).isEqualTo(level));
        } finally {
            context.stop();
        }
    }
}
