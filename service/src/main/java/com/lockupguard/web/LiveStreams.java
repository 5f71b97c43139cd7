package com.lockupguard.web;

import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed's open streams ({@code GET /api/events}). The feed only queues an event for each stream; every
 * stream has its own sender thread, so a reader that stops reading (a stalled page, a hostile client) blocks
 * nobody else's feed. Its queue is bounded: once it is full the reader is disconnected, and its page reconnects
 * and reloads what it missed from the API, rather than the guard holding events for it without end. Streams are
 * capped in total and per subject, so that no reader can take every thread. A stream with nothing to send is sent a
 * comment every {@link #HEARTBEAT}: only a write finds a reader that went away without a word (a page closed, a
 * network cut), and frees its place; a quiet guard would otherwise keep it until its next decision. The comment also
 * keeps proxies from cutting a quiet stream.
 */
final class LiveStreams {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreams.class);

    /** Most streams open at once on one instance. */
    static final int MAX_STREAMS = 64;
    /** Most streams one subject (a token's subject; every caller when authentication is off) may hold open. */
    static final int MAX_STREAMS_PER_SUBJECT = 8;
    /** Events a stream may fall behind before it is disconnected. */
    static final int QUEUE_CAPACITY = 10_000;

    /** How long a stream goes without a write before it is sent a comment. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final Map<String, Integer> perSubject = new HashMap<>();
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

    /** Whether {@code subject} may open another stream now (checked before the stream's answer begins). */
    synchronized boolean admits(String subject) {
        return open < MAX_STREAMS && perSubject.getOrDefault(subject, 0) < MAX_STREAMS_PER_SUBJECT;
    }

    /**
     * Streams the events {@code feed} gives to {@code client} until either ends; {@code render} turns an event
     * into its data line, and {@code onEnd} runs once it has ended (the client keeps one close callback, this
     * class's). A stream over the caps (a race with {@link #admits}) is closed at once.
     */
    void open(SseClient client, String subject, DecisionHistory feed, Function<DecisionHistory.Event, String> render,
            Runnable onEnd) {
        if (!reserve(subject)) {
            LOG.info("live feed: {} already holds {} streams or {} are open; refused", subject,
                    MAX_STREAMS_PER_SUBJECT, MAX_STREAMS);
            client.close();
            onEnd.run();
            return;
        }
        Stream stream = new Stream(client, subject, render, onEnd);
        stream.subscription = feed.subscribe(stream::offer);
        client.onClose(stream::end);
        Thread sender = new Thread(stream, "lockup-guard-sse-" + opened.incrementAndGet());
        sender.setDaemon(true);
        stream.sender = sender;
        sender.start();
    }

    private synchronized boolean reserve(String subject) {
        if (!admits(subject)) {
            return false;
        }
        open++;
        perSubject.merge(subject, 1, Integer::sum);
        return true;
    }

    private synchronized void release(String subject) {
        open--;
        perSubject.computeIfPresent(subject, (s, n) -> n == 1 ? null : n - 1);
    }

    /** One reader's stream: its queue, and the thread that sends from it. */
    private final class Stream implements Runnable {
        private final SseClient client;
        private final String subject;
        private final Function<DecisionHistory.Event, String> render;
        private final Runnable onEnd;
        private final BlockingQueue<DecisionHistory.Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile AutoCloseable subscription;
        private volatile Thread sender;

        Stream(SseClient client, String subject, Function<DecisionHistory.Event, String> render, Runnable onEnd) {
            this.client = client;
            this.subject = subject;
            this.render = render;
            this.onEnd = onEnd;
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
                long lastWrite = System.nanoTime();
                while (!ended.get() && !client.terminated()) {
                    DecisionHistory.Event event = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
                    if (event != null && !ended.get()) {
                        client.sendEvent(event.type(), render.apply(event));
                        lastWrite = System.nanoTime();
                    } else if (System.nanoTime() - lastWrite >= heartbeatNanos) {
                        client.sendComment("heartbeat"); // a reader that went away fails it, and the stream ends
                        lastWrite = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("live feed: a stream of {} failed", subject, e);
            } finally {
                end();
                client.close();
                // the slot is free only once this thread is done: the caps bound threads, not just subscriptions
                release(subject);
                onEnd.run();
            }
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
