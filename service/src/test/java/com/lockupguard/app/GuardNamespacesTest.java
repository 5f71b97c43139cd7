package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The names under which a setting that is not the guard's is refused: the guard's alone. */
class GuardNamespacesTest {

    @Test
    void shouldHoldNoSettingOfKafkaAndSomeOfTheGuards() {
        // given every setting Kafka Streams and Kafka's clients read
        Set<String> others = new TreeSet<>(StreamsConfig.configDef().names());
        others.addAll(ProducerConfig.configNames());
        others.addAll(ConsumerConfig.configNames());
        others.addAll(AdminClientConfig.configNames());

        // when each of the guard's namespaces is looked at, then none of those is under it, and a setting of the
        // guard's is: a setting refused there could not be another reader's
        for (String namespace : ClientSettings.GUARD_NAMESPACES) {
            assertThat(others).as(namespace).noneMatch(name -> name.startsWith(namespace));
            assertThat(GuardConfig.definition().names()).as(namespace).anyMatch(name -> name.startsWith(namespace));
        }
    }
}
