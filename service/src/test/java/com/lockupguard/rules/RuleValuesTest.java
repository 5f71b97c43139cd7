package com.lockupguard.rules;

import static com.lockupguard.rules.RulesFixtures.at;
import static com.lockupguard.rules.RulesFixtures.letterEffective;
import static com.lockupguard.rules.RulesFixtures.sale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The values the rules hand to their callers refuse to be built inconsistent. */
class RuleValuesTest {

    private static final Instant T = at("2003-07-11T10:00:00-04:00");

    private final Ruling approval = new LockupRules().decide(sale("a", 10), T, HoldingState.fresh(letterEffective()),
            null);

    @Test
    void shouldRefuseInconsistentRulings() {
        // given
        Decision approved = approval.decision();
        Decision blocked = Decision.blockedWithoutState(sale("b", 10), T, Reason.INVALID_ORDER);
        HoldingState state = approval.stateAfter();
        Reservation opened = approval.opened();
        // when / then
        assertThat(new Ruling(null, null, false, true, null)).isEqualTo(Ruling.REPEATED);
        assertThatThrownBy(() -> new Ruling(null, null, false, false, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ruling(approved, null, false, true, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ruling(null, state, false, true, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ruling(null, null, true, true, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ruling(approved, null, true, false, opened))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ruling(blocked, state, true, false, opened))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseApprovalWithReasonsAndBlockWithout() {
        // when / then
        assertThatThrownBy(() -> new Decision(sale("a", 10), T, Outcome.APPROVED, List.of(Reason.LOCKUP_ACTIVE), 0L,
                null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Decision(sale("a", 10), T, Outcome.BLOCKED, List.of(), 0L, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseExecutionRulingThatChangesStateWithoutBeingApplied() {
        // given
        HoldingState state = approval.stateAfter();
        // when / then
        assertThatThrownBy(() -> new ExecutionRuling(ExecutionResult.APPLIED, 0L, null, null, T, null, null, null,
                false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExecutionRuling(ExecutionResult.INVALID, null, null, null, T, state, null, null,
                true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExecutionRuling(ExecutionResult.APPLIED, 0L, null, null, T, state, null, null,
                false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExecutionRuling(ExecutionResult.INVALID, null, null, null, null, null, null,
                null, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepTheRestOnlyOfAnOpenReservation() {
        // given
        Reservation opened = approval.opened();
        // when / then
        assertThatThrownBy(() -> new ExecutionRuling.ReservationChange("a", null, ReservationStatus.OPEN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExecutionRuling.ReservationChange("a", opened, ReservationStatus.FILLED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ExecutionRuling.ReservationChange("a", opened, ReservationStatus.OPEN).after())
                .isSameAs(opened);
    }

    @Test
    void shouldRefuseReservationThatIsUsedUpOrTakesMoreThanItsQuantity() {
        // when / then
        assertThatThrownBy(() -> new Reservation("a", OrderKind.PUBLIC_SALE, Window.period(0), 0, 0, 10, 10, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Reservation("a", OrderKind.PUBLIC_SALE, Window.period(0), 6, 5, 10, 0, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Reservation("a", OrderKind.PURCHASE, Window.period(0), 0, 0, 10, 0, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Reservation("a", OrderKind.PUBLIC_SALE, Window.period(0), 0, 0, 10, -1, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Reservation("a", OrderKind.PUBLIC_SALE, Window.period(0), -1, 0, 10, 0, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Reservation("a", OrderKind.PUBLIC_SALE, Window.period(0), 0, -1, 10, 0, T))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Reservation("a", OrderKind.PUBLIC_SALE, Window.period(0), 6, 4, 10, 9, T).rest()).isEqualTo(1);
    }

    @Test
    void shouldRefuseCountersThatReserveMoreThanTheyUse() {
        // when / then
        assertThatThrownBy(() -> new Counters(10, 0, 0, -1, 0, 0, 0, 11)).isInstanceOf(IllegalArgumentException.class);
        List<long[]> negative = List.of(new long[] {-1, 0, 0, -1, 0, 0, 0, 0}, new long[] {0, -1, 0, -1, 0, 0, 0, 0},
                new long[] {0, 0, -1, -1, 0, 0, 0, 0}, new long[] {0, 0, 0, -2, 0, 0, 0, 0},
                new long[] {0, 0, 0, -1, -1, 0, 0, 0}, new long[] {0, 0, 0, -1, 0, -1, 0, 0},
                new long[] {0, 0, 0, -1, 0, 0, -1, 0}, new long[] {0, 0, 0, -1, 0, 0, 0, -1});
        assertThat(negative).allSatisfy(c -> assertThatThrownBy(() -> new Counters(c[0], c[1], c[2], c[3], c[4], c[5],
                c[6], c[7])).isInstanceOf(IllegalArgumentException.class));
        assertThat(new Counters(10, 0, 0, -1, 0, 0, 0, 10).soldToDate()).isZero();
    }

    @Test
    void shouldGiveAPeriodIndexToPeriodsOnly() {
        // when / then
        assertThatThrownBy(() -> new Window(Phase.PERIOD, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Window(Phase.FIRST, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Window.FIRST.isLaterThan(Window.LOCKUP)).isTrue();
        assertThat(Window.LOCKUP.isLaterThan(Window.FIRST)).isFalse();
        assertThat(Window.period(0).isLaterThan(Window.FIRST)).isTrue();
        assertThat(Window.period(1).isLaterThan(Window.period(0))).isTrue();
        assertThat(Window.period(1).isLaterThan(Window.period(1))).isFalse();
        assertThat(Window.period(0).isLaterThan(Window.period(1))).isFalse();
        assertThat(Window.period(3)).hasToString("PERIOD 3");
        assertThat(Window.FIRST).hasToString("FIRST");
    }

    @Test
    void shouldRaiseAlertOnlyForSomeSharesAndBreachOnlyAboveWhatWasAllowed() {
        // when / then
        assertThatThrownBy(() -> new Alert(AlertType.OVERFILL, 0, false, 0, OrderKind.PUBLIC_SALE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Alert(AlertType.OVERFILL, 10, true, -1, OrderKind.PUBLIC_SALE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Alert(AlertType.OVERFILL, 10, true, 10, OrderKind.PUBLIC_SALE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Alert(AlertType.OVERFILL, 11, false, 10, OrderKind.PUBLIC_SALE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Alert.of(AlertType.OVERFILL, 10, 10, OrderKind.PUBLIC_SALE).breachesAgreement()).isFalse();
        assertThat(Alert.of(AlertType.OVERFILL, 11, 10, OrderKind.PUBLIC_SALE).breachesAgreement()).isTrue();
    }

    @Test
    void shouldFindKindsAndModesByTheirExactName() {
        // when / then
        assertThat(OrderKind.fromName("PRIVATE_TRANSFER")).isEqualTo(OrderKind.PRIVATE_TRANSFER);
        assertThat(OrderKind.fromName("private_transfer")).isNull();
        assertThat(OrderKind.fromName(null)).isNull();
        assertThat(ExecutionKind.fromName("CANCEL")).isEqualTo(ExecutionKind.CANCEL);
        assertThat(ExecutionKind.fromName("Cancel")).isNull();
        assertThat(ExecutionKind.fromName(null)).isNull();
        assertThat(TrancheMode.fromName("CUMULATIVE")).isEqualTo(TrancheMode.CUMULATIVE);
        assertThat(TrancheMode.fromName("cumulative")).isNull();
        assertThat(TrancheMode.fromName(null)).isNull();
    }
}
