package com.lockupguard.app;

import java.util.Optional;

/**
 * A check that asks the cluster why the guard must not start, or must stop: the reason, if there is one. It fails
 * with an {@link IllegalStateException} when the cluster does not answer; each caller decides what that means.
 */
@FunctionalInterface
interface ClusterCheck {
    Optional<String> find() throws InterruptedException;
}
