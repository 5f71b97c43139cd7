package com.lockupguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.Decision;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectNamesTest {

    @Test
    void shouldNameSubjectsAsConfluentsStrategiesDoWithTheRecordsFullName() {
        // given the decision schema, whose full name is com.lockupguard.avro.Decision
        // when each strategy names the subject of a decision written to orders-approved, then it is Confluent's
        assertThat(SubjectNames.TOPIC_NAME.subject("orders-approved", false, Decision.getClassSchema()))
                .isEqualTo("orders-approved-value");
        assertThat(SubjectNames.TOPIC_NAME.subject("orders-approved", true, Decision.getClassSchema()))
                .isEqualTo("orders-approved-key");
        assertThat(SubjectNames.RECORD_NAME.subject("orders-approved", false, Decision.getClassSchema()))
                .isEqualTo("com.lockupguard.avro.Decision");
        assertThat(SubjectNames.TOPIC_RECORD_NAME.subject("orders-approved", false, Decision.getClassSchema()))
                .isEqualTo("orders-approved-com.lockupguard.avro.Decision");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "io.confluent.kafka.serializers.subject.TopicNameStrategy|TOPIC_NAME",
        "io.confluent.kafka.serializers.subject.RecordNameStrategy|RECORD_NAME",
        "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy|TOPIC_RECORD_NAME",
        "RecordNameStrategy|RECORD_NAME",
        "'  io.confluent.kafka.serializers.subject.TopicRecordNameStrategy '|TOPIC_RECORD_NAME",
        "''|TOPIC_NAME",
        "'   '|TOPIC_NAME"})
    void shouldTakeTheStrategyConfluentsSettingNames(String setting, SubjectNames strategy) {
        // given a value of value.subject.name.strategy as a Confluent client's configuration holds it
        // when it is read, then it is that strategy; blank is the default, TopicNameStrategy
        assertThat(SubjectNames.fromConfig(SubjectNames.VALUE_STRATEGY_CONFIG, setting)).isEqualTo(strategy);
    }

    @Test
    void shouldRefuseAStrategyItDoesNotKnowNamingTheSetting() {
        assertThatThrownBy(() -> SubjectNames.fromConfig(SubjectNames.VALUE_STRATEGY_CONFIG,
                "com.example.MySubjectStrategy"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("value.subject.name.strategy");
        assertThatThrownBy(() -> new AvroSerializer<>().configure(Map.of(
                "schema.registry.url", "mock://subject-names", SubjectNames.KEY_STRATEGY_CONFIG,
                "com.example.MySubjectStrategy"), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("key.subject.name.strategy")
                .hasMessageNotContaining("value.subject.name.strategy");
        assertThat(SubjectNames.named("com.example.MySubjectStrategy")).isEmpty();
    }
}
