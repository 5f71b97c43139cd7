package com.lockupguard.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request headers do not arrive within a deadline. The web server's idle timeout starts
 * again with each byte, so a client sending its headers a byte every few seconds held a connection (a socket and a
 * buffer) for as long as it liked, without a credential: a few thousand such clients and no other could connect
 * ({@link RequestBodies} has bodies arrive in time; this, the headers before them). A new connection must send its
 * first request's headers (over TLS, its handshake first) within {@link #DEADLINE} of connecting; a kept-alive one,
 * once bytes of its next request have come, within {@link #DEADLINE} of them. A connection with a request under way
 * (a body arriving, an answer being written, a live stream) or waiting silently for its next one is left alone: the
 * idle timeout ends the latter.
 *
 * <p>A bean of the server ({@link #watch}: it finds the connectors when the server starts) and a customizer of its
 * requests (which tells it a request's headers came).
 */
final class HeaderDeadline extends AbstractLifeCycle implements Connection.Listener, HttpConfiguration.Customizer {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);
    /** How long a client has for a request's headers. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Duration deadline;
    /** How often the connections are looked at: a connection is closed at most this long after its deadline. */
    private final Duration sweepEvery;
    private final Map<Connection, Waiting> connections = new ConcurrentHashMap<>();
    private Server server;
    private ScheduledThreadPoolExecutor sweeper;

    HeaderDeadline() {
        this(DEADLINE);
    }

    HeaderDeadline(Duration deadline) {
        this.deadline = deadline;
        this.sweepEvery = deadline.dividedBy(10);
    }

    /** Watches the connections of {@code watched}'s connectors, from when it starts. */
    void watch(Server watched) {
        this.server = watched;
        watched.addBean(this);
    }

    /** What is known of a connection: when it opened, whether a request is under way, when its next one began. */
    private static final class Waiting {
        private final long openedAt;
        private boolean served;
        private int underWay;
        /** Bytes the connection had read when its last request ended. */
        private long bytesAtEnd;
        /** When a sweep first saw bytes of the next request, 0 before. */
        private long nextSeenAt;

        Waiting(long openedAt) {
            this.openedAt = openedAt;
        }

        synchronized void started() {
            served = true;
            underWay++;
        }

        synchronized void ended(long bytesIn) {
            underWay--;
            bytesAtEnd = bytesIn;
            nextSeenAt = 0;
        }

        /** Whether its headers are late, at {@code now}, having read {@code bytesIn}. */
        synchronized boolean late(long now, long bytesIn, long deadlineNanos) {
            if (underWay > 0) {
                return false;
            }
            if (!served) {
                return now - openedAt >= deadlineNanos;
            }
            if (bytesIn <= bytesAtEnd) {
                return false; // kept alive, silent: the idle timeout's
            }
            if (nextSeenAt == 0) {
                nextSeenAt = now;
                return false;
            }
            return now - nextSeenAt >= deadlineNanos;
        }
    }

    @Override
    protected void doStart() throws Exception {
        for (Connector connector : server.getConnectors()) {
            connector.addEventListener(this);
        }
        sweeper = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "lockup-guard-header-deadline");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, sweepEvery.toMillis(), sweepEvery.toMillis(),
                TimeUnit.MILLISECONDS);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        sweeper.shutdownNow();
        for (Connector connector : server.getConnectors()) {
            connector.removeEventListener(this);
        }
        connections.clear();
        super.doStop();
    }

    @Override
    public void onOpened(Connection connection) {
        // over TLS, the HTTP connection on top opens with the TLS one and reads what it decrypts: it is the one watched
        if (!(connection instanceof SslConnection)) {
            connections.put(connection, new Waiting(System.nanoTime()));
        }
    }

    @Override
    public void onClosed(Connection connection) {
        connections.remove(connection);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        Connection connection = request.getConnectionMetaData().getConnection();
        Waiting waiting = connections.get(connection);
        if (waiting != null) {
            waiting.started();
            Request.addCompletionListener(request, failure -> waiting.ended(connection.getBytesIn()));
        }
        return request;
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            connections.forEach((connection, waiting) -> {
                // and waiting for the client's bytes: headers that came, waiting for a thread to read them (every one
                // busy with orders waiting for their decisions, say), are the server's delay, not the client's
                if (waiting.late(now, connection.getBytesIn(), deadline.toNanos())
                        && connection.getEndPoint().isFillInterested()) {
                    LOG.debug("closing a connection from {}: no complete request headers within {} s",
                            connection.getEndPoint().getRemoteSocketAddress(), deadline.toSeconds());
                    connections.remove(connection);
                    connection.getEndPoint().close();
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("looking for connections whose request headers are late failed", e); // and it runs again
        }
    }
}
