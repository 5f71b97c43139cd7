package com.lockupguard.web;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.javalin.http.sse.SseClient;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed's open streams ({@code GET /api/events}). The feed only queues an event for each stream; every
 * stream has its own sender thread, so a reader that stops reading (a stalled page, a hostile client) blocks
 * nobody else's feed. Its queue is bounded: once it is full the reader is disconnected, and its page reconnects
 * and reloads what it missed from the API, rather than the guard holding events for it without end. Streams are
 * capped in total and per caller ({@code Principal.caller()}), so that no reader can take every thread. A stream
 * with nothing to send is sent a {@code heartbeat} event every {@link #HEARTBEAT}: only a write finds a reader that
 * went away without a word (a page closed, a network cut), and frees its place; a quiet guard would otherwise keep it
 * until its next decision. The event also keeps proxies from cutting a quiet stream, and, unlike a comment (which an
 * {@code EventSource} does not surface), lets a page tell a quiet stream from a dead one.
 */
final class LiveStreams {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreams.class);

    /** Most streams open at once on one instance. */
    static final int MAX_STREAMS = 64;
    /** Most streams one caller (a token's subject, within its kind; everyone when authentication is off) may hold. */
    static final int MAX_STREAMS_PER_SUBJECT = 8;
    /** Events a stream may fall behind before it is disconnected. */
    static final int QUEUE_CAPACITY = 10_000;

    /** How long a stream goes without a write before it is sent a {@link #HEARTBEAT_EVENT}. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** The event a quiet stream is sent: a named event with data, which a page's {@code EventSource} dispatches. */
    static final String HEARTBEAT_EVENT = "heartbeat";

    private final Map<String, Integer> perSubject = new HashMap<>();
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger opened = new AtomicInteger();
    private final long heartbeatNanos;
    private final long pollMillis;
    private int open;

    LiveStreams() {
        this(HEARTBEAT);
    }

    LiveStreams(Duration heartbeat) {
        this.heartbeatNanos = heartbeat.toNanos();
        this.pollMillis = Math.max(1, Math.min(1000, heartbeat.toMillis()));
    }

    private synchronized boolean admits(String subject) {
        return open < MAX_STREAMS && perSubject.getOrDefault(subject, 0) < MAX_STREAMS_PER_SUBJECT;
    }

    /**
     * Takes a place for a stream of {@code subject} within the caps, before the stream's answer begins, or none if
     * they are reached. Of a burst of requests only as many as there are places get one, and every other a 429; a
     * check of the caps there, with the place counted only once the stream opened, let a whole burst through, and
     * the streams over the caps ended at once after their 200. The place is the stream's once {@link #open} is given
     * it; until then whoever took it gives it back ({@link Place#giveBack}) if no stream opens in it.
     */
    synchronized Optional<Place> reserve(String subject) {
        if (!admits(subject)) {
            return Optional.empty();
        }
        open++;
        perSubject.merge(subject, 1, Integer::sum);
        return Optional.of(new Place(subject));
    }

    /** A place taken among the caps: handed to the stream it was taken for, or given back, once. */
    final class Place {
        private final String subject;
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Place(String subject) {
            this.subject = subject;
        }

        /** Gives the place back unless a stream took it (or it was given back already): a no-op then. */
        void giveBack() {
            if (take()) {
                release(subject);
            }
        }

        /** Whether the place was still to be had: the stream that takes it gives it back when it ends. */
        private boolean take() {
            return held.compareAndSet(true, false);
        }
    }

    /** A stream opened: ended from outside its sender only through here, which touches its request as it does. */
    interface Opened {
        /** Ends the stream, closing its request while the server still serves it (a credential's expiry, say). */
        void end();

        boolean ended();
    }

    /**
     * Streams the events {@code feed} gives to {@code client} in the {@code place} {@link #reserve} took for it,
     * until either ends; {@code render} turns an event into its data line, and {@code onEnd} runs once it has ended
     * (the client keeps one close callback, this class's). A place given back already is not taken again: the stream
     * is closed at once, empty.
     */
    Optional<Opened> open(SseClient client, Place place, DecisionHistory feed,
            Function<DecisionHistory.Event, String> render, Runnable onEnd) {
        String subject = place.subject;
        if (!place.take()) {
            LOG.warn("live feed: a stream of {} was opened in a place given back; closed", subject);
            client.close();
            onEnd.run();
            return Optional.empty();
        }
        Stream stream = new Stream(client, subject, render, onEnd, feed);
        try {
            stream.subscription = feed.subscribe(stream::offer);
            client.onClose(stream::end);
            HttpServletRequest request = client.ctx().req();
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new ServerDone(stream));
            }
            streams.add(stream);
            Thread sender = new Thread(stream, "lockup-guard-sse-" + opened.incrementAndGet());
            sender.setDaemon(true);
            stream.sender = sender;
            sender.start();
            return Optional.of(new Opened() {
                @Override
                public void end() {
                    stream.closeFromServer();
                }

                @Override
                public boolean ended() {
                    return stream.ended.get();
                }
            });
        } catch (RuntimeException | Error notOpened) {
            // no sender runs to end it (a request the server finished meanwhile, say): its place is given back here,
            // or the caps would count it for as long as the instance runs
            stream.finish();
            throw notOpened;
        }
    }

    private synchronized void release(String subject) {
        open--;
        perSubject.computeIfPresent(subject, (s, n) -> n == 1 ? null : n - 1);
    }

    /**
     * Ends every open stream while the web server still serves them, and waits up to {@code wait} for their
     * senders: called before the server stops, which would otherwise take the requests from under them.
     */
    void closeAll(Duration wait) throws InterruptedException {
        List<Stream> open = List.copyOf(streams);
        open.forEach(Stream::closeFromServer);
        long deadline = System.nanoTime() + wait.toNanos();
        for (Stream stream : open) {
            Thread sender = stream.sender;
            long left = deadline - System.nanoTime();
            if (sender != null && left > 0) {
                sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /**
     * Told by the web server when it is done with a stream's request: completed, failed (the reader went away) or
     * timed out. From then on the request may be recycled for another, and a write to it, or closing it, would
     * run Javalin's completion on a request that is no longer there: it fails, and its error handling fails in
     * turn, without end (seen: millions of warnings a minute from one sender thread).
     */
    private static final class ServerDone implements AsyncListener {
        private final Stream stream;

        ServerDone(Stream stream) {
            this.stream = stream;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            stream.serverDone();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            stream.serverDone();
        }

        @Override
        public void onError(AsyncEvent event) {
            stream.serverDone();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // a stream is not started again
        }
    }

    /** One reader's stream: its queue, and the thread that sends from it. */
    private final class Stream implements Runnable {
        private final SseClient client;
        private final String subject;
        private final Function<DecisionHistory.Event, String> render;
        private final Runnable onEnd;
        private final DecisionHistory feed;
        private final BlockingQueue<DecisionHistory.Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile AutoCloseable subscription;
        private volatile Thread sender;
        /** Held for every use of the client's request: the server does not recycle it while a write is under way. */
        private final ReentrantLock request = new ReentrantLock();
        /** Whether the server is done with the request (guarded by {@link #request}): nothing may touch it then. */
        private boolean serverDone;

        Stream(SseClient client, String subject, Function<DecisionHistory.Event, String> render, Runnable onEnd,
                DecisionHistory feed) {
            this.client = client;
            this.subject = subject;
            this.render = render;
            this.onEnd = onEnd;
            this.feed = feed;
        }

        /**
         * A heartbeat's data: {@code {}} while the feed reads, and while it does not, {@code {"feed":"down"}} with
         * why in words anyone who reaches /health/ready may read: the stream is open, but nothing comes on it, and
         * its page must not show it live.
         */
        private String heartbeat() {
            return feed.outageReason().map(why -> "{\"feed\":\"down\",\"reason\":\""
                    + new String(JsonStringEncoder.getInstance().quoteAsString(why.summary())) + "\"}").orElse("{}");
        }

        /** Called by the feed's thread: queues, never waits. */
        void offer(DecisionHistory.Event event) {
            if (!ended.get() && !queue.offer(event)) {
                LOG.warn("live feed: a reader of {} fell {} events behind; disconnected (its page reloads)", subject,
                        QUEUE_CAPACITY);
                end();
            }
        }

        @Override
        public void run() {
            try {
                // a stream opened while the feed is down says so at once, not a heartbeat later
                long lastWrite = System.nanoTime() - (feed.outageReason().isPresent() ? heartbeatNanos : 0);
                while (!ended.get() && !client.terminated()) {
                    DecisionHistory.Event event = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
                    if (event != null && !ended.get()) {
                        String data = render.apply(event);
                        if (!whileServed(() -> client.sendEvent(event.type(), data))) {
                            break;
                        }
                        lastWrite = System.nanoTime();
                    } else if (System.nanoTime() - lastWrite >= heartbeatNanos) {
                        // a reader that went away fails it, and the stream ends; a page that hears nothing for
                        // a few of these takes its stream for dead and opens another
                        String data = heartbeat();
                        if (!whileServed(() -> client.sendEvent(HEARTBEAT_EVENT, data))) {
                            break;
                        }
                        lastWrite = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("live feed: a stream of {} failed", subject, e);
            } finally {
                // the slot is free only once this thread is done: the caps bound threads, not just subscriptions
                finish();
            }
        }

        /** Ends the stream, closes its request while it is still served, and gives its place back. */
        void finish() {
            end();
            try {
                whileServed(client::close);
            } catch (RuntimeException e) {
                LOG.debug("live feed: closing a stream of {} failed", subject, e);
            } finally {
                streams.remove(this);
                release(subject);
                onEnd.run();
            }
        }

        /** Runs {@code use} of the request unless the server is done with it; whether it ran. */
        private boolean whileServed(Runnable use) {
            request.lock();
            try {
                return runUnlessServerDone(use);
            } finally {
                request.unlock();
            }
        }

        private boolean runUnlessServerDone(Runnable use) {
            if (serverDone) {
                return false;
            }
            use.run();
            return true;
        }

        /** The server is done with the request (it waits for a write under way): the stream ends without it. */
        void serverDone() {
            request.lock();
            try {
                serverDone = true;
            } finally {
                request.unlock();
            }
            end();
        }

        /**
         * The web server stops: the stream is closed while the request is still served, unless a write to a reader
         * that does not read holds it; that write fails when the server stops, and the stream ends then.
         */
        void closeFromServer() {
            try {
                if (request.tryLock(100, TimeUnit.MILLISECONDS)) {
                    try {
                        runUnlessServerDone(client::close);
                    } finally {
                        request.unlock();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            end();
        }

        /** Stops the stream: no more events are queued, the queued ones are dropped and the sender stops. */
        void end() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            try {
                if (subscription != null) {
                    subscription.close();
                }
            } catch (Exception e) {
                LOG.debug("live feed: unsubscribing failed", e);
            }
            queue.clear();
            Thread thread = sender;
            if (thread != null && thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
    }
}
