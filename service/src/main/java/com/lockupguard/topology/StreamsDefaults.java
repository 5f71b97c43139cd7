package com.lockupguard.topology;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams settings the topology relies on wherever it runs (service, replay, tests): a
 * record that cannot be deserialized, whose processing throws, or that the guard refuses goes to
 * the dead-letter topic as it was received, with the error in its headers, and the stream goes on —
 * unless the schema registry could not be reached or refused the guard, which is no fault of the
 * record ({@link RegistryOutage}, {@link ProcessingFailureHandler}).
 */
public final class StreamsDefaults {

    private StreamsDefaults() {
    }

    /**
     * Where the error handlers find the observer they tell of the dead letters Kafka Streams writes itself
     * (records that cannot be deserialized, or whose processing failed): Kafka Streams passes its settings,
     * objects included, to each handler's {@code configure}.
     */
    static final String OBSERVER_CONFIG = "lockup-guard.dead-letter.observer";
    /** Where the deserialization handlers of an instance's tasks find the one log of their dead letters. */
    static final String DEAD_LETTER_LOG_CONFIG = "lockup-guard.dead-letter.log";
    /** Where the topology and the error handlers find the limit of the topics the guard writes. */
    static final String OUTPUT_MESSAGE_LIMIT_CONFIG = "lockup-guard.output-message-limit";

    public static Properties errorHandling(TopicNames names) {
        return errorHandling(names, DecisionObserver.NONE);
    }

    /** The settings, with {@code observer} told of every dead letter (as the topology tells it of its own). */
    public static Properties errorHandling(TopicNames names, DecisionObserver observer) {
        return errorHandling(names, observer, OutputMessageLimit.unchecked());
    }

    /**
     * The settings, with {@code observer} told of every dead letter, and what the guard writes kept within {@code
     * outputLimit} once the service sets it.
     */
    public static Properties errorHandling(TopicNames names, DecisionObserver observer,
            OutputMessageLimit outputLimit) {
        Properties properties = new Properties();
        properties.put(OBSERVER_CONFIG, observer);
        properties.put(DEAD_LETTER_LOG_CONFIG, new DeadLetterLog(RegistryOutage.LOG));
        properties.put(OUTPUT_MESSAGE_LIMIT_CONFIG, outputLimit);
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                RegistryOutage.OnDeserialization.class.getName());
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                ProcessingFailureHandler.class.getName());
        properties.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, names.deadLetters());
        // a record the producer cannot send fails the thread with the broker's words, and no dead letter
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                ProductionFailureHandler.class.getName());
        // a record without a timestamp is refused as one bad record, not a failed stream thread
        properties.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, RecordTimestamps.class.getName());
        // the topology has no global stores; enabling it now is what Kafka 5.0 will default to
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return properties;
    }

    /** The observer {@link #errorHandling(TopicNames, DecisionObserver)} put into {@code configs}, or none. */
    static DecisionObserver observer(Map<String, ?> configs) {
        return configs.get(OBSERVER_CONFIG) instanceof DecisionObserver observer ? observer : DecisionObserver.NONE;
    }

    /** The log {@link #errorHandling(TopicNames, DecisionObserver, OutputMessageLimit)} put into {@code configs}. */
    static DeadLetterLog deadLetterLog(Map<String, ?> configs) {
        return configs.get(DEAD_LETTER_LOG_CONFIG) instanceof DeadLetterLog log ? log
                : new DeadLetterLog(RegistryOutage.LOG);
    }

    /** The limit {@link #errorHandling(TopicNames, DecisionObserver, OutputMessageLimit)} put into {@code configs}. */
    static OutputMessageLimit outputMessageLimit(Map<String, ?> configs) {
        return configs.get(OUTPUT_MESSAGE_LIMIT_CONFIG) instanceof OutputMessageLimit limit ? limit
                : OutputMessageLimit.unchecked();
    }
}
