package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class StandardErrorLoggingTest {

    private final LoggerContext context = new LoggerContext();

    @Test
    void shouldLogEverythingToStandardErrorAtTheShippedLevels() {
        // given no configuration file and no level in the environment
        StandardErrorLogging logging = logging(Map.of(), Map.of(), Set.of());

        // when logback runs it
        ExecutionStatus status = logging.configure(context);

        // then it is the whole configuration: one appender, on stderr, and the levels the commands ship with
        assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(appender).isInstanceOf(ConsoleAppender.class);
        assertThat(((ConsoleAppender<ILoggingEvent>) appender).getTarget()).isEqualTo("System.err");
        assertThat(appender.isStarted()).isTrue();
        assertThat(level(Logger.ROOT_LOGGER_NAME)).isEqualTo(Level.WARN);
        assertThat(level("com.lockupguard")).isEqualTo(Level.INFO);
        assertThat(level("org.apache.kafka")).isEqualTo(Level.WARN);
        assertThat(level("kafka")).isEqualTo(Level.WARN);
        assertThat(level("org.eclipse.jetty")).isEqualTo(Level.INFO);
        assertThat(level("com.yammer.metrics")).isEqualTo(Level.ERROR);
    }

    @Test
    void shouldEncodeEveryMessageAsUtf8WhateverTheLocale() {
        // given the shipped logging
        logging(Map.of(), Map.of(), Set.of()).configure(context);
        ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>) context
                .getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");

        // when a message quoting an id with an accent is encoded
        LoggingEvent event = new LoggingEvent("test", context.getLogger("test"), Level.WARN,
                "execution id 'é1' was applied before", null, null);
        byte[] encoded = appender.getEncoder().encode(event);

        // then its bytes are UTF-8, as the answers on stdout are, and not the platform's (ASCII under LC_ALL=C)
        assertThat(new String(encoded, StandardCharsets.UTF_8)).contains("execution id 'é1' was applied before");
        assertThat(((ch.qos.logback.core.encoder.LayoutWrappingEncoder<ILoggingEvent>) appender.getEncoder())
                .getCharset()).isEqualTo(StandardCharsets.UTF_8);
    }

    @Test
    void shouldHoldKafkasRepeatedWarningsBackUnlessEveryRepeatIsAsked() {
        // given the shipped logging, and the logging the tests run with
        LoggerContext tests = new LoggerContext();

        // when each is set up
        logging(Map.of(), Map.of(), Set.of()).configure(context);
        logging(Map.of("lockupguard.log.kafka.repeats", "all"), Map.of(), Set.of()).configure(tests);

        // then only the first holds repeats back
        assertThat(context.getTurboFilterList()).hasExactlyElementsOfTypes(RepeatedKafkaWarnings.class);
        assertThat(tests.getTurboFilterList()).isEmpty();
    }

    @Test
    void shouldWriteEachMessageOnOneLineWhateverItQuotes() {
        // given the commands' logging, and a record key that carries a forged log line and an ANSI escape
        logging(Map.of(), Map.of(), Set.of()).configure(context);
        ch.qos.logback.classic.Logger logger = context.getLogger("com.lockupguard.topology.DeadLetters");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN,
                "record with key '{}' dead-lettered", null,
                new Object[] {"dutchess/CBYI\r\n12:07:07.000 ERROR c.l.app.GuardService - FORGED "
                        + "\u001b[31m\u2028x\u009b1m"});

        // when it is written
        String written = new String(((ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender("STDERR")).getEncoder().encode(event), StandardCharsets.UTF_8);

        // then on one line, the line break shown as \n and the escape as ?
        assertThat(written).endsWith(System.lineSeparator()).hasLineCount(1)
                .contains("record with key 'dutchess/CBYI\\n12:07:07.000 ERROR c.l.app.GuardService - FORGED "
                        + "?[31m?x?1m'");
    }

    @Test
    void shouldSetOnlyTheGuardsOwnLevelFromTheEnvironment() {
        // given an operator debugging the guard
        StandardErrorLogging logging = logging(Map.of(), Map.of("LOCKUP_GUARD_LOG_LEVEL", " debug "), Set.of());

        // when
        logging.configure(context);

        // then the guard's loggers say more; Jetty's stay at INFO (its DEBUG would log bearer tokens), Kafka's at WARN
        assertThat(level("com.lockupguard")).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("com.lockupguard.topology.OrderDecider").isDebugEnabled()).isTrue();
        assertThat(level("org.eclipse.jetty")).isEqualTo(Level.INFO);
        assertThat(level("org.apache.kafka")).isEqualTo(Level.WARN);
    }

    @Test
    void shouldQuietTheWebServerWithAQuieterGuard() {
        // given an operator who wants warnings only
        StandardErrorLogging logging = logging(Map.of(), Map.of("LOCKUP_GUARD_LOG_LEVEL", "WARN"), Set.of());

        // when
        logging.configure(context);

        // then the web server's start and stop lines are not logged either
        assertThat(level("com.lockupguard")).isEqualTo(Level.WARN);
        assertThat(level("org.eclipse.jetty")).isEqualTo(Level.WARN);
    }

    @Test
    void shouldLogAtInfoAndSaySoOnStandardErrorWhenTheLevelIsNotOne() {
        // given a level that is not one, and a recorder next to stderr
        ListAppender<ILoggingEvent> recorded = new ListAppender<>();
        recorded.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(recorded);
        StandardErrorLogging logging = logging(Map.of(), Map.of("LOCKUP_GUARD_LOG_LEVEL", "LOUD"), Set.of());

        // when
        logging.configure(context);

        // then INFO, and a warning through the log itself (logback's own status warnings would go to stdout)
        assertThat(level("com.lockupguard")).isEqualTo(Level.INFO);
        assertThat(recorded.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("LOCKUP_GUARD_LOG_LEVEL='LOUD' is not a log level");
        });
    }

    @Test
    void shouldStepAsideForAConfigurationFileNamedBySystemProperty() {
        // given an operator's own file
        StandardErrorLogging logging = logging(Map.of("logback.configurationFile", "/etc/guard/logback.xml"), Map.of(),
                Set.of());

        // when
        ExecutionStatus status = logging.configure(context);

        // then logback goes on to read it, and nothing of this configuration is left behind
        assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
        assertThat(context.getLogger("com.lockupguard").getLevel()).isNull();
    }

    @Test
    void shouldStepAsideForALogbackFileOnTheClasspath() {
        // given a logback.xml, or a test's logback-test.xml, on the classpath
        for (String file : Set.of("logback.xml", "logback-test.xml")) {
            StandardErrorLogging logging = logging(Map.of(), Map.of(), Set.of(file));

            // when / then logback reads that file as it would without this configurator
            assertThat(logging.configure(context)).as(file).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        }
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    private StandardErrorLogging logging(Map<String, String> properties, Map<String, String> environment,
            Set<String> classpath) {
        StandardErrorLogging logging = new StandardErrorLogging(properties::get, environment::get, classpath::contains);
        logging.setContext(context);
        return logging;
    }

    private Level level(String logger) {
        return context.getLogger(logger).getLevel();
    }
}
