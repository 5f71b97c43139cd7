package com.lockupguard.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM or Ctrl-C for a command that must finish cleanly. The JVM halts as soon as its shutdown hooks return, so
 * a hook that only tells the main thread to stop lets the JVM halt while the main thread is still closing: the
 * broker's data is never deleted, a replay's buffered lines never written. Here the hook releases {@code stop},
 * then waits, a bounded time, until the main thread has closed what it holds and {@link #close closed} this. The
 * hook writes nothing while the main thread may still write; only once the time is out, a last word (see
 * {@link #onTimeout}).
 */
public final class ShutdownHandshake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownHandshake.class);
    /** How long the hook waits for its last word to be written before it returns and the JVM halts. */
    private static final Duration LAST_WORD_WAIT = Duration.ofSeconds(1);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Duration closeTimeout;
    private volatile Runnable wakeUp = () -> { };
    private volatile Runnable timedOut;
    private final Thread hook = new Thread(this::onShutdown, "lockup-guard-shutdown");
    private volatile boolean installed;

    /** A handshake whose hook is not installed: {@link #onShutdown} plays it. */
    public ShutdownHandshake(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    /** A handshake whose hook the JVM runs on SIGTERM or Ctrl-C, waiting up to {@code closeTimeout} for the close. */
    public static ShutdownHandshake install(Duration closeTimeout) {
        ShutdownHandshake handshake = new ShutdownHandshake(closeTimeout);
        Runtime.getRuntime().addShutdownHook(handshake.hook);
        handshake.installed = true;
        return handshake;
    }

    /** Whether the hook has asked the main thread to stop: checked between two units of work. */
    public boolean stopRequested() {
        return stop.getCount() == 0;
    }

    /**
     * What the hook runs right after asking the main thread to stop, to wake it from a wait that checks for a stop
     * only between two units of work (a read of stdin, blocked until the next line). It must write nothing.
     */
    public void onStop(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    /**
     * What the hook runs when the main thread has not closed within the timeout, just before the JVM halts, instead of
     * logging that it is still closing: the main thread is stuck where a stop is not seen (a write to a pipe whose
     * reader stopped reading), and this is the last chance to say so. It runs in a thread of its own, beside the main
     * thread, and is waited for a second at most.
     */
    public void onTimeout(Runnable timedOut) {
        this.timedOut = timedOut;
    }

    /** Blocks the main thread until the hook asks it to stop. */
    public void awaitStop() throws InterruptedException {
        stop.await();
    }

    /**
     * What the hook does: asks the main thread to stop, then waits until it has closed or the timeout has passed.
     * Whether it closed in time.
     */
    public boolean onShutdown() {
        stop.countDown();
        wakeUp.run();
        try {
            if (closed.await(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            sayStillClosing();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * The command's last word if it has one, else the log's: in a thread of its own, waited for a moment only, since
     * the stream it writes to may be a pipe that takes nothing more, as the one the main thread is stuck on may be
     * (`2>&1 | less`): a hook that blocks there would keep the JVM from halting.
     */
    private void sayStillClosing() throws InterruptedException {
        Runnable lastWord = timedOut != null ? timedOut
                : () -> LOG.warn("still closing after {} s: stopping anyway", closeTimeout.toSeconds());
        Thread saying = new Thread(lastWord, "lockup-guard-last-word");
        saying.setDaemon(true);
        saying.start();
        saying.join(LAST_WORD_WAIT.toMillis());
    }

    /** The main thread has closed everything it holds: the hook may return and the JVM halt. */
    @Override
    public void close() {
        closed.countDown();
        if (installed && !stopRequested()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook); // done without a signal: the hook is not needed
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already shutting down: the hook finds `closed` released and returns at once
            }
        }
    }
}
