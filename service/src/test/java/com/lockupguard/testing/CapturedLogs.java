package com.lockupguard.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What one logger (and the loggers below it) wrote while a test watched: recording starts when this is made and
 * stops when it is closed, which also gives the logger back the level it had.
 *
 * <pre>{@code
 * try (CapturedLogs logs = CapturedLogs.of(RegistryOutage.class)) {
 *     handler.handleError(context, record, failure);
 *     assertThat(logs.messages()).singleElement().asString().startsWith("record at orders-0@41");
 * }
 * }</pre>
 */
public final class CapturedLogs implements AutoCloseable {

    private final Logger logger;
    private final Level levelBefore;
    private final ListAppender<ILoggingEvent> recorded = new ListAppender<>();

    private CapturedLogs(Logger logger) {
        this.logger = logger;
        this.levelBefore = logger.getLevel();
        recorded.start();
        logger.addAppender(recorded);
    }

    /** Records what {@code source}'s logger writes. */
    public static CapturedLogs of(Class<?> source) {
        return of(source.getName());
    }

    /** Records what the logger {@code name} writes ({@link org.slf4j.Logger#ROOT_LOGGER_NAME}: everything). */
    public static CapturedLogs of(String name) {
        return new CapturedLogs((Logger) LoggerFactory.getLogger(name));
    }

    /** Sets the logger's level until this is closed, so that what the test is about is written at all. */
    public CapturedLogs at(Level level) {
        logger.setLevel(level);
        return this;
    }

    /** The events so far, in order: a copy, since another thread may be appending one. */
    public List<ILoggingEvent> events() {
        synchronized (recorded) {
            return new ArrayList<>(recorded.list);
        }
    }

    /** The formatted messages so far, in order. */
    public List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The formatted messages so far at {@code level} exactly, in order. */
    public List<String> messagesAt(Level level) {
        return events().stream().filter(event -> event.getLevel().equals(level))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The formatted messages so far at {@code least} or above, in order. */
    public List<String> messagesAtLeast(Level least) {
        return events().stream().filter(event -> event.getLevel().isGreaterOrEqual(least))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(recorded);
        logger.setLevel(levelBefore);
        recorded.stop();
    }
}
