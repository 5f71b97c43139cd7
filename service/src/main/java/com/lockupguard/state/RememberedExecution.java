package com.lockupguard.state;

import com.lockupguard.rules.ExecutionKind;
import com.lockupguard.rules.PriorExecution;
import java.util.Objects;

/**
 * An execution id the guard applied for a holding, as the seen-executions store keeps it: what the
 * first report with that id said, and since when the guard remembers it (wall-clock epoch millis;
 * {@link RememberedOrder#SINCE_UNKNOWN} in a value written before the guard kept it).
 */
public record RememberedExecution(ExecutionKind kind, String orderId, Long quantity, long rememberedAt) {

    public RememberedExecution {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(orderId, "orderId");
    }

    public static RememberedExecution of(PriorExecution report, long now) {
        return new RememberedExecution(report.kind(), report.orderId(), report.quantity(), now);
    }

    public PriorExecution prior() {
        return new PriorExecution(kind, orderId, quantity);
    }

    public RememberedExecution rememberedSince(long since) {
        return new RememberedExecution(kind, orderId, quantity, since);
    }

    /** Whether the id may be forgotten: remembered since before {@code cutoff}, as {@link StateCodec.Retention}. */
    public boolean isForgettable(long cutoff) {
        return rememberedAt != RememberedOrder.SINCE_UNKNOWN && rememberedAt < cutoff;
    }
}
