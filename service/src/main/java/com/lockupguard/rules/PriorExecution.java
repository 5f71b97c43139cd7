package com.lockupguard.rules;

import java.util.Objects;

/** An execution id already applied to a holding: what its first report said. {@code quantity} is null for a CANCEL. */
public record PriorExecution(ExecutionKind kind, String orderId, Long quantity) {

    public PriorExecution {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(orderId, "orderId");
    }
}
