package com.lockupguard.cli;

import com.lockupguard.app.GuardApplication;

/**
 * SIGTERM or Ctrl-C for {@code run}, from before the guard starts: the hook closes the guard, Kafka Streams with it
 * (its state checkpointed, its group left), and the JVM halts when it returns. (A hook installed once the start had
 * returned would let a signal in between halt a Kafka Streams that had just started, unclosed.) A signal that comes
 * before the guard exists finds nothing to close; should the start get further before the JVM halts, it stops there,
 * before Kafka Streams starts.
 */
final class GuardShutdownHook {

    private final Thread hook = new Thread(this::onSignal, "lockup-guard-shutdown");
    /** The guard to close on a signal, once it exists (guarded by this). */
    private GuardApplication guard;
    /** Whether the signal has come (guarded by this). */
    private boolean signalled;

    /** A hook the JVM runs on SIGTERM or Ctrl-C. */
    static GuardShutdownHook install() {
        GuardShutdownHook shutdown = new GuardShutdownHook();
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        return shutdown;
    }

    /**
     * The guard exists, and Kafka Streams is about to start: from now on the hook closes it. Throws once the signal
     * has come, so that the start stops here.
     */
    synchronized void made(GuardApplication starting) {
        if (signalled) {
            throw new IllegalStateException("stopped by a signal while starting");
        }
        guard = starting;
    }

    /** What the hook does: closes the guard, if there is one yet, and keeps one from starting after. */
    void onSignal() {
        GuardApplication closing;
        synchronized (this) {
            signalled = true;
            closing = guard;
        }
        if (closing != null) {
            closing.close();
        }
    }

    /** The start failed without a signal, and closed what it made: there is nothing left for the hook to do. */
    void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already shutting down: the hook closes a guard that is closed already, which does nothing
        }
    }
}
