package com.lockupguard.state;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.avro.OpenReservation;
import com.lockupguard.avro.SeenExecution;
import com.lockupguard.avro.SeenOrder;
import com.lockupguard.contract.HoldingStateMapper;
import com.lockupguard.rules.PriorExecution;
import com.lockupguard.rules.PriorOrder;
import com.lockupguard.rules.Reservation;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the store values of an older guard (0.1.0, and development builds before the compact
 * encoding; some of those kept open reservations in a store of their own): Avro records in Confluent's wire format,
 * each read with its writer's schema from the registry (so every older version of them reads),
 * mapped to what the stores keep now. Nothing writes this format any more; a value read this way
 * is written back compact the next time the guard changes it.
 */
public final class LegacyStoreValues {

    /** The first byte of a Confluent wire-format value. */
    static final byte MAGIC_BYTE = 0;

    /** The Avro readers of the old store values, with the encoder of a remembered decision into its topic's format. */
    public record Readers(Deserializer<HoldingState> holdings, Deserializer<SeenOrder> seenOrders,
            Deserializer<OpenReservation> reservations, Deserializer<SeenExecution> seenExecutions,
            Function<Decision, byte[]> decisionWire) {

        public Readers {
            Objects.requireNonNull(holdings, "holdings");
            Objects.requireNonNull(seenOrders, "seenOrders");
            Objects.requireNonNull(reservations, "reservations");
            Objects.requireNonNull(seenExecutions, "seenExecutions");
            Objects.requireNonNull(decisionWire, "decisionWire");
        }
    }

    private final Readers readers;

    public LegacyStoreValues(Readers readers) {
        this.readers = Objects.requireNonNull(readers, "readers");
    }

    StoredHolding holding(byte[] value) {
        HoldingState state = read(readers.holdings(), "holding-state", value);
        try {
            return new StoredHolding(HoldingStateMapper.toRules(state), state.getNextBoundaryAt());
        } catch (IllegalStateException e) {
            // its agreement, valid when the older guard applied it, fails this guard's checks
            throw new CorruptStoreValueException("holding-state value of an older guard cannot be read: "
                    + e.getMessage(), e);
        }
    }

    /** An older guard's remembered order; its open reservation, if any, is in the reservations store. */
    RememberedOrder order(byte[] value) {
        SeenOrder seen = read(readers.seenOrders(), "seen-orders", value);
        PriorOrder prior = HoldingStateMapper.toRules(seen);
        Decision decision = seen.getDecision();
        return new RememberedOrder(prior.kind(), prior.quantity(), prior.outcome(),
                readers.decisionWire().apply(decision), prior.status(), null, RememberedOrder.SINCE_UNKNOWN);
    }

    Reservation reservation(byte[] value, String orderId) {
        return HoldingStateMapper.toRules(orderId, read(readers.reservations(), "reservations", value));
    }

    RememberedExecution execution(byte[] value) {
        PriorExecution prior = HoldingStateMapper.toRules(read(readers.seenExecutions(), "seen-executions", value));
        return new RememberedExecution(prior.kind(), prior.orderId(), prior.quantity(), RememberedOrder.SINCE_UNKNOWN);
    }

    private static <T> T read(Deserializer<T> deserializer, String store, byte[] value) {
        try {
            return deserializer.deserialize(store + "-changelog", value);
        } catch (SerializationException e) {
            throw new CorruptStoreValueException(store + " value of an older guard cannot be read: " + e.getMessage(),
                    e);
        }
    }
}
