package com.lockupguard.tools.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports that were free a moment ago, and ports that are free now. */
public final class FreePorts {

    /** A port option's value for any free port. */
    public static final int ANY = 0;
    /** Where the brokers, the demo's registry and, by default, a guard's HTTP server listen. */
    public static final String LOOPBACK = "127.0.0.1";
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
     * Refuses, naming it, the first of {@code count} ports of {@code host} from {@code first} on that is out of range
     * or that something listens on: a server told to bind it would fail only once much else had started (a
     * cluster's other brokers, the demo's broker and guard). {@code 0.0.0.0} or {@code ::} checks every address.
     */
    public static void requireFree(String host, int first, int count) {
        long last = (long) first + count - 1;
        if (first < 1 || count < 1 || last > MAX_PORT) {
            throw new IllegalArgumentException(count == 1 ? "port " + first + " is not a port (1-" + MAX_PORT + ")"
                    : "ports " + first + " to " + last + " for " + count + " servers are not all ports (1-"
                    + MAX_PORT + ")");
        }
        for (int port = first; port <= last; port++) {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                return; // a host name that does not resolve: the server itself says so when it binds
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                // as the servers listen, with SO_REUSEADDR, so that a port a stopped broker left in TIME_WAIT passes
                // as it would for them
                socket.bind(address, 1);
            } catch (IOException e) {
                // only a port taken is in use: an address not this machine's, or a port below 1024 without the right,
                // is said as the system says it
                boolean taken = e instanceof java.net.BindException && String.valueOf(e.getMessage())
                        .contains("Address already in use");
                throw new IllegalArgumentException(taken
                        ? "port " + port + " of " + host + " is in use (" + e.getMessage() + "): choose another, or 0 "
                                + "for any free port"
                        : "port " + port + " of " + host + " cannot be listened on (" + e.getMessage() + "): check the "
                                + "host and the port", e);
            }
        }
    }
}
