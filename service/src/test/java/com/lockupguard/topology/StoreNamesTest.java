package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.registry.InMemorySchemaRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class StoreNamesTest {

    @Test
    void shouldNameEveryStoreOfTheServiceThatHasAChangelog() {
        // given the service's topology
        String scope = "store-names-" + UUID.randomUUID();
        try {
            GuardTopics topics = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url",
                    "mock://" + scope));
            TopologyDescription description = GuardTopology.build(topics, DecisionObserver.NONE,
                    TopologyOptions.service()).describe();

            // when its stores are listed
            List<String> stores = new ArrayList<>();
            description.subtopologies().forEach(subtopology -> subtopology.nodes().stream()
                    .filter(TopologyDescription.Processor.class::isInstance)
                    .map(TopologyDescription.Processor.class::cast)
                    .forEach(processor -> processor.stores().stream().filter(store -> !stores.contains(store))
                            .forEach(stores::add)));

            // then they are the stores with changelogs, whose partition counts the start-up check compares with
            // the inputs', the outbox, which has none, and the id sweep's cursors, whose changelog holds nothing
            // whose loss matters; all in the one sub-topology the inputs feed
            List<String> expected = new ArrayList<>(StoreNames.withChangelogs());
            expected.add(StoreNames.POSITIONS_OUTBOX);
            expected.add(StoreNames.ID_SWEEP);
            assertThat(stores).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(description.subtopologies()).hasSize(1);
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
