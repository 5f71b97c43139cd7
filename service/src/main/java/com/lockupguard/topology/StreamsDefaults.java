package com.lockupguard.topology;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams settings the topology relies on wherever it runs (service, replay, tests): a
 * record that cannot be deserialized, or whose processing throws, goes to the dead-letter topic
 * with the error in its headers, and the stream goes on — unless the schema registry could not be
 * reached, which is no fault of the record ({@link RegistryOutage}).
 */
public final class StreamsDefaults {

    private StreamsDefaults() {
    }

    public static Properties errorHandling(TopicNames names) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                RegistryOutage.OnDeserialization.class.getName());
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                RegistryOutage.OnProcessing.class.getName());
        properties.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, names.deadLetters());
        // the topology has no global stores; enabling it now is what Kafka 5.0 will default to
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return properties;
    }
}
