package com.lockupguard.cli;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import com.lockupguard.app.ConfigSources;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * The commands' logging, set up in code (found by logback through {@code META-INF/services}): everything to stderr,
 * since stdout belongs to the commands' output (replay decisions, the demo's table); the guard's own loggers at
 * {@code LOCKUP_GUARD_LOG_LEVEL} (TRACE, DEBUG, INFO, WARN, ERROR or OFF; INFO by default), Kafka and the rest at
 * WARN, the web server at INFO, or at the guard's level when that is quieter. A warning Kafka repeats (a broker it
 * cannot reach) is written once a minute ({@link RepeatedKafkaWarnings}).
 *
 * <p>In code rather than in a {@code logback.xml} because reading XML cost every command about 0.15 s of start-up
 * (logback's XML configurator and the JDK's parser: some 450 classes), a twentieth of a 100,000-order replay. An
 * operator's own file still wins: with {@code -Dlogback.configurationFile=...}, or a {@code logback.xml} or
 * {@code logback-test.xml} on the classpath, this steps aside and logback reads that file as usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class StandardErrorLogging extends ContextAwareBase implements Configurator {

    /** The environment variable that sets the level of the guard's own loggers ({@code com.lockupguard}). */
    public static final String LEVEL_VARIABLE = ConfigSources.LOG_LEVEL_VARIABLE;
    static final String APPENDER = "STDERR";
    /**
     * {@code -Dlockupguard.log.kafka.repeats=all} writes every warning Kafka repeats, not one a minute: the tests run
     * so, since a warning one test class made would otherwise hide the same warning from the next one's check.
     */
    static final String KAFKA_REPEATS_PROPERTY = "lockupguard.log.kafka.repeats";
    /**
     * One line per message, whatever it quotes: a line break in a record's key, an order id or a token's subject is
     * written as {@code \n}, and any other control character (C0 or C1: an ANSI escape, say) as {@code ?}, so that
     * text from outside cannot forge a log line of its own. The stack trace, when there is one, follows on its own
     * lines as Java prints it; the guard's messages quote outside text, its exceptions' messages do not.
     */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - "
            + "%replace(%replace(%msg){'\\r\\n|\\r|\\n', '\\\\n'}){'[\\p{Cc}\\u2028\\u2029&&[^\\t]]', '?'}%n";
    private static final String JETTY = "org.eclipse.jetty";

    /**
     * Levels by logger, the guard's own aside. Jetty is never below INFO: its DEBUG logs carry request headers,
     * bearer tokens included (ApiSecurityTest checks). Several brokers in one JVM (the broker and soak commands)
     * share one Yammer JMX registry, whose complaints about it are noise. Kafka Streams' record deserializer warns,
     * with a stack trace, of every record it skips: the guard's dead-letter handler says it in one line, and the
     * dead letter's headers carry the trace, so that any producer's run of bad records does not write tens of lines
     * each.
     */
    static final Map<String, Level> LEVELS = Map.of(
            "org.apache.kafka", Level.WARN,
            "org.apache.kafka.streams.processor.internals.RecordDeserializer", Level.ERROR,
            "kafka", Level.WARN,
            "org.apache.zookeeper", Level.WARN,
            JETTY, Level.INFO,
            "com.yammer.metrics", Level.ERROR);

    private final Function<String, String> systemProperties;
    private final Function<String, String> environment;
    private final Predicate<String> onClasspath;

    /** For logback's service loader: the process's properties, environment and classpath. */
    public StandardErrorLogging() {
        this(System::getProperty, System::getenv,
                resource -> StandardErrorLogging.class.getClassLoader().getResource(resource) != null);
    }

    StandardErrorLogging(Function<String, String> systemProperties, Function<String, String> environment,
            Predicate<String> onClasspath) {
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.onClasspath = onClasspath;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (systemProperties.apply(ClassicConstants.CONFIG_FILE_PROPERTY) != null
                || onClasspath.test(ClassicConstants.TEST_AUTOCONFIG_FILE)
                || onClasspath.test(ClassicConstants.AUTOCONFIG_FILE)) {
            addInfo("a logback configuration file was given: logback reads it instead");
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        // the answers' charset, whatever the locale: the platform's (ASCII under LC_ALL=C) wrote an id it could not
        // encode as '?', naming one that was never written
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(APPENDER);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        if (!"all".equals(systemProperties.apply(KAFKA_REPEATS_PROPERTY))) {
            RepeatedKafkaWarnings repeats = new RepeatedKafkaWarnings();
            repeats.setContext(context);
            repeats.start();
            context.addTurboFilter(repeats);
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        LEVELS.forEach((logger, level) -> context.getLogger(logger).setLevel(level));
        String asked = environment.apply(LEVEL_VARIABLE);
        Level guard = asked == null || asked.isBlank() ? Level.INFO : Level.toLevel(asked.trim(), null);
        context.getLogger("com.lockupguard").setLevel(guard == null ? Level.INFO : guard);
        if (guard != null && guard.isGreaterOrEqual(Level.WARN)) {
            // the web server's start and stop lines follow a quieter guard; never below INFO (see LEVELS)
            context.getLogger(JETTY).setLevel(guard);
        }
        if (guard == null) {
            // to stderr like any log: logback prints its own warnings on stdout, the commands' output
            context.getLogger(StandardErrorLogging.class).warn("{}='{}' is not a log level (TRACE, DEBUG, INFO, WARN, "
                    + "ERROR or OFF): the guard logs at INFO", LEVEL_VARIABLE, asked);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
