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

    SharedScrapes(Supplier<String> build) {
        this.build = build;
    }

    /** A scrape built after this call began. */
    String text() {
        CompletableFuture<String> mine;
        CompletableFuture<String> before;
        boolean builds;
        synchronized (this) {
            if (underWay == null) {
                underWay = new CompletableFuture<>();
                mine = underWay;
                before = null;
                builds = true;
            } else if (next == null) {
                next = new CompletableFuture<>();
                mine = next;
                before = underWay;
                builds = true;
            } else {
                mine = next;
                before = null;
                builds = false;
            }
        }
        if (!builds) {
            return textOf(mine);
        }
        if (before != null) {
            // its failure is its own callers'; this one builds anew once it has ended
            before.handle((text, failure) -> null).join();
        }
        return built(mine);
    }

    /** Builds the scrape {@code mine}, the one under way, and makes the next one asked for the one under way. */
    private String built(CompletableFuture<String> mine) {
        try {
            String text = build.get();
            ended();
            mine.complete(text);
            return text;
        } catch (Throwable failure) {
            ended();
            mine.completeExceptionally(failure);
            throw failure;
        }
    }

    /**
     * The scrape under way has been built: the next one, if asked for, is now under way, and whoever asks from now on
     * waits for it to end and then for the one after. Done before its callers are answered, so that the next one's
     * builder, which waits for that answer, starts only once nobody can join it any more.
     */
    private synchronized void ended() {
        underWay = next;
        next = null;
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
