package com.lockupguard.tools.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A cluster's ports are all different, whatever the probes for free ones give. */
class ClusterPortsTest {

    @Test
    void shouldPickAgainAPortTheSystemGaveTwice() {
        // given probes that give each port twice in a row, as two closed probe sockets in a row may
        PrimitiveIterator.OfInt probes = IntStream.of(5000, 5000, 5001, 5001, 5002, 5002, 5003).iterator();

        // when a controller and three brokers take any free port
        ClusterPorts ports = ClusterPorts.of(3, FreePorts.ANY, probes::nextInt);

        // then no two nodes were told to bind the same port
        List<Integer> all = new ArrayList<>(ports.brokers());
        all.add(ports.controller());
        assertThat(all).doesNotHaveDuplicates().hasSize(4).containsExactlyInAnyOrder(5000, 5001, 5002, 5003);
    }

    @Test
    void shouldKeepTheControllerOffTheBrokersChosenPorts() {
        // given brokers on 9092 to 9094, and probes that first give two of those
        PrimitiveIterator.OfInt probes = IntStream.of(9093, 9094, 40000).iterator();

        // when
        ClusterPorts ports = ClusterPorts.of(3, 9092, probes::nextInt);

        // then the brokers have theirs, and the controller another
        assertThat(ports.brokers()).containsExactly(9092, 9093, 9094);
        assertThat(ports.controller()).isEqualTo(40000);
    }
}
