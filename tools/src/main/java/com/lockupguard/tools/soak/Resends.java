package com.lockupguard.tools.soak;

import com.lockupguard.tools.timeline.SyntheticTimeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The clients' resends among a soak's orders. Now and then an order sent in the last ten seconds is sent again:
 * mostly as a retry, with the same id and content, as a client does after a 504 or a crash of its own (the guard
 * answers it with the first decision, marked repeated); now and then reusing the id with other content (blocked
 * {@code DUPLICATE_ORDER_ID}). Sent after a kill of the guard instance that decided the first, a retry must find
 * the order id in state that survived the kill. An invalid order (some 2% of them) is not remembered: its retry is
 * answered {@code INVALID_ORDER} again, and a reuse of its id is decided as a new order. Not thread-safe.
 */
final class Resends {

    /** Out of every 1,000 orders, how many are followed by a retry of a recent one, and by a reuse of its id. */
    static final int RETRIES_PER_MILLE = 20;
    static final int REUSES_PER_MILLE = 5;
    private static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** An order line, first sent at {@code nanos} ({@link System#nanoTime}). */
    private record Sent(long nanos, String line) {
    }

    private final SyntheticTimeline timeline;
    private final Random random;
    /** The orders sent in the last ten seconds, oldest first, from {@code first} on. */
    private final List<Sent> recent = new ArrayList<>();
    private int first;
    private final List<String> pending = new ArrayList<>();
    private long retries;
    private long reuses;

    Resends(SyntheticTimeline timeline, long seed) {
        this.timeline = timeline;
        this.random = new Random(seed ^ 0x7265_7365_6e64L);
    }

    /**
     * What to send after an order of this batch, stamped {@code at}: now and then a recent order again (one sent
     * in an earlier batch, within the last ten seconds), as a retry or a reuse of its id; mostly nothing.
     */
    Optional<String> after(String order, Instant at) {
        pending.add(order);
        int draw = random.nextInt(1_000);
        if (first == recent.size() || draw >= RETRIES_PER_MILLE + REUSES_PER_MILLE) {
            return Optional.empty();
        }
        String earlier = recent.get(first + random.nextInt(recent.size() - first)).line();
        if (draw < RETRIES_PER_MILLE) {
            retries++;
            return Optional.of(timeline.resent(earlier, at));
        }
        reuses++;
        return Optional.of(timeline.reused(earlier, at));
    }

    /** The batch's orders were sent at {@code nanos}: from the next batch on, they may be sent again. */
    void batchSent(long nanos) {
        for (String order : pending) {
            recent.add(new Sent(nanos, order));
        }
        pending.clear();
        while (first < recent.size() && nanos - recent.get(first).nanos() > RECENT_NANOS) {
            first++;
        }
        if (first > recent.size() / 2) {
            recent.subList(0, first).clear();
            first = 0;
        }
    }

    /** Orders sent again with the same id and content. */
    long retries() {
        return retries;
    }

    /** Orders sent with a recent order's id and other content. */
    long reuses() {
        return reuses;
    }
}
