package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.topology.TopicNames;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputRepartitioningTest {

    private static final TopicNames NAMES = TopicNames.defaults();

    @Test
    void shouldSeeNoChangeWhileBothInputsKeepTheCountTheGuardStartedWith() {
        // given / when / then
        assertThat(InputRepartitioning.since(6, NAMES, Map.of(NAMES.agreements(), 6, NAMES.orders(), 6))).isEmpty();
    }

    @Test
    void shouldSayWhyTheGuardStopsWhenEitherInputGainedPartitions() {
        // given a guard started on 6 partitions
        // when partitions are added to the orders only, or to both
        // then either stops it, naming both counts and the one it started with
        assertThat(InputRepartitioning.since(6, NAMES, Map.of(NAMES.agreements(), 6, NAMES.orders(), 12)))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("'agreements' has 6 and 'orders' 12, the guard started with 6")
                        .contains("The guard stops"));
        assertThat(InputRepartitioning.since(6, NAMES, Map.of(NAMES.agreements(), 12, NAMES.orders(), 12)))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("'agreements' has 12 and 'orders' 12, the guard started with 6"));
    }
}
