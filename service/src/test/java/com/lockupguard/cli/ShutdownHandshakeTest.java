package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownHandshakeTest {

    @Test
    void shouldLetTheHookReturnOnlyOnceTheMainThreadHasClosed() throws Exception {
        // given a main thread that waits for the signal, then takes a while to close (deleting its data, say)
        ShutdownHandshake handshake = new ShutdownHandshake(Duration.ofSeconds(30));
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> main = CompletableFuture.runAsync(() -> {
            try (handshake) {
                handshake.awaitStop();
                Thread.sleep(300);
                events.add("closed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // when the hook runs
        boolean closedInTime = handshake.onShutdown();
        events.add("hook returned");
        // then it returned after the main thread had closed, not as soon as it had asked it to stop
        main.get(5, TimeUnit.SECONDS);
        assertThat(closedInTime).isTrue();
        assertThat(events).containsExactly("closed", "hook returned");
    }

    @Test
    void shouldLetTheHookReturnAfterItsTimeoutWhenTheMainThreadNeverCloses() {
        // given a main thread that never closes
        ShutdownHandshake handshake = new ShutdownHandshake(Duration.ofMillis(200));
        // when the hook runs
        long started = System.nanoTime();
        boolean closedInTime = handshake.onShutdown();
        // then it gives up after the timeout, having asked the main thread to stop
        assertThat(closedInTime).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(handshake.stopRequested()).isTrue();
    }

    @Test
    void shouldNotAskToStopBeforeTheHookRuns() {
        // given / when a handshake no signal reached
        ShutdownHandshake handshake = new ShutdownHandshake(Duration.ofSeconds(1));
        // then
        assertThat(handshake.stopRequested()).isFalse();
    }

    @Test
    void shouldWakeTheMainThreadRightAfterAskingItToStop() {
        // given a main thread that checks for a stop only between two reads, and a way to end the read it is in
        ShutdownHandshake handshake = new ShutdownHandshake(Duration.ofMillis(100));
        List<Boolean> stopRequestedWhenWoken = new CopyOnWriteArrayList<>();
        handshake.onStop(() -> stopRequestedWhenWoken.add(handshake.stopRequested()));
        // when the hook runs
        handshake.onShutdown();
        // then it woke the main thread once, after the stop was asked for, so the main thread sees it on waking
        assertThat(stopRequestedWhenWoken).containsExactly(true);
    }

    @Test
    void shouldSayItsLastWordsOnlyWhenTheMainThreadHasNotClosedInTime() throws Exception {
        // given a handshake whose main thread never closes, and one whose main thread closes at once
        ShutdownHandshake stuck = new ShutdownHandshake(Duration.ofMillis(100));
        ShutdownHandshake closing = new ShutdownHandshake(Duration.ofSeconds(5));
        List<String> said = new CopyOnWriteArrayList<>();
        stuck.onTimeout(() -> said.add("stuck"));
        closing.onTimeout(() -> said.add("closing"));
        CompletableFuture<Void> main = CompletableFuture.runAsync(() -> {
            try (closing) {
                closing.awaitStop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        // when the hook of each runs
        stuck.onShutdown();
        closing.onShutdown();
        main.get(5, TimeUnit.SECONDS);

        // then only the stuck one's hook said what its main thread could not
        assertThat(said).containsExactly("stuck");
    }

    @Test
    void shouldReturnThoughItsLastWordsNeverGetWritten() {
        // given a main thread that never closes, and a last word stuck as a write to a full pipe is
        ShutdownHandshake handshake = new ShutdownHandshake(Duration.ofMillis(100));
        CountDownLatch never = new CountDownLatch(1);
        handshake.onTimeout(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        // when the hook runs
        long started = System.nanoTime();
        boolean closedInTime = handshake.onShutdown();

        // then it returns all the same, within its timeout and a moment for the last word, so that the JVM halts
        assertThat(closedInTime).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        never.countDown();
    }
}
