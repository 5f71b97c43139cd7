package com.lockupguard.state;

import com.lockupguard.rules.HoldingState;
import java.time.Instant;
import java.util.Objects;

/**
 * A holding as the holding-state store keeps it: the rules' state, and when its next window
 * boundary comes after the last published position (null once every share is sold, or when
 * positions are not published), so that the guard publishes the holding again then.
 */
public record StoredHolding(HoldingState state, Instant nextBoundaryAt) {

    public StoredHolding {
        Objects.requireNonNull(state, "state");
    }
}
