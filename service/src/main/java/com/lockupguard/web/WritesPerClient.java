package com.lockupguard.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets at most {@code limit} of the server's threads write answers to one client address (or an IPv6 client's network:
 * {@link ClientNetwork}) at once. A write to a client that does not read blocks its thread until the connection's idle
 * timeout: seen in a review, one address with no credential asked for the dashboard's script 40 times on each of 250
 * connections and read nothing, 246 of the 250 threads waited in a write, and health checks, orders and the other
 * instances' queries went unanswered for most of each cycle. With this, a write past the client's share takes the place
 * of its oldest write under way for {@link #STUCK_NANOS} or more, closing that one's connection; with none that old, it
 * closes its own connection instead of waiting. A client that reads its answers is never near its share (a write to it
 * lasts microseconds); one that does not holds that many threads, no more; and a client that reads, behind the same
 * address (a proxy, a node's probes), is answered in the place of one of the other's.
 */
final class WritesPerClient implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(WritesPerClient.class);

    /**
     * How long a write must have been under way to be taken for a client's that does not read: a write to a client
     * that reads lasts microseconds, or a few milliseconds for a 32 KB chunk on a slow link. At a second, a client
     * reconnecting again and again (40 a second in a review) took most places as they came free, before a reader.
     */
    static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int limit;
    private final ClientNetwork clients;
    /** Each client's writes under way, oldest first; guarded by this. */
    private final Map<String, Deque<Write>> writing = new HashMap<>();
    /** Answers cut short, said at most once a minute. */
    private final WarnedOncePerMinute cut = new WarnedOncePerMinute();

    WritesPerClient(int limit, ClientNetwork clients) {
        this.limit = limit;
        this.clients = clients;
    }

    /** One write under way, on the connection {@code endPoint}, since {@code since} ({@link System#nanoTime}). */
    static final class Write {
        private final EndPoint endPoint;
        private final long since;
        /** Whether another write took its place, closing its connection: its failure is then no error. */
        private volatile boolean taken;

        Write(EndPoint endPoint, long since) {
            this.endPoint = endPoint;
            this.since = since;
        }

        long since() {
            return since;
        }

        EndPoint endPoint() {
            return endPoint;
        }
    }

    /** A place given to a write, and the write whose place it took, if any, whose connection is to be closed. */
    record Admission(Write write, Write taken) {
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer) {
            chain.doFilter(request, new Counted(http, answer));
        } else {
            chain.doFilter(request, response);
        }
    }

    /**
     * A place for one more write to {@code client} on {@code endPoint} at {@code now}: one of its share, or that of its
     * oldest write when that one has been under way {@link #STUCK_NANOS} or more; null when neither is free.
     */
    synchronized Admission enter(String client, EndPoint endPoint, long now) {
        Deque<Write> writes = writing.computeIfAbsent(client, address -> new ArrayDeque<>());
        Write taken = null;
        if (writes.size() >= limit) {
            Write oldest = writes.peekFirst();
            if (oldest == null || now - oldest.since() < STUCK_NANOS) {
                return null;
            }
            taken = writes.pollFirst();
            taken.taken = true;
        }
        Write write = new Write(endPoint, now);
        writes.addLast(write);
        return new Admission(write, taken);
    }

    synchronized void leave(String client, Write write) {
        Deque<Write> writes = writing.get(client);
        if (writes != null && writes.remove(write) && writes.isEmpty()) {
            writing.remove(client);
        }
    }

    /** Counts a write to {@code client} on the connection of {@code request} while {@code write} runs. */
    private void counted(HttpServletRequest request, String client, IoAction write) throws IOException {
        EndPoint endPoint = ServletContextRequest.getServletContextRequest(request).getConnectionMetaData()
                .getConnection().getEndPoint();
        Admission admission = enter(client, endPoint, System.nanoTime());
        if (admission == null) {
            throw cutShort(client, endPoint);
        }
        try {
            if (admission.taken() != null) {
                warn(client);
                closeTaken(admission.taken());
            }
            write.run();
        } catch (IOException e) {
            if (admission.write().taken && !(e instanceof EofException)) {
                // the connection was closed for room: a client's hang-up, as the server takes EofException, not an
                // error logged with its stack at every place taken
                throw new EofException(e);
            }
            throw e;
        } finally {
            leave(client, admission.write());
        }
    }

    /** Closes the connection of a write whose place was taken: its blocked write fails, and its thread is free. */
    private static void closeTaken(Write taken) {
        try {
            taken.endPoint().close();
        } catch (RuntimeException e) {
            // the write that took its place goes on all the same
            LOG.debug("the connection of a write whose place was taken did not close", e);
        }
    }

    /** A write to the stream. */
    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private void warn(String client) {
        long closed = cut.counted();
        if (closed > 0) {
            LOG.warn("closed {} connection(s) for room among the {} answers the server writes to one client (address "
                    + "or IPv6 network) at once (now {}, whose answers were not read): a client that does not read its "
                    + "answers holds that many of the server's threads, no more", closed, limit, client);
        }
    }

    /** Closes the connection of a write that found no place, and says why. */
    private EofException cutShort(String client, EndPoint endPoint) {
        warn(client);
        endPoint.close();
        return new EofException("the client at " + client + " has " + limit + " answers being written already");
    }

    /** The answer to one request, whose writes are counted against its client's share. */
    private final class Counted extends HttpServletResponseWrapper {
        private final HttpServletRequest request;
        private final String client;
        private ServletOutputStream stream;

        Counted(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            this.request = request;
            this.client = clients.of(request);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                stream = new CountedStream(super.getOutputStream());
            }
            return stream;
        }

        private final class CountedStream extends ServletOutputStream {
            private final ServletOutputStream out;

            CountedStream(ServletOutputStream out) {
                this.out = out;
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                counted(request, client, () -> out.write(bytes, offset, length));
            }

            @Override
            public void flush() throws IOException {
                counted(request, client, out::flush);
            }

            @Override
            public void close() throws IOException {
                counted(request, client, out::close);
            }

            @Override
            public boolean isReady() {
                return out.isReady();
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                out.setWriteListener(listener);
            }
        }
    }
}
