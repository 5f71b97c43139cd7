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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets at most {@code limit} of the server's threads write answers to one client address at once. A write to a client
 * that does not read blocks its thread until the connection's idle timeout: seen in a review, one address with no
 * credential asked for the dashboard's script 40 times on each of 250 connections and read nothing, 246 of the 250
 * threads waited in a write, and health checks, orders and the other instances' queries went unanswered for most of
 * each cycle. With this, a write past the client's share closes that connection instead of waiting: a client that reads
 * its answers is never near it (a write to it lasts microseconds), one that does not holds its share, no more.
 */
final class WritesPerClient implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(WritesPerClient.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int limit;
    private final Map<String, Integer> writing = new ConcurrentHashMap<>();
    /** Answers cut short since the last warning, said at most once a minute. */
    private final AtomicLong cut = new AtomicLong();
    private final AtomicLong warnedAt = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    WritesPerClient(int limit) {
        this.limit = limit;
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

    /** Whether one more thread may write to {@code client}; if so, it is counted until {@link #leave}. */
    boolean enter(String client) {
        boolean[] admitted = {false};
        writing.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= limit) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    void leave(String client) {
        writing.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
    }

    /** Threads writing to {@code client} now. */
    int writing(String client) {
        return writing.getOrDefault(client, 0);
    }

    private void cutShort(HttpServletRequest request, String client) throws EofException {
        cut.incrementAndGet();
        long last = warnedAt.get();
        long at = System.nanoTime();
        if (at - last >= WARN_EVERY_NANOS && warnedAt.compareAndSet(last, at)) {
            LOG.warn("closed {} connection(s) whose answer would have been one more of the {} the server writes to one "
                    + "client address at once, the others not read yet (now {}): a client that does not read its "
                    + "answers holds that many of the server's threads, no more", cut.getAndSet(0), limit, client);
        }
        ServletContextRequest.getServletContextRequest(request).getConnectionMetaData().getConnection().getEndPoint()
                .close();
        throw new EofException("the client at " + client + " has " + limit + " answers being written already");
    }

    /** The answer to one request, whose writes are counted against its client's share. */
    private final class Counted extends HttpServletResponseWrapper {
        private final HttpServletRequest request;
        private final String client;
        private ServletOutputStream stream;

        Counted(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            this.request = request;
            this.client = request.getRemoteAddr();
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
                if (!enter(client)) {
                    cutShort(request, client);
                }
                try {
                    out.write(bytes, offset, length);
                } finally {
                    leave(client);
                }
            }

            @Override
            public void flush() throws IOException {
                if (!enter(client)) {
                    cutShort(request, client);
                }
                try {
                    out.flush();
                } finally {
                    leave(client);
                }
            }

            @Override
            public void close() throws IOException {
                if (!enter(client)) {
                    cutShort(request, client);
                }
                try {
                    out.close();
                } finally {
                    leave(client);
                }
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
