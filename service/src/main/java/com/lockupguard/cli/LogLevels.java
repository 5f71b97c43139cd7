package com.lockupguard.cli;

import ch.qos.logback.classic.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Log levels the commands set at run time, so that a terminal shows their output, not Kafka's. */
public final class LogLevels {

    private LogLevels() {
    }

    public static void set(String logger, Level level) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(logger)).setLevel(level);
    }

    /**
     * {@code loggers} at {@code level} until the returned scope closes, then at their own levels again: for a
     * moment whose failure the command reports itself, so that the client's retries do not flood the terminal.
     */
    public static Scope lowered(Level level, String... loggers) {
        Map<ch.qos.logback.classic.Logger, Level> before = new LinkedHashMap<>();
        for (String name : loggers) {
            ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
            before.put(logger, logger.getLevel());
            logger.setLevel(level);
        }
        return () -> before.forEach(ch.qos.logback.classic.Logger::setLevel);
    }

    /** A change of levels undone by {@link #close()}. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The libraries a command runs at {@code libraries}: Kafka (broker and clients), and the web server (Jetty, Javalin)
     * of a guard serving its API, which said every start and stop at INFO; the guard's own loggers at {@code guard}.
     */
    public static void quiet(Level libraries, Level guard) {
        set("kafka", libraries);
        set("org.apache.kafka", libraries);
        set("org.eclipse.jetty", libraries);
        set("io.javalin", libraries);
        set("com.lockupguard", guard);
    }
}
