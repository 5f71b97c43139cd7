package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.serde.SpecificAvroSerde;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The value serde is pluggable by class name, as Confluent's SpecificAvroSerde would be. */
class PluggableSerdeTest {

    /** A serde of our own, standing in for Confluent's: same wire format, and it counts its writes. */
    public static final class CountingSerde<T extends org.apache.avro.specific.SpecificRecord>
            extends SpecificAvroSerde<T> {
        static final AtomicInteger WRITES = new AtomicInteger();

        @Override
        public Serializer<T> serializer() {
            Serializer<T> inner = super.serializer();
            return (topic, data) -> {
                WRITES.incrementAndGet();
                return inner.serialize(topic, data);
            };
        }
    }

    @TempDir
    Path stateDir;

    @Test
    void shouldUseValueSerdeNamedByDefaultValueSerde() {
        String scope = "plug-" + UUID.randomUUID();
        GuardTopics topics = pluggedTopics(scope);
        assertThat(topics.orders().valueSerde()).isInstanceOf(CountingSerde.class);
        assertThat(topics.registry()).isEmpty();

        try (TopologyTestDriver driver = driver(topics)) {
            int before = CountingSerde.WRITES.get();
            driver.createInputTopic("orders", new StringSerializer(), topics.orders().valueSerde().serializer())
                    .pipeInput("dutchess/CBYI", TopologyFixture.order("p", OrderKind.PURCHASE, 5));
            Decision decision = driver.createOutputTopic("orders-approved", new StringDeserializer(),
                    topics.approved().valueSerde().deserializer()).readValue();
            assertThat(decision.getOutcome()).isEqualTo(Outcome.APPROVED);
            // the stores are in the guard's compact encoding, not Avro: only the input and the decision
            assertThat(CountingSerde.WRITES.get() - before).as("input and decision").isEqualTo(2);
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldDeadLetterARecordOfAnotherTypeOnTheOrdersTopicAsUndecodableNamingItsType() {
        // given a plugged serde, which reads any generated class, and an agreement written to the orders topic
        String scope = "plug-" + UUID.randomUUID();
        GuardTopics topics = pluggedTopics(scope);
        try (TopologyTestDriver driver = driver(topics)) {
            // when it is read
            driver.createInputTopic("orders", new StringSerializer(), topics.orders().valueSerde().serializer())
                    .pipeInput("dutchess/CBYI", TopologyFixture.letter().build());

            // then it is dead-lettered as a record the guard cannot read, not as one without a value
            TestRecord<String, byte[]> letter = driver.createOutputTopic("orders-dlq", new StringDeserializer(),
                    new ByteArrayDeserializer()).readRecord();
            assertThat(GuardTopologyTest.header(letter, DeadLetters.REASON_HEADER)).isEqualTo("UNDECODABLE");
            assertThat(GuardTopologyTest.header(letter, DeadLetters.MESSAGE_HEADER))
                    .contains("com.lockupguard.avro.Agreement is neither an order nor an execution report");
            assertThat(letter.value()).isNotEmpty();
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** The guard's topics with {@link CountingSerde} plugged in as the value serde. */
    private static GuardTopics pluggedTopics(String scope) {
        return GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://" + scope,
                GuardTopics.VALUE_SERDE_CONFIG, CountingSerde.class.getName()));
    }

    private TopologyTestDriver driver(GuardTopics topics) {
        Properties properties = StreamsDefaults.errorHandling(topics.names());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "plug");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new TopologyTestDriver(GuardTopology.build(topics), properties);
    }

    @Test
    void shouldNameTheSettingWhenTheSerdeClassIsMissing() {
        assertThatThrownBy(() -> GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url", "mock://x",
                GuardTopics.VALUE_SERDE_CONFIG, "io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("default.value.serde");
    }
}
