package com.lockupguard.state;

import com.lockupguard.rules.HoldingState;
import java.time.Instant;
import java.util.Objects;

/**
 * A holding as the holding-state store keeps it: the rules' state, and the start of the window after
 * the last published position's (null when positions are not published; older versions also wrote
 * null once every share was sold). Until every share is sold the guard publishes the holding
 * again then, a release; and a later record evaluated before it is published as of the latest
 * boundary already passed, so that a holding's published position never goes back a window.
 */
public record StoredHolding(HoldingState state, Instant nextBoundaryAt) {

    public StoredHolding {
        Objects.requireNonNull(state, "state");
    }
}
