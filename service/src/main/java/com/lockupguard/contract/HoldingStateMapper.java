package com.lockupguard.contract;

import com.lockupguard.avro.OpenReservation;
import com.lockupguard.avro.SeenExecution;
import com.lockupguard.avro.SeenOrder;
import com.lockupguard.rules.AgreementInForce;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.Counters;
import com.lockupguard.rules.ExecutionKind;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.PriorExecution;
import com.lockupguard.rules.PriorOrder;
import com.lockupguard.rules.Reservation;
import com.lockupguard.rules.ReservationStatus;
import com.lockupguard.rules.TermsFingerprint;
import com.lockupguard.rules.Window;
import java.util.regex.Pattern;

/**
 * The guard's store values to and from the rules' types: the holding's state, what it remembers
 * of order and execution ids, and its open reservations.
 */
public final class HoldingStateMapper {

    private static final SameNamedConstants<com.lockupguard.avro.ExecutionKind, ExecutionKind>
            EXECUTION_KINDS_TO_RULES = SameNamedConstants.of(com.lockupguard.avro.ExecutionKind.class,
                    ExecutionKind.class);
    private static final SameNamedConstants<com.lockupguard.avro.ReservationStatus, ReservationStatus>
            STATUSES_TO_RULES = SameNamedConstants.of(com.lockupguard.avro.ReservationStatus.class,
                    ReservationStatus.class);
    /** A terms hash as every guard writes it: SHA-256, in lower-case hex. */
    private static final Pattern TERMS_HASH = Pattern.compile("[0-9a-f]{64}");

    private HoldingStateMapper() {
    }

    /**
     * The state as an older guard stored it in Avro (this one writes its compact encoding): for tests and benchmarks
     * that write such values. That schema has no count of the previous period's tranche, which only a fall-back
     * across midnight reads again; it is not written.
     */
    public static com.lockupguard.avro.HoldingState toAvro(HoldingState state) {
        Counters counters = state.counters();
        return com.lockupguard.avro.HoldingState.newBuilder()
                .setAgreement(AgreementMapper.toAvro(state.terms()))
                .setAgreementVersion(state.agreement().version())
                .setTermsHash(state.agreement().termsHash())
                .setSoldTotal(counters.usedTotal())
                .setSoldInFirstWindow(counters.soldInFirstWindow())
                .setCarryUsed(counters.carryUsed())
                .setTrancheUsedPeriod(counters.trancheUsedPeriod())
                .setTrancheUsed(counters.trancheUsed())
                .setLockupConsumed(counters.lockupConsumed())
                .setReservedTotal(counters.reservedTotal())
                .setEvaluationClock(state.clock())
                .build();
    }

    /** A state an older guard stored in Avro; it kept no count of the previous period's tranche: 0. */
    public static HoldingState toRules(com.lockupguard.avro.HoldingState state) {
        AgreementTerms terms = AgreementMapper.toTerms(state.getAgreement());
        // a hash no guard writes (not 64 hex digits) could be read but never written back: every record of the holding
        // would then fail; the terms it fingerprints are here to hash again
        String termsHash = state.getTermsHash() == null || !TERMS_HASH.matcher(state.getTermsHash()).matches()
                ? TermsFingerprint.of(terms) : state.getTermsHash();
        Counters counters = new Counters(state.getSoldTotal(), state.getSoldInFirstWindow(), state.getCarryUsed(),
                state.getTrancheUsedPeriod(), state.getTrancheUsed(), 0, state.getLockupConsumed(),
                state.getReservedTotal());
        return new HoldingState(new AgreementInForce(terms, state.getAgreementVersion(), termsHash), counters,
                state.getEvaluationClock());
    }

    public static PriorOrder toRules(SeenOrder seen) {
        if (OrderMapper.toRules(seen.getKind()) == null) {
            throw new IllegalArgumentException("an order of kind " + seen.getKind() + " is never remembered");
        }
        return new PriorOrder(OrderMapper.toRules(seen.getKind()), seen.getQuantity(),
                DecisionMapper.toRules(seen.getDecision().getOutcome()),
                seen.getReservation() == null ? null : toRules(seen.getReservation()));
    }

    public static PriorExecution toRules(SeenExecution seen) {
        return new PriorExecution(EXECUTION_KINDS_TO_RULES.map(seen.getKind()), seen.getOrderId(), seen.getQuantity());
    }

    public static Reservation toRules(String orderId, OpenReservation open) {
        Window window = switch (open.getPhase()) {
            case FIRST -> Window.FIRST;
            case PERIOD -> {
                if (open.getPeriod() == null) {
                    throw new IllegalArgumentException("a reservation opened in a period names no period");
                }
                yield Window.period(open.getPeriod());
            }
            case LOCKUP, UNKNOWN -> throw new IllegalArgumentException("no reservation is opened in " + open.getPhase());
        };
        return new Reservation(orderId, OrderMapper.toRules(open.getKind()), window, open.getFromTranche(),
                open.getFromCarry(), open.getQuantity(), open.getTaken(), open.getOpenedAt());
    }

    public static OpenReservation toAvro(Reservation reservation) {
        Window window = reservation.window();
        return OpenReservation.newBuilder()
                .setKind(OrderMapper.toAvro(reservation.kind()))
                .setPhase(PositionMapper.toAvro(window.phase()))
                .setPeriod(window.period() >= 0 ? window.period() : null)
                .setFromTranche(reservation.fromTranche())
                .setFromCarry(reservation.fromCarry())
                .setQuantity(reservation.quantity())
                .setTaken(reservation.taken())
                .setOpenedAt(reservation.openedAt())
                .build();
    }

    /** A status added by a newer guard (UNKNOWN here) is taken as filled: its shares stay counted. */
    static ReservationStatus toRules(com.lockupguard.avro.ReservationStatus status) {
        return status == com.lockupguard.avro.ReservationStatus.UNKNOWN ? ReservationStatus.FILLED
                : STATUSES_TO_RULES.map(status);
    }
}
