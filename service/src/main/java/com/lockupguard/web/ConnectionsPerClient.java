package com.lockupguard.web;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that would give one client address (or an IPv6 client's network: {@link ClientNetwork}) more
 * than {@code limit} open at once. The server's limit on connections is shared by every client: seen in a review, one
 * address with no credential holding 1,200 connections, each sending its headers a byte at a time and opened again once
 * the header deadline closed it, kept the server at that limit, and a health check from elsewhere waited 5-20 s for an
 * answer or had none (an orchestrator's liveness probe then restarts the guard). With this, such a client holds its own
 * share; the rest stay for the others.
 */
final class ConnectionsPerClient implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionsPerClient.class);

    private final int limit;
    private final ClientNetwork clients;
    /** The connections open, by client: an address, or an IPv6 network ({@link ClientNetwork}). */
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    /**
     * The connections counted in {@link #open}, each until it closes, with its client's address: a closed connection's
     * end point no longer says it.
     */
    private final Map<Connection, String> counted = new ConcurrentHashMap<>();
    /** Connections closed for their client's limit, said at most once a minute. */
    private final WarnedOncePerMinute refused = new WarnedOncePerMinute();

    ConnectionsPerClient(int limit, ClientNetwork clients) {
        this.limit = limit;
        this.clients = clients;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection.getEndPoint() instanceof EndPoint.Wrapper) {
            // over TLS, the HTTP connection on top of the TLS one, on its decrypted end point: one network connection,
            // counted once (seen in a review: counted twice, a client's 129th TLS connection was closed)
            return;
        }
        String client = clientOf(connection);
        if (client == null) {
            return;
        }
        boolean[] admitted = {false};
        open.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= limit) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (admitted[0]) {
            // counted down when it closes: one refused here is not counted at all
            counted.put(connection, client);
            return;
        }
        long closed = refused.counted();
        if (closed > 0) {
            LOG.warn("closed {} connection(s) past the {} one client (address or IPv6 network) may have open to the "
                    + "web server at once (now {}); a proxy in front of the guard gives all its clients its own "
                    + "address", closed, limit, client);
        }
        connection.getEndPoint().close();
    }

    @Override
    public void onClosed(Connection connection) {
        String client = counted.remove(connection);
        if (client != null) {
            open.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
        }
    }

    private String clientOf(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress address && address.getAddress() != null
                ? clients.of(address.getAddress()) : null;
    }
}
