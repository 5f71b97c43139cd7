package com.lockupguard.state;

import com.lockupguard.rules.AgreementInForce;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.Counters;
import com.lockupguard.rules.ExecutionKind;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.Outcome;
import com.lockupguard.rules.Phase;
import com.lockupguard.rules.Reservation;
import com.lockupguard.rules.ReservationStatus;
import com.lockupguard.rules.TrancheMode;
import com.lockupguard.rules.Window;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The guard's store values in their compact encoding, and the versioned decoder that reads every
 * format the stores and their changelogs may hold:
 *
 * <ul>
 *   <li>{@value #COMPACT} — this encoding: a format byte, then the fields in a fixed order, numbers as
 *       zig-zag varints, no schema, no registry;</li>
 *   <li>{@value #COMPACT_HOLDING_2} — a holding-state value as this guard writes it: the layout of
 *       {@value #COMPACT} with the previous period's tranche ({@link Counters#previousTrancheUsed()}) after
 *       {@code trancheUsed}. A holding-state value of format {@value #COMPACT}, from a guard before it, reads 0
 *       there;</li>
 *   <li>{@code 0} — Confluent's magic byte: an Avro record written by an older guard, read through
 *       {@link LegacyStoreValues} with the writer's schema from the registry;</li>
 *   <li>after each store's newest, up to {@code 0x1f} — a newer guard's, which this one does not read: it stops
 *       ({@link NewerGuardStateException}).</li>
 * </ul>
 *
 * The public topics keep their Avro contracts; these values live only in the guard's own stores and
 * changelogs. One codec per processor (it reuses a buffer and caches agreements): not thread-safe.
 */
public final class StateCodec {

    /** The first byte of a value in this encoding. */
    public static final int COMPACT = 1;
    /** The first byte of a holding-state value in this encoding with the previous period's tranche counted. */
    public static final int COMPACT_HOLDING_2 = 2;
    /** Agreements in force kept per codec: a task's holdings, up to this many, are never re-validated. */
    static final int TERMS_CACHE_CAPACITY = 10_000;

    private final LegacyStoreValues legacy;
    private final TermsCache terms = new TermsCache(TERMS_CACHE_CAPACITY);
    private final CompactOutput out = new CompactOutput();

    /** @param legacy how to read values of an older guard, or null where none can exist (a replay's fresh stores) */
    public StateCodec(LegacyStoreValues legacy) {
        this.legacy = legacy;
    }

    // --- holding-state ---

    public byte[] encode(StoredHolding holding) {
        HoldingState state = holding.state();
        TermsCache.Entry entry = terms.of(state.agreement(), StateCodec::encodeTerms);
        Counters counters = state.counters();
        out.reset().writeByte(COMPACT_HOLDING_2)
                .writeLong(state.agreement().version())
                .writeRaw(entry.hash())
                .writeBytes(entry.encodedTerms())
                .writeLong(counters.usedTotal())
                .writeLong(counters.soldInFirstWindow())
                .writeLong(counters.carryUsed())
                .writeLong(counters.trancheUsedPeriod())
                .writeLong(counters.trancheUsed())
                .writeLong(counters.previousTrancheUsed())
                .writeLong(counters.lockupConsumed())
                .writeLong(counters.reservedTotal())
                .writeInstant(state.clock())
                .writeInstant(holding.nextBoundaryAt());
        return out.toByteArray();
    }

    public StoredHolding holding(byte[] value) {
        return readable("holding-state", () -> decodeHolding(value));
    }

    private StoredHolding decodeHolding(byte[] value) {
        if (isLegacy(value)) {
            return legacy().holding(value);
        }
        boolean countsPreviousTranche = value.length > 0 && value[0] == COMPACT_HOLDING_2;
        if (!countsPreviousTranche && (value.length == 0 || value[0] != COMPACT)) {
            throw notThisEncoding(value, "holding-state", "0x02, or 0x01 before the previous tranche was counted",
                    COMPACT_HOLDING_2);
        }
        CompactInput in = new CompactInput(value, 1);
        long version = in.readLong();
        byte[] hash = in.readRaw(TermsCache.HASH_BYTES);
        TermsCache.Entry entry = terms.get(hash);
        int termsLength = in.readLength();
        if (entry == null) {
            byte[] encodedTerms = in.readRaw(termsLength);
            AgreementTerms decoded = decodeTerms(encodedTerms);
            entry = terms.put(hash, new AgreementInForce(decoded, version, HexFormat.of().formatHex(hash)),
                    encodedTerms);
        } else {
            in.skip(termsLength);
        }
        Counters counters = new Counters(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                countsPreviousTranche ? in.readLong() : 0, in.readLong(), in.readLong());
        HoldingState state = new HoldingState(entry.agreement().asVersion(version), counters, in.readInstant());
        StoredHolding holding = new StoredHolding(state, in.readInstant());
        in.requireEnd();
        return holding;
    }

    private static byte[] encodeTerms(AgreementTerms terms) {
        return new CompactOutput()
                .writeString(terms.holding().investorId())
                .writeString(terms.holding().securityId())
                .writeLong(terms.executionDate().toEpochDay())
                .writeString(terms.timeZone())
                .writeLong(terms.totalShares())
                .writeLong(terms.lockupDays())
                .writeLong(terms.firstReleaseShares())
                .writeLong(terms.firstReleaseDays())
                .writeLong(terms.trancheShares())
                .writeLong(terms.trancheDays())
                .writeByte(code(terms.trancheMode()))
                .writeLong(terms.rule144HoldingMonths())
                .writeInstant(terms.effectiveAt())
                .toByteArray();
    }

    private static AgreementTerms decodeTerms(byte[] encoded) {
        CompactInput in = new CompactInput(encoded, 0);
        AgreementTerms decoded = new AgreementTerms(new HoldingKey(in.readString(), in.readString()),
                LocalDate.ofEpochDay(in.readLong()), in.readString(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), trancheMode(in.readByte()), in.readLong(),
                in.readInstant());
        in.requireEnd();
        return decoded;
    }

    // --- seen-orders ---

    public byte[] encode(RememberedOrder order) {
        out.reset().writeByte(COMPACT)
                .writeByte(code(order.kind()))
                .writeByte(code(order.outcome()))
                .writeByte(code(order.status()))
                .writeLong(order.quantity())
                .writeLong(order.rememberedAt());
        Reservation open = order.reservation();
        out.writePresence(open != null);
        if (open != null) {
            out.writeByte(code(open.window().phase()))
                    .writeLong(open.window().period())
                    .writeLong(open.fromTranche())
                    .writeLong(open.fromCarry())
                    .writeLong(open.quantity())
                    .writeLong(open.taken())
                    .writeLong(open.openedAt().toEpochMilli());
        }
        out.writeBytes(order.decision());
        return out.toByteArray();
    }

    /** The remembered order of {@code orderId}, whose key is its holding's and its id's. */
    public RememberedOrder order(byte[] value, String orderId) {
        return readable("seen-orders", () -> decodeOrder(value, orderId));
    }

    private RememberedOrder decodeOrder(byte[] value, String orderId) {
        if (isLegacy(value)) {
            return legacy().order(value);
        }
        CompactInput in = compact(value, "seen-orders");
        OrderKind kind = orderKind(in.readByte());
        Outcome outcome = outcome(in.readByte());
        ReservationStatus status = status(in.readByte());
        long quantity = in.readLong();
        long rememberedAt = in.readLong();
        Reservation open = null;
        if (in.readPresence("a reservation")) {
            Phase phase = phase(in.readByte());
            long period = in.readLong();
            Window window = phase == Phase.PERIOD ? Window.period(period) : Window.FIRST;
            open = new Reservation(orderId, kind, window, in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    java.time.Instant.ofEpochMilli(in.readLong()));
        }
        RememberedOrder order = new RememberedOrder(kind, quantity, outcome, in.readBytes(), status, open,
                rememberedAt);
        in.requireEnd();
        return order;
    }

    /** What the retention of a remembered order depends on: since when it is remembered, and whether it is open. */
    public record Retention(long since, boolean open) {
        /**
         * Whether the id may be forgotten: remembered since before {@code cutoff} (longer than the retention, RULES
         * section 4 check 2, when the cutoff is now less the retention), and no reservation open.
         */
        public boolean isForgettable(long cutoff) {
            return !open && since != RememberedOrder.SINCE_UNKNOWN && since < cutoff;
        }
    }

    /**
     * {@link Retention} of the remembered order of {@code orderId}, read as a whole: a value damaged anywhere is
     * refused as it is when the order is read ({@link CorruptStoreValueException}), and so never judged forgettable by
     * its head alone while its reservation, still counted by the holding, is in the rest.
     */
    public Retention orderRetention(byte[] value, String orderId) {
        RememberedOrder order = order(value, orderId);
        return new Retention(order.rememberedAt(), order.status() == ReservationStatus.OPEN);
    }

    /** An open reservation of the reservations store, where an older guard kept them. */
    public Reservation legacyReservation(byte[] value, String orderId) {
        return readable("reservations", () -> legacy().reservation(value, orderId));
    }

    /**
     * The order's open reservation: kept with it, or — for an order an older guard approved — the one its
     * reservations store holds under {@code idKey}, read through {@code olderStore} (null when the topology has no
     * such store); null when none is open.
     */
    public Reservation openReservation(RememberedOrder order, String idKey, String orderId,
            Function<String, byte[]> olderStore) {
        if (order == null) {
            return null;
        }
        if (!order.hasReservationElsewhere()) {
            return order.reservation();
        }
        if (olderStore == null) {
            throw new IllegalStateException("order " + idKey + " has its reservation in an older guard's store, "
                    + "which this topology does not have");
        }
        byte[] value = olderStore.apply(idKey);
        return value == null ? null : legacyReservation(value, orderId);
    }

    // --- seen-executions ---

    public byte[] encode(RememberedExecution execution) {
        out.reset().writeByte(COMPACT)
                .writeByte(code(execution.kind()))
                .writeString(execution.orderId())
                .writeLong(execution.rememberedAt())
                .writeOptionalLong(execution.quantity());
        return out.toByteArray();
    }

    public RememberedExecution execution(byte[] value) {
        return readable("seen-executions", () -> decodeExecution(value));
    }

    private RememberedExecution decodeExecution(byte[] value) {
        if (isLegacy(value)) {
            return legacy().execution(value);
        }
        CompactInput in = compact(value, "seen-executions");
        ExecutionKind kind = executionKind(in.readByte());
        String orderId = in.readString();
        long rememberedAt = in.readLong();
        Long quantity = in.readOptionalLong("quantity");
        in.requireEnd();
        return new RememberedExecution(kind, orderId, quantity, rememberedAt);
    }

    // --- formats ---

    /**
     * What {@code decoding} reads; a value whose fields no guard writes (a count below zero, a version 0, a date out
     * of range: what the records they are read into refuse) fails as the corrupt store value it is. Either failure
     * names the store.
     */
    private static <T> T readable(String store, Supplier<T> decoding) {
        try {
            return decoding.get();
        } catch (CorruptStoreValueException e) {
            // a dead letter or a walk's warning names the store it came from, as an older guard's value's does
            if (e.getMessage().startsWith(store + " ")) {
                throw e;
            }
            throw new CorruptStoreValueException(store + " value cannot be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw new CorruptStoreValueException(store + " value holds what no guard writes: " + e.getMessage(), e);
        }
    }

    private static boolean isLegacy(byte[] value) {
        return value.length > 0 && value[0] == LegacyStoreValues.MAGIC_BYTE;
    }

    private LegacyStoreValues legacy() {
        if (legacy == null) {
            throw new CorruptStoreValueException("an Avro store value of an older guard where none can be");
        }
        return legacy;
    }

    private static CompactInput compact(byte[] value, String store) {
        if (value.length == 0 || value[0] != COMPACT) {
            throw notThisEncoding(value, store, "0x01", COMPACT);
        }
        return new CompactInput(value, 1);
    }

    private static CorruptStoreValueException notThisEncoding(byte[] value, String store, String formats,
            int newestKnown) {
        if (value.length > 0 && NewerGuardStateException.isLater(value[0], newestKnown)) {
            return new NewerGuardStateException(store, value[0], formats);
        }
        return new CorruptStoreValueException(store + " value starts with "
                + (value.length == 0 ? "nothing" : String.format(Locale.ROOT, "byte 0x%02x", value[0]))
                + ": neither this guard's encoding (" + formats + ") nor an older guard's Avro (0x00)");
    }

    // --- codes: fixed numbers, never ordinals, so that a reordered enum cannot change what is stored ---

    private static int code(OrderKind kind) {
        return switch (kind) {
            case PUBLIC_SALE -> 1;
            case PRIVATE_TRANSFER -> 2;
            case PURCHASE -> 3;
        };
    }

    private static OrderKind orderKind(int code) {
        return switch (code) {
            case 1 -> OrderKind.PUBLIC_SALE;
            case 2 -> OrderKind.PRIVATE_TRANSFER;
            case 3 -> OrderKind.PURCHASE;
            default -> throw unknown("order kind", code);
        };
    }

    private static int code(Outcome outcome) {
        return outcome == Outcome.APPROVED ? 1 : 2;
    }

    private static Outcome outcome(int code) {
        return switch (code) {
            case 1 -> Outcome.APPROVED;
            case 2 -> Outcome.BLOCKED;
            default -> throw unknown("outcome", code);
        };
    }

    private static int code(ReservationStatus status) {
        if (status == null) {
            return 0;
        }
        return switch (status) {
            case OPEN -> 1;
            case FILLED -> 2;
            case CANCELLED -> 3;
        };
    }

    private static ReservationStatus status(int code) {
        return switch (code) {
            case 0 -> null;
            case 1 -> ReservationStatus.OPEN;
            case 2 -> ReservationStatus.FILLED;
            case 3 -> ReservationStatus.CANCELLED;
            default -> throw unknown("reservation status", code);
        };
    }

    private static int code(Phase phase) {
        return switch (phase) {
            case LOCKUP -> 0;
            case FIRST -> 1;
            case PERIOD -> 2;
        };
    }

    private static Phase phase(int code) {
        return switch (code) {
            case 1 -> Phase.FIRST;
            case 2 -> Phase.PERIOD;
            default -> throw unknown("reservation window", code);
        };
    }

    private static int code(ExecutionKind kind) {
        return kind == ExecutionKind.FILL ? 1 : 2;
    }

    private static ExecutionKind executionKind(int code) {
        return switch (code) {
            case 1 -> ExecutionKind.FILL;
            case 2 -> ExecutionKind.CANCEL;
            default -> throw unknown("execution kind", code);
        };
    }

    private static int code(TrancheMode mode) {
        return mode == TrancheMode.NON_CUMULATIVE ? 1 : 2;
    }

    private static TrancheMode trancheMode(int code) {
        return switch (code) {
            case 1 -> TrancheMode.NON_CUMULATIVE;
            case 2 -> TrancheMode.CUMULATIVE;
            default -> throw unknown("tranche mode", code);
        };
    }

    private static CorruptStoreValueException unknown(String what, int code) {
        return new CorruptStoreValueException("unknown " + what + " code " + code);
    }
}
