package com.lockupguard.cli;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

/** Log levels the commands set at run time, so that a terminal shows their output, not Kafka's. */
public final class LogLevels {

    private LogLevels() {
    }

    public static void set(String logger, Level level) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(logger)).setLevel(level);
    }

    /** Kafka (broker and clients) at {@code kafka}, the guard's own loggers at {@code guard}. */
    public static void quiet(Level kafka, Level guard) {
        set("kafka", kafka);
        set("org.apache.kafka", kafka);
        set("com.lockupguard", guard);
    }
}
