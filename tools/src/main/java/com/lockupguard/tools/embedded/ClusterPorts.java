package com.lockupguard.tools.embedded;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The ports of a cluster's controller and brokers, all different: each port picked as free (a moment ago, its probe
 * socket closed since) is picked again while it is one already taken, or one of the brokers' chosen ports. Two probes
 * in a row can be given the same port by the system; a node told to bind a port another has would fail to start.
 */
record ClusterPorts(int controller, List<Integer> brokers) {

    /**
     * Ports for {@code brokerCount} brokers, from {@code firstPort} on, or all picked by {@code freePorts} when it is
     * {@link FreePorts#ANY}; the controller's always picked.
     */
    static ClusterPorts of(int brokerCount, int firstPort, IntSupplier freePorts) {
        Set<Integer> taken = new HashSet<>();
        if (firstPort != FreePorts.ANY) {
            for (int id = 0; id < brokerCount; id++) {
                taken.add(firstPort + id);
            }
        }
        int controller = distinct(taken, freePorts);
        List<Integer> brokers = new ArrayList<>(brokerCount);
        for (int id = 0; id < brokerCount; id++) {
            brokers.add(firstPort == FreePorts.ANY ? distinct(taken, freePorts) : firstPort + id);
        }
        return new ClusterPorts(controller, List.copyOf(brokers));
    }

    private static int distinct(Set<Integer> taken, IntSupplier freePorts) {
        int port = freePorts.getAsInt();
        while (!taken.add(port)) {
            port = freePorts.getAsInt();
        }
        return port;
    }
}
