package com.lockupguard.metrics;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Scrapes built one at a time and shared by the callers that ask meanwhile. A scrape asked for while none is being
 * built is built at once; one asked for while another is being built waits for that one to end and then for the
 * next, which it shares with every scrape asked for until that next one starts. So a scrape never answers text
 * built before it was asked for (a caller that counts something and then scrapes sees its count, however many others
 * scrape), and many callers at once cost at most two builds, one after the other, not one each: the text of a few
 * thousand series, whose reading queues on Kafka's metric locks with the stream threads.
 */
final class SharedScrapes {

    private final Supplier<String> build;
    /** The scrape being built, or null; guarded by this. */
    private CompletableFuture<String> underWay;
    /** The scrape to be built when the one under way ends, shared by those asking for it meanwhile; guarded by this. */
    private CompletableFuture<String> next;
    /**
     * Completed when {@link #next} has become the scrape under way, which nobody can join any more: its builder waits
     * for it, not for the answer of the one before; guarded by this.
     */
    private CompletableFuture<Void> nextsTurn;

    SharedScrapes(Supplier<String> build) {
        this.build = build;
    }

    /** A scrape built after this call began. */
    String text() {
        CompletableFuture<String> mine;
        CompletableFuture<Void> turn;
        boolean builds;
        synchronized (this) {
            if (underWay == null) {
                mine = new CompletableFuture<>();
                underWay = mine;
                turn = null;
                builds = true;
            } else if (next == null) {
                // both made before either is kept: a next scrape without its turn would have no builder
                mine = new CompletableFuture<>();
                turn = new CompletableFuture<>();
                next = mine;
                nextsTurn = turn;
                builds = true;
            } else {
                mine = next;
                turn = null;
                builds = false;
            }
        }
        if (!builds) {
            return textOf(mine);
        }
        if (turn != null) {
            awaitTurn(turn, mine);
        }
        return built(mine);
    }

    /** Waits until {@code mine}, the next scrape, is the one under way. */
    private void awaitTurn(CompletableFuture<Void> turn, CompletableFuture<String> mine) {
        try {
            turn.join();
        } catch (Throwable failure) {
            // this thread could not wait (out of memory, say): the scrape is built all the same when its turn comes,
            // by the thread that gives it, or the scrapes asked for after it would wait for ever
            turn.whenComplete((ignored, none) -> built(mine));
            throw failure;
        }
    }

    /**
     * Builds {@code mine}, the scrape under way, answers its callers, and then gives the next one its turn: answered
     * first, they do not wait for the next build should the turn run it in this thread ({@link #awaitTurn}).
     */
    private String built(CompletableFuture<String> mine) {
        String text;
        try {
            text = build.get();
        } catch (Throwable failure) {
            mine.completeExceptionally(failure);
            ended();
            throw failure;
        }
        mine.complete(text);
        ended();
        return text;
    }

    /**
     * The scrape under way has been built: the next one, if asked for, is now the one under way, which nobody can
     * join any more, and its builder may start; whoever asks from now on waits for it to end and then for the one
     * after.
     */
    private void ended() {
        CompletableFuture<Void> turn;
        synchronized (this) {
            underWay = next;
            next = null;
            turn = nextsTurn;
            nextsTurn = null;
        }
        if (turn != null) {
            turn.complete(null);
        }
    }

    private static String textOf(CompletableFuture<String> scrape) {
        try {
            return scrape.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw e;
        }
    }
}
