package com.lockupguard.web;

import java.time.Duration;

/** How long to wait before each restart: from {@code first}, doubling up to {@code max}; from {@code first} again after a success. */
final class RestartBackoff {

    private final Duration first;
    private final Duration max;
    private Duration next;

    RestartBackoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    Duration next() {
        Duration delay = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return delay;
    }

    void reset() {
        next = first;
    }
}
