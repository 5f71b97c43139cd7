package com.lockupguard.web;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The guard's health with its decision feed: not ready while the feed is down, since every
 * {@code POST /api/orders} would then wait for a decision it cannot read, and the dashboard would
 * freeze. Liveness stays the stream's while the feed restarts itself: a restarted process would
 * meet the same broker or registry trouble it is waiting out. A feed that stopped for good
 * ({@link DecisionFeed#stoppedForGood()}) is the exception: only a restart brings it back.
 */
public final class FeedAwareHealth implements Health {

    private final Health streams;
    private final Supplier<Optional<ReadinessReason>> feedOutage;
    private final BooleanSupplier feedStoppedForGood;

    public FeedAwareHealth(Health streams, Supplier<Optional<ReadinessReason>> feedOutage,
            BooleanSupplier feedStoppedForGood) {
        this.streams = streams;
        this.feedOutage = feedOutage;
        this.feedStoppedForGood = feedStoppedForGood;
    }

    @Override
    public boolean live() {
        return streams.live() && !feedStoppedForGood.getAsBoolean();
    }

    @Override
    public boolean ready() {
        return streams.ready() && feedOutage.get().isEmpty();
    }

    @Override
    public Readiness readiness() {
        Readiness kafkaStreams = streams.readiness();
        return new Readiness(kafkaStreams.ready() && feedOutage.get().isEmpty(), kafkaStreams.state());
    }

    @Override
    public boolean stopping() {
        return streams.stopping();
    }

    @Override
    public String state() {
        return streams.state();
    }

    @Override
    public ReadinessReason reason() {
        return feedOutage.get().orElseGet(streams::reason);
    }
}
