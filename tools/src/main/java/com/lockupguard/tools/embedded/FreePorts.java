package com.lockupguard.tools.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports that were free a moment ago, and ports that are free now. */
public final class FreePorts {

    private static final int MAX_PORT = 65_535;

    private FreePorts() {
    }

    static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * Refuses, naming it, the first of {@code count} ports of 127.0.0.1 from {@code first} on that is out of range or
     * that something listens on: a server told to bind it would fail only once much else had started (a cluster's
     * other brokers, the demo's broker and guard).
     */
    public static void requireFree(int first, int count) {
        if (first < 1 || first + count - 1 > MAX_PORT) {
            throw new IllegalArgumentException(count == 1 ? "port " + first + " is not a port (1-" + MAX_PORT + ")"
                    : "ports " + first + "-" + (first + count - 1) + " for " + count + " servers are not all ports (1-"
                    + MAX_PORT + ")");
        }
        for (int port = first; port < first + count; port++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                // as the brokers listen: on 127.0.0.1, with SO_REUSEADDR, so that a port a stopped broker left in
                // TIME_WAIT passes as it would for them
                socket.bind(new InetSocketAddress("127.0.0.1", port), 1);
            } catch (IOException e) {
                throw new IllegalArgumentException("port " + port + " of 127.0.0.1 is in use (" + e.getMessage()
                        + "): choose another, or 0 for any free port", e);
            }
        }
    }
}
