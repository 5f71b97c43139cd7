package com.lockupguard.serde;

import java.util.Locale;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The subject a record's schema is registered under, as Confluent's subject name strategies
 * choose it: {@code <topic>-key|value} (TopicNameStrategy, the default), the record's full name
 * (RecordNameStrategy), or {@code <topic>-<full name>} (TopicRecordNameStrategy), which lets one
 * topic carry several record types.
 */
public enum SubjectNames {
    TOPIC_NAME,
    RECORD_NAME,
    TOPIC_RECORD_NAME;

    /** Confluent's names of the setting: the strategy of keys' and of values' subjects. */
    public static final String KEY_STRATEGY_CONFIG = "key.subject.name.strategy";
    public static final String VALUE_STRATEGY_CONFIG = "value.subject.name.strategy";

    /** TopicNameStrategy's subject: {@code <topic>-key|value}. */
    public static String of(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /** The name Confluent's setting gives this strategy. */
    public String configName() {
        return switch (this) {
            case TOPIC_NAME -> "TopicNameStrategy";
            case RECORD_NAME -> "RecordNameStrategy";
            case TOPIC_RECORD_NAME -> "TopicRecordNameStrategy";
        };
    }

    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> of(topic, isKey);
            case RECORD_NAME -> schema.getFullName();
            case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
        };
    }

    /**
     * The strategy {@code value} of {@code setting} ({@link #KEY_STRATEGY_CONFIG} or {@link #VALUE_STRATEGY_CONFIG})
     * names: Confluent's class name ({@code io.confluent...TopicRecordNameStrategy}) or its simple name; null or blank
     * is the default, TopicNameStrategy. Refused naming that setting.
     */
    public static SubjectNames fromConfig(String setting, Object value) {
        return named(value).orElseThrow(() -> new org.apache.kafka.common.config.ConfigException(
                setting, value, "use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy"));
    }

    /** The strategy a setting names, as {@link #fromConfig}; empty for a strategy of another's (a class of its own). */
    public static Optional<SubjectNames> named(Object value) {
        if (value == null || value.toString().isBlank()) {
            return Optional.of(TOPIC_NAME);
        }
        String name = value.toString().trim();
        String simple = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (simple) {
            case "topicnamestrategy" -> Optional.of(TOPIC_NAME);
            case "recordnamestrategy" -> Optional.of(RECORD_NAME);
            case "topicrecordnamestrategy" -> Optional.of(TOPIC_RECORD_NAME);
            default -> Optional.empty();
        };
    }
}
