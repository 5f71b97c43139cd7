package com.lockupguard.rules;

import static com.lockupguard.rules.RulesFixtures.DUTCHESS;
import static com.lockupguard.rules.RulesFixtures.EFFECTIVE;
import static com.lockupguard.rules.RulesFixtures.at;
import static com.lockupguard.rules.RulesFixtures.letter;
import static com.lockupguard.rules.RulesFixtures.letterEffective;
import static com.lockupguard.rules.RulesFixtures.proposal;
import static com.lockupguard.rules.RulesFixtures.purchase;
import static com.lockupguard.rules.RulesFixtures.sale;
import static com.lockupguard.rules.RulesFixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LockupRulesTest {

    private final LockupRules rules = new LockupRules();

    /** A holding under the worked example's terms (FRD 07-10 16:30, SRD 08-09). */
    private static HoldingState registeredHolding() {
        return HoldingState.fresh(letterEffective());
    }

    /** Decides an order and returns the state to continue from (the input when unchanged). */
    private HoldingState apply(HoldingState state, OrderRequest order, Instant at) {
        Ruling ruling = rules.decide(order, at, state, null);
        return ruling.stateAfter() == null ? state : ruling.stateAfter();
    }

    @Nested
    @DisplayName("1. INVALID_ORDER")
    class InvalidOrders {

        static Stream<OrderRequest> malformedOrders() {
            return Stream.of(
                    new OrderRequest(null, "dutchess", "CBYI", OrderKind.PUBLIC_SALE, 10L),
                    new OrderRequest("", "dutchess", "CBYI", OrderKind.PUBLIC_SALE, 10L),
                    new OrderRequest("a/b", "dutchess", "CBYI", OrderKind.PUBLIC_SALE, 10L),
                    new OrderRequest("x".repeat(257), "dutchess", "CBYI", OrderKind.PUBLIC_SALE, 10L),
                    new OrderRequest("o1", null, "CBYI", OrderKind.PUBLIC_SALE, 10L),
                    new OrderRequest("o1", "dutchess", "", OrderKind.PUBLIC_SALE, 10L),
                    new OrderRequest("o1", "dutchess", "CBYI", null, 10L),
                    new OrderRequest("o1", "dutchess", "CBYI", OrderKind.PUBLIC_SALE, null),
                    new OrderRequest("o1", "dutchess", "CBYI", OrderKind.PUBLIC_SALE, 0L),
                    new OrderRequest("o1", "dutchess", "CBYI", OrderKind.PURCHASE, -5L),
                    new OrderRequest("o1", "dutchess", "CBYI", OrderKind.PUBLIC_SALE, Long.MIN_VALUE));
        }

        @ParameterizedTest
        @MethodSource("malformedOrders")
        void shouldBlockMalformedOrderWithoutTouchingState(OrderRequest order) {
            // when
            Ruling ruling = rules.decide(order, at("2003-07-11T10:00:00-04:00"), registeredHolding(), null);
            // then
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.INVALID_ORDER);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
            assertThat(ruling.decision().position()).isNull();
            assertThat(ruling.decision().evaluatedAt()).isNull();
            assertThat(ruling.stateAfter()).isNull();
            assertThat(ruling.remember()).isFalse();
        }

        @Test
        void shouldCheckValidityBeforeDuplicates() {
            // given an id already decided
            PriorOrder prior = PriorOrder.of(OrderKind.PUBLIC_SALE, 10,
                    rules.decide(sale("o1", 10), at("2003-07-11T10:00:00-04:00"), registeredHolding(), null)
                            .decision());
            // when the same id comes back with a zero quantity
            Ruling ruling = rules.decide(sale("o1", 0), at("2003-07-11T10:01:00-04:00"), registeredHolding(), prior);
            // then it is invalid, not a duplicate
            assertThat(ruling.decision().reasons()).containsExactly(Reason.INVALID_ORDER);
        }

        @Test
        void shouldBlockOrderTimedOutsideTheSupportedYears() {
            Ruling ruling = rules.decide(sale("o1", 10), Instant.parse("+10000-01-01T00:00:00Z"),
                    registeredHolding(), null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.INVALID_ORDER);
        }

        @Test
        void shouldAcceptLargestQuantityAsWellFormed() {
            Ruling ruling = rules.decide(sale("o1", Long.MAX_VALUE), at("2003-07-11T10:00:00-04:00"),
                    registeredHolding(), null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.FIRST_RELEASE_CAP, Reason.TOTAL_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(200_000);
        }
    }

    @Nested
    @DisplayName("2. duplicates")
    class Duplicates {

        private final Instant first = at("2003-07-20T11:00:00-04:00");

        private PriorOrder decidedFirst(OrderRequest order) {
            Ruling ruling = rules.decide(order, first, registeredHolding(), null);
            assertThat(ruling.remember()).isTrue();
            return PriorOrder.of(order.kind(), order.quantity(), ruling.decision());
        }

        @Test
        void shouldEmitFirstDecisionAgainForTransportRetry() {
            // given e4 blocked at 07-20 11:00 with FIRST_RELEASE_CAP
            HoldingState sold = apply(registeredHolding(), sale("e2", 120_000), at("2003-07-11T09:45:00-04:00"));
            Ruling firstRuling = rules.decide(sale("e4", 90_000), first, sold, null);
            PriorOrder prior = PriorOrder.of(OrderKind.PUBLIC_SALE, 90_000, firstRuling.decision());
            // when the same order arrives again five seconds later
            Ruling retry = rules.decide(sale("e4", 90_000), at("2003-07-20T11:00:05-04:00"),
                    firstRuling.stateAfter(), prior);
            // then it is answered with the stored first decision (the caller emits it, marked as repeated), and
            // nothing changes or is remembered
            assertThat(retry).isEqualTo(Ruling.REPEATED);
            assertThat(retry.decision()).isNull();
            assertThat(retry.repeated()).isTrue();
            assertThat(retry.stateAfter()).isNull();
            assertThat(retry.remember()).isFalse();
            assertThat(firstRuling.repeated()).isFalse();
        }

        @Test
        void shouldBlockReusedIdWithDifferentQuantity() {
            PriorOrder prior = decidedFirst(sale("o1", 10));
            Ruling ruling = rules.decide(sale("o1", 11), at("2003-07-21T10:00:00-04:00"), registeredHolding(), prior);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.DUPLICATE_ORDER_ID);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
            assertThat(ruling.decision().position()).isNull();
            assertThat(ruling.decision().evaluatedAt()).isNull();
            assertThat(ruling.stateAfter()).isNull();
            assertThat(ruling.remember()).as("the first decision stands").isFalse();
            assertThat(ruling.repeated()).as("a new decision, not the first one again").isFalse();
        }

        @Test
        void shouldBlockReusedIdWithDifferentKind() {
            PriorOrder prior = decidedFirst(sale("o1", 10));
            Ruling ruling = rules.decide(transfer("o1", 10), at("2003-07-21T10:00:00-04:00"), registeredHolding(),
                    prior);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.DUPLICATE_ORDER_ID);
        }

        @Test
        void shouldBlockReusedPurchaseIdWithZeroAllowed() {
            PriorOrder prior = decidedFirst(purchase("p1", 10));
            Ruling ruling = rules.decide(purchase("p1", 20), at("2003-07-21T10:00:00-04:00"), registeredHolding(),
                    prior);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.DUPLICATE_ORDER_ID);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
        }

        @Test
        void shouldAnswerRetryOfUnknownAgreementOrderWithFirstAnswerEvenAfterAgreementArrives() {
            // given o1 was blocked for want of an agreement, then the agreement arrived
            Ruling unknown = rules.decide(sale("o1", 10), first, null, null);
            PriorOrder prior = PriorOrder.of(OrderKind.PUBLIC_SALE, 10, unknown.decision());
            // when o1 is retried
            Ruling retry = rules.decide(sale("o1", 10), first.plusSeconds(60), registeredHolding(), prior);
            // then one id never gets two answers: the stored UNKNOWN_AGREEMENT block is emitted again
            assertThat(retry).isEqualTo(Ruling.REPEATED);
        }
    }

    @Nested
    @DisplayName("3. PURCHASE")
    class Purchases {

        @Test
        void shouldApprovePurchaseDuringLockupWithoutStateChange() {
            Ruling ruling = rules.decide(purchase("p1", 1_000_000), at("2003-05-01T10:00:00-04:00"),
                    registeredHolding(), null);
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(ruling.decision().reasons()).isEmpty();
            assertThat(ruling.decision().maxAllowedNow()).isNull();
            assertThat(ruling.decision().position()).isNull();
            assertThat(ruling.stateAfter()).as("not a disposition: the clock does not move").isNull();
            assertThat(ruling.remember()).isTrue();
        }

        @Test
        void shouldApprovePurchaseWithoutAgreement() {
            Ruling ruling = rules.decide(purchase("p1", 5), at("2003-05-01T10:00:00-04:00"), null, null);
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
        }
    }

    @Nested
    @DisplayName("4. UNKNOWN_AGREEMENT")
    class UnknownAgreement {

        @Test
        void shouldFailClosedWithoutAgreement() {
            Ruling ruling = rules.decide(sale("o1", 1), at("2004-06-01T10:00:00-04:00"), null, null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.UNKNOWN_AGREEMENT);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
            assertThat(ruling.decision().position()).isNull();
            assertThat(ruling.stateAfter()).isNull();
            assertThat(ruling.remember()).isTrue();
        }
    }

    @Nested
    @DisplayName("5. windows and registration")
    class Gates {

        @Test
        void shouldBlockSaleDuringLockup() {
            // e1: a public sale on 05-15, in lock-up and unregistered
            Ruling ruling = rules.decide(sale("e1", 50_000), at("2003-05-15T10:00:00-04:00"), registeredHolding(),
                    null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.LOCKUP_ACTIVE, Reason.NOT_REGISTERED);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
        }

        @Test
        void shouldBlockTransferDuringLockupWithoutRegistrationReason() {
            Ruling ruling = rules.decide(transfer("t1", 5), at("2003-05-15T10:00:00-04:00"), registeredHolding(), null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.LOCKUP_ACTIVE);
        }

        @Test
        void shouldBlockSaleInLockupButRegisteredWithLockupOnly() {
            // registered from 06-01, lock-up until the 90 days if effective later... use effective before FRD
            HoldingState holding = HoldingState.fresh(letter().withEffectiveAt(at("2003-08-01T00:00:00-04:00")));
            Ruling ruling = rules.decide(sale("o1", 5), at("2003-07-26T12:00:00-04:00"), holding, null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.LOCKUP_ACTIVE, Reason.NOT_REGISTERED);
            Ruling registeredInLockup = rules.decide(sale("o2", 5), at("2003-07-26T12:00:00-04:00"),
                    HoldingState.fresh(proposal().lockupDays(120L).effectiveAt(at("2003-09-01T00:00:00-04:00"))
                            .rule144HoldingMonths(0L).terms()), null);
            assertThat(registeredInLockup.decision().reasons()).containsExactly(Reason.LOCKUP_ACTIVE);
        }

        @Test
        void shouldBlockPrivateTransferInFirstWindow() {
            // e3: a private transfer on 07-11, in the first window
            Ruling ruling = rules.decide(transfer("e3", 5_000), at("2003-07-11T09:46:00-04:00"), registeredHolding(),
                    null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.TRANSFER_NOT_PERMITTED);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
            assertThat(ruling.decision().position()).isNotNull();
        }

        @Test
        void shouldBlockUnregisteredPublicSaleAfterLockupEnds() {
            // given the letter with no registration: the first window opens 07-27, Rule 144 on 2004-04-28
            HoldingState holding = HoldingState.fresh(letter());
            // when a public sale comes on 08-01
            Ruling ruling = rules.decide(sale("o1", 10), at("2003-08-01T10:00:00-04:00"), holding, null);
            // then contract release is not legal salability
            assertThat(ruling.decision().reasons()).containsExactly(Reason.NOT_REGISTERED);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
            assertThat(ruling.decision().position().contractCapacity()).isEqualTo(200_000);
            assertThat(ruling.decision().position().availableNow()).isZero();
        }

        @Test
        void shouldApprovePrivateTransferAfterSecondReleaseDateWithoutRegistration() {
            HoldingState holding = HoldingState.fresh(letter());
            Ruling ruling = rules.decide(transfer("t1", 10_000), at("2003-09-01T10:00:00-04:00"), holding, null);
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(158_559 + 200_000);
        }

        @Test
        void shouldApproveUnregisteredPublicSaleOnRule144Date() {
            HoldingState holding = HoldingState.fresh(letter());
            assertThat(rules.decide(sale("o1", 10), at("2004-04-27T23:59:59.999-04:00"), holding, null).decision()
                    .reasons()).containsExactly(Reason.NOT_REGISTERED);
            assertThat(rules.decide(sale("o1", 10), at("2004-04-28T00:00:00-04:00"), holding, null).decision()
                    .outcome()).isEqualTo(Outcome.APPROVED);
        }
    }

    @Nested
    @DisplayName("6. capacity")
    class CapacityChecks {

        @Test
        void shouldApproveSaleWithinFirstReleaseAndReportCapacityBeforeIt() {
            // e2: 120,000 of the 200,000 First Release Shares on 07-11
            Ruling ruling = rules.decide(sale("e2", 120_000), at("2003-07-11T09:45:00-04:00"), registeredHolding(),
                    null);
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(200_000);
            assertThat(ruling.stateAfter().usedTotal()).isEqualTo(120_000);
            assertThat(ruling.stateAfter().counters().soldInFirstWindow()).isEqualTo(120_000);
        }

        @Test
        void shouldBlockWholeOrderAboveFirstReleaseAndReportWhatFits() {
            // e4: 90,000 when 80,000 are left
            HoldingState sold = apply(registeredHolding(), sale("e2", 120_000), at("2003-07-11T09:45:00-04:00"));
            Ruling ruling = rules.decide(sale("e4", 90_000), at("2003-07-20T11:00:00-04:00"), sold, null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.FIRST_RELEASE_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(80_000);
            assertThat(ruling.stateAfter().usedTotal()).as("no partial approval").isEqualTo(120_000);
        }

        @Test
        void shouldApproveTheLastShareOfTheFirstReleaseAndBlockTheOneBeyondIt() {
            // given 120,000 of the 200,000 First Release Shares sold (a review's mutation approving one share beyond
            // the cap passed every test here, the differential and the soak)
            HoldingState sold = apply(registeredHolding(), sale("e2", 120_000), at("2003-07-11T09:45:00-04:00"));

            // when 80,001 are asked, and then 80,000
            Ruling beyond = rules.decide(sale("e4", 80_001), at("2003-07-20T11:00:00-04:00"), sold, null);
            Ruling last = rules.decide(sale("e5", 80_000), at("2003-07-20T11:00:00-04:00"), sold, null);

            // then the first is blocked, saying 80,000 fit, and the second approved, leaving none
            assertThat(beyond.decision().outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(beyond.decision().reasons()).containsExactly(Reason.FIRST_RELEASE_CAP);
            assertThat(beyond.decision().maxAllowedNow()).isEqualTo(80_000);
            assertThat(last.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(last.stateAfter().usedTotal()).isEqualTo(200_000);
        }

        @Test
        void shouldCarryUnsoldFirstReleaseSharesForward() {
            // e5: after SRD the 80,000 unsold First Release Shares add to the 158,559 tranche
            HoldingState sold = apply(registeredHolding(), sale("e2", 120_000), at("2003-07-11T09:45:00-04:00"));
            Ruling ruling = rules.decide(sale("e5", 238_559), at("2003-08-11T10:00:00-04:00"), sold, null);
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(238_559);
            assertThat(ruling.stateAfter().counters().carryUsed()).isEqualTo(80_000);
            assertThat(ruling.stateAfter().counters().trancheUsedIn(0)).isEqualTo(158_559);
        }

        @Test
        void shouldBlockAnythingMoreInAnExhaustedPeriod() {
            // e6
            HoldingState state = apply(registeredHolding(), sale("e2", 120_000), at("2003-07-11T09:45:00-04:00"));
            state = apply(state, sale("e5", 238_559), at("2003-08-11T10:00:00-04:00"));
            Ruling ruling = rules.decide(sale("e6", 238_558), at("2003-08-11T10:01:00-04:00"), state, null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.PERIOD_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
        }

        @Test
        void shouldReleaseNewTrancheEachPeriod() {
            // e7, e8: P1 starts 09-08, a fresh 158,559
            HoldingState state = apply(registeredHolding(), sale("e2", 120_000), at("2003-07-11T09:45:00-04:00"));
            state = apply(state, sale("e5", 238_559), at("2003-08-11T10:00:00-04:00"));
            Ruling e7 = rules.decide(sale("e7", 1), at("2003-09-09T15:00:00-04:00"), state, null);
            assertThat(e7.decision().maxAllowedNow()).isEqualTo(158_559);
            Ruling e8 = rules.decide(sale("e8", 158_559), at("2003-09-10T09:30:00-04:00"), e7.stateAfter(), null);
            assertThat(e8.decision().reasons()).containsExactly(Reason.PERIOD_CAP);
            assertThat(e8.decision().maxAllowedNow()).isEqualTo(158_558);
        }

        @Test
        void shouldLetLettersExampleSellHundredThousandAnytimePlusTranchePerPeriod() {
            // given: "if 100,000 Commitment Shares are sold prior to the Second Release Date"
            HoldingState state = apply(HoldingState.fresh(letterEffective()), sale("a", 100_000),
                    at("2003-07-15T10:00:00-04:00"));
            // then "Investor shall be free to sell 100,000 shares at any time after the Second Release Date
            // and, in addition, 158,559 shares every thirty days"
            assertThat(rules.position(state, at("2003-08-09T00:00:00-04:00")).contractCapacity())
                    .isEqualTo(100_000 + 158_559);
            state = apply(state, sale("b", 158_559), at("2003-08-20T10:00:00-04:00"));
            assertThat(rules.position(state, at("2003-08-20T10:00:00-04:00")).contractCapacity())
                    .as("P0 tranche used, the 100,000 still there").isEqualTo(100_000);
            assertThat(rules.position(state, at("2003-10-20T10:00:00-04:00")).contractCapacity())
                    .as("P2: a fresh tranche plus the 100,000, never sold").isEqualTo(100_000 + 158_559);
            Ruling d = rules.decide(sale("d", 258_559), at("2003-10-20T10:00:00-04:00"), state, null);
            assertThat(d.decision().outcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldUseLapsingTrancheBeforeCarry() {
            // given 100,000 carried into P0
            HoldingState state = apply(registeredHolding(), sale("a", 100_000), at("2003-07-15T10:00:00-04:00"));
            // when 50,000 are sold in P0
            state = apply(state, sale("b", 50_000), at("2003-08-10T10:00:00-04:00"));
            // then they come from the tranche, the carry is intact
            assertThat(state.counters().trancheUsedIn(0)).isEqualTo(50_000);
            assertThat(state.counters().carryUsed()).isZero();
            // and P1 offers a full tranche plus the whole carry
            assertThat(rules.position(state, at("2003-09-08T00:00:00-04:00")).contractCapacity())
                    .isEqualTo(158_559 + 100_000);
        }

        @Test
        void shouldStartEveryPeriodWithAFullTranche() {
            // given 100,000 of P0's tranche and 50,000 of P1's used
            HoldingState state = apply(registeredHolding(), transfer("a", 100_000), at("2003-08-15T10:00:00-04:00"));
            state = apply(state, transfer("b", 50_000), at("2003-09-10T10:00:00-04:00"));
            // when an order comes in P2 (from 10-08)
            Ruling ruling = rules.decide(transfer("c", 1), at("2003-10-10T10:00:00-04:00"), state, null);
            // then P2 has its whole tranche, whatever P0 and P1 used, plus the untouched carry
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(158_559 + 200_000);
        }

        @Test
        void shouldLetUnusedTrancheLapseInNonCumulativeMode() {
            // given the first release fully sold and nothing sold in P0
            HoldingState state = apply(registeredHolding(), sale("a", 200_000), at("2003-07-15T10:00:00-04:00"));
            // then P1 offers one tranche, not two
            Ruling ruling = rules.decide(sale("b", 158_560), at("2003-09-10T10:00:00-04:00"), state, null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.PERIOD_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(158_559);
        }

        @Test
        void shouldAccumulateUnusedTranchesInCumulativeMode() {
            HoldingState state = HoldingState.fresh(letterEffective().withTrancheMode(TrancheMode.CUMULATIVE));
            state = apply(state, sale("a", 200_000), at("2003-07-15T10:00:00-04:00"));
            // P1 (from 09-08): 200,000 + 2 tranches may have been sold by then, P0's unused tranche included
            Ruling ruling = rules.decide(sale("b", 2 * 158_559), at("2003-09-10T10:00:00-04:00"), state, null);
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(2 * 158_559);
        }

        @Test
        void shouldLetTotalCapBindInThirdPeriodBecauseLettersTranchesOvershootByTwoShares() {
            // given: 200,000 + 3 * 158,559 = 675,677, two more than the 675,675 shares issued
            HoldingState state = HoldingState.fresh(letterEffective().withTrancheMode(TrancheMode.CUMULATIVE));
            state = apply(state, sale("a", 200_000), at("2003-07-15T10:00:00-04:00"));
            // when P2 (from 10-08) would allow three tranches
            Ruling ruling = rules.decide(sale("b", 3 * 158_559), at("2003-10-10T10:00:00-04:00"), state, null);
            // then the schedule is capped at the total: 475,675 remain, not 475,677
            assertThat(ruling.decision().reasons()).containsExactly(Reason.PERIOD_CAP, Reason.TOTAL_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(475_675);
        }

        @Test
        void shouldCapCumulativeScheduleAtTotal() {
            HoldingState state = HoldingState.fresh(letterEffective().withTrancheMode(TrancheMode.CUMULATIVE));
            Ruling ruling = rules.decide(sale("a", 675_676), at("2005-01-10T10:00:00-05:00"), state, null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.PERIOD_CAP, Reason.TOTAL_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(675_675);
        }

        @Test
        void shouldNotOverflowCumulativeLimitFarInTheFuture() {
            // given tranches so large that the cumulative schedule at 9999 (2.9 million daily tranches) wraps past
            // Long.MAX_VALUE to a negative number, were it summed without a guard
            HoldingState state = HoldingState.fresh(proposal().trancheMode("CUMULATIVE").trancheDays(1L)
                    .totalShares(1_000_000_000_000_000L).trancheShares(800_000_000_000_000L).terms());
            Ruling ruling = rules.decide(sale("a", Long.MAX_VALUE), at("9999-12-31T12:00:00-05:00"), state, null);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(1_000_000_000_000_000L);
        }

        @Test
        void shouldNotOverflowCumulativeLimitWhenTheGuardsRoomIsNearlyTheTotal() {
            // given 7 * 10^14-share daily tranches: 2.9 million of them at 9999 are far past Long.MAX_VALUE, and
            // only the guard on (totalShares - firstReleaseShares) / trancheShares keeps the sum from wrapping
            HoldingState state = HoldingState.fresh(proposal().trancheMode("CUMULATIVE").trancheDays(1L)
                    .totalShares(1_000_000_000_000_000L).trancheShares(700_000_000_000_000L).terms());
            // when
            Ruling ruling = rules.decide(sale("a", Long.MAX_VALUE), at("9999-12-31T12:00:00-05:00"), state, null);
            // then the schedule is capped at the total
            assertThat(ruling.decision().reasons()).containsExactly(Reason.PERIOD_CAP, Reason.TOTAL_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(1_000_000_000_000_000L);
        }

        @Test
        void shouldCountOnlyUsedTotalForApprovalInCumulativePeriod() {
            // given a cumulative holding in P0
            HoldingState state = HoldingState.fresh(letterEffective().withTrancheMode(TrancheMode.CUMULATIVE));
            // when 100,000 are approved in P0
            Ruling ruling = rules.decide(sale("a", 100_000), at("2003-08-15T10:00:00-04:00"), state, null);
            // then only usedTotal moves (RULES.md section 9: cumulative consumes usedTotal only)
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(ruling.stateAfter().usedTotal()).isEqualTo(100_000);
            assertThat(ruling.stateAfter().counters().carryUsed()).isZero();
            assertThat(ruling.stateAfter().counters().trancheUsedIn(0)).isZero();
            assertThat(ruling.opened()).isEqualTo(new Reservation("a", OrderKind.PUBLIC_SALE, Window.period(0), 0, 0,
                    100_000, 0, at("2003-08-15T10:00:00-04:00")));
        }

        @Test
        void shouldBlockBeyondTotalWithTotalCap() {
            // given 300,000 in all: after the 200,000 first release only 100,000 remain, less than a tranche
            HoldingState state = HoldingState.fresh(proposal().totalShares(300_000L).effectiveAt(EFFECTIVE).terms());
            state = apply(state, sale("a", 200_000), at("2003-07-15T10:00:00-04:00"));
            Ruling ruling = rules.decide(sale("b", 150_000), at("2003-08-15T10:00:00-04:00"), state, null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.TOTAL_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(100_000);
        }

        @Test
        void shouldListPeriodCapBeforeTotalCap() {
            HoldingState state = HoldingState.fresh(proposal().totalShares(300_000L).effectiveAt(EFFECTIVE).terms());
            state = apply(state, sale("a", 200_000), at("2003-07-15T10:00:00-04:00"));
            Ruling ruling = rules.decide(sale("b", 200_000), at("2003-08-15T10:00:00-04:00"), state, null);
            assertThat(ruling.decision().reasons()).containsExactly(Reason.PERIOD_CAP, Reason.TOTAL_CAP);
        }
    }

    @Nested
    @DisplayName("the evaluation clock")
    class EvaluationClock {

        /**
         * St John's fell back on 2003-10-26 at 00:01 NDT to 10-25 23:01 NST. One-day periods of 100 shares from an
         * SRD of 10-25: 10-25 is P0, 10-26 P1, and the repeated hour is in P0 again.
         */
        private static HoldingState stJohnsDailyHolding() {
            return HoldingState.fresh(new AgreementProposal.Builder("dutchess", "CBYI", LocalDate.parse("2003-10-24"))
                    .timeZone("America/St_Johns").lockupDays(0L).firstReleaseShares(0L).firstReleaseDays(1L)
                    .trancheShares(100L).trancheDays(1L).terms());
        }

        @Test
        void shouldEvaluateBackDatedOrderAtHoldingsLastEvaluationTime() {
            // given the holding was last evaluated in P1 (09-09)
            HoldingState state = apply(registeredHolding(), sale("a", 200_000), at("2003-07-15T10:00:00-04:00"));
            state = apply(state, sale("b", 1), at("2003-09-09T10:00:00-04:00"));
            // when an order arrives back-dated into P0, whose tranche was never used
            Ruling ruling = rules.decide(sale("c", 158_559), at("2003-08-15T10:00:00-04:00"), state, null);
            // then it is evaluated in P1 and cannot reach P0's unused tranche
            assertThat(ruling.decision().evaluatedAt()).isEqualTo(at("2003-09-09T10:00:00-04:00"));
            assertThat(ruling.decision().reasons()).containsExactly(Reason.PERIOD_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(158_558);
        }

        @Test
        void shouldFindWhatWasLeftOfAPeriodsTrancheWhenTheLocalDateRunsBackIntoIt() {
            // given P0's tranche used up on the 25th, then 60 of P1's in the minute after midnight
            HoldingState state = stJohnsDailyHolding();
            state = apply(state, transfer("a", 100), at("2003-10-25T22:00:00-02:30"));
            state = apply(state, transfer("b", 60), at("2003-10-26T00:00:30-02:30"));
            // when an order comes in the repeated hour, on the 25th again
            Ruling ruling = rules.decide(transfer("c", 1), at("2003-10-25T23:30:00-03:30"), state, null);
            // then it is P0, whose tranche is gone: blocked, not a fresh 100
            assertThat(ruling.decision().position().window()).isEqualTo(Window.period(0));
            assertThat(ruling.decision().reasons()).containsExactly(Reason.PERIOD_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
            // and back on the 26th, P1 has the 40 it had left
            Ruling after = rules.decide(transfer("d", 41), at("2003-10-26T00:30:00-03:30"), state, null);
            assertThat(after.decision().reasons()).containsExactly(Reason.PERIOD_CAP);
            assertThat(after.decision().maxAllowedNow()).isEqualTo(40);
        }

        @Test
        void shouldGiveBackToThePreviousPeriodWhatTheRepeatedHourThenFinds() {
            // given P0's tranche approved whole on the 25th, then 10 of P1's after midnight
            HoldingState state = stJohnsDailyHolding();
            Ruling first = rules.decide(transfer("a", 100), at("2003-10-25T22:00:00-02:30"), state, null);
            state = apply(first.stateAfter(), transfer("b", 10), at("2003-10-26T00:00:30-02:30"));
            // when the first order is cancelled in P1: its 100 go back to P0's tranche, the period before the latest
            ExecutionRuling cancel = rules.applyExecution(new ExecutionRequest("x1", "a", "dutchess", "CBYI",
                    ExecutionKind.CANCEL, null), at("2003-10-26T00:00:40-02:30"), state, null, null, first.opened());
            assertThat(cancel.released()).isEqualTo(100);
            // then in the repeated hour, on the 25th again, P0 has its 100 back
            Ruling ruling = rules.decide(transfer("c", 100), at("2003-10-25T23:30:00-03:30"), cancel.stateAfter(),
                    null);
            assertThat(ruling.decision().position().window()).isEqualTo(Window.period(0));
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(100);
        }

        @Test
        void shouldMoveClockForBlockedDisposition() {
            Ruling ruling = rules.decide(sale("a", 10), at("2003-05-15T10:00:00-04:00"), registeredHolding(), null);
            assertThat(ruling.stateAfter().clock()).isEqualTo(at("2003-05-15T10:00:00-04:00"));
        }

        @Test
        void shouldTruncateOrderTimeToMilliseconds() {
            Ruling ruling = rules.decide(sale("a", 10), at("2003-07-11T10:00:00.123999-04:00"), registeredHolding(),
                    null);
            assertThat(ruling.decision().evaluatedAt()).isEqualTo(at("2003-07-11T10:00:00.123-04:00"));
        }
    }

    @Nested
    @DisplayName("agreement versions")
    class AgreementVersions {

        @Test
        void shouldStartFreshHoldingOnFirstAgreement() {
            AgreementUpdate update = rules.applyAgreement(null, letter());
            assertThat(update).isEqualTo(new AgreementUpdate.Applied(HoldingState.fresh(letter())));
        }

        @Test
        void shouldMoveFirstReleaseWhenEffectiveDateArrivesBeforeAnySale() {
            // given the letter's lock-up: on 07-11 a sale is in lock-up
            HoldingState state = apply(HoldingState.fresh(letter()), sale("a", 10), at("2003-07-11T09:00:00-04:00"));
            // when the registration becomes effective on 07-10 16:30
            AgreementUpdate update = rules.applyAgreement(state, letterEffective());
            HoldingState updated = ((AgreementUpdate.Applied) update).state();
            // then the clock survives and the next sale is in the first window
            assertThat(updated.clock()).isEqualTo(at("2003-07-11T09:00:00-04:00"));
            assertThat(rules.decide(sale("b", 10), at("2003-07-11T09:45:00-04:00"), updated, null).decision()
                    .outcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldCountTheTranchesOfACalendarThatMovedWhenEverySaleWasCancelled() {
            // given one-day periods of 100 shares from an SRD of 06-02, and 50 approved in P6 (06-08), then cancelled
            AgreementProposal.Builder daily = new AgreementProposal.Builder("dutchess", "CBYI",
                    LocalDate.parse("2003-06-01")).lockupDays(0L).firstReleaseShares(0L).firstReleaseDays(1L)
                    .trancheShares(100L).trancheDays(1L);
            Ruling approved = rules.decide(transfer("a", 50), at("2003-06-08T10:00:00-04:00"),
                    HoldingState.fresh(daily.terms()), null);
            assertThat(approved.decision().position().window()).isEqualTo(Window.period(6));
            HoldingState cancelled = rules.applyExecution(new ExecutionRequest("x1", "a", "dutchess", "CBYI",
                    ExecutionKind.CANCEL, null), at("2003-06-08T11:00:00-04:00"), approved.stateAfter(), null, null,
                    approved.opened()).stateAfter();
            // when a version with 30-day periods moves the calendar, which nothing used since FRD allows
            AgreementUpdate update = rules.applyAgreement(cancelled, daily.trancheDays(30L).terms());
            HoldingState moved = ((AgreementUpdate.Applied) update).state();
            // then 06-08 is P0 of the new calendar, and its tranche counts: 100, then nothing more
            HoldingState state = apply(moved, transfer("b", 100), at("2003-06-08T12:00:00-04:00"));
            Ruling ruling = rules.decide(transfer("c", 100), at("2003-06-08T13:00:00-04:00"), state, null);
            assertThat(ruling.decision().position().window()).isEqualTo(Window.period(0));
            assertThat(ruling.decision().reasons()).containsExactly(Reason.PERIOD_CAP);
            assertThat(ruling.decision().maxAllowedNow()).isZero();
        }

        @Test
        void shouldRejectCalendarMoveAfterSales() {
            HoldingState state = apply(HoldingState.fresh(letterEffective()), sale("a", 10),
                    at("2003-07-11T10:00:00-04:00"));
            AgreementUpdate update = rules.applyAgreement(state, letter());
            assertThat(update).isInstanceOf(AgreementUpdate.Rejected.class);
            assertThat(((AgreementUpdate.Rejected) update).reason()).contains("First Release instant");
        }

        @Test
        void shouldRejectAMoveOfTheSecondReleaseDateAloneAfterSales() {
            // given a sale in the first window
            HoldingState state = apply(HoldingState.fresh(letterEffective()), sale("a", 10),
                    at("2003-07-11T10:00:00-04:00"));
            // when a version keeps the First Release instant but makes the first window a day longer
            AgreementUpdate update = rules.applyAgreement(state,
                    proposal().effectiveAt(EFFECTIVE).firstReleaseDays(31L).terms());
            // then it is refused: every period would start a day later
            assertThat(update).isInstanceOf(AgreementUpdate.Rejected.class);
            assertThat(((AgreementUpdate.Rejected) update).reason()).contains("Second Release Date");
        }

        @Test
        void shouldRejectTrancheChangesAfterSales() {
            HoldingState state = apply(HoldingState.fresh(letterEffective()), sale("a", 10),
                    at("2003-07-11T10:00:00-04:00"));
            assertThat(rules.applyAgreement(state, letterEffective().withTrancheMode(TrancheMode.CUMULATIVE)))
                    .isInstanceOf(AgreementUpdate.Rejected.class);
            AgreementTerms weekly = proposal().effectiveAt(EFFECTIVE).trancheDays(7L).terms();
            assertThat(rules.applyAgreement(state, weekly)).isInstanceOf(AgreementUpdate.Rejected.class);
            AgreementTerms spelledDifferently = proposal().effectiveAt(EFFECTIVE).timeZone("US/Eastern").terms();
            assertThat(rules.applyAgreement(state, spelledDifferently))
                    .as("timeZone is compared as written").isInstanceOf(AgreementUpdate.Rejected.class);
        }

        @Test
        void shouldAcceptShareCountAndEffectiveChangesThatLeaveCalendarAfterSales() {
            // given the letter's 90-day calendar and a sale in the first window
            HoldingState state = apply(HoldingState.fresh(letter().withEffectiveAt(at("2003-07-01T00:00:00-04:00"))),
                    sale("a", 10), at("2003-07-05T10:00:00-04:00"));
            // when share counts, Rule 144 months and the execution/lock-up change without moving FRD or SRD
            AgreementTerms sameCalendar = proposal().totalShares(700_000L).trancheShares(100_000L)
                    .rule144HoldingMonths(6L).effectiveAt(at("2003-07-01T00:00:00-04:00")).lockupDays(100L).terms();
            AgreementUpdate update = rules.applyAgreement(state, sameCalendar);
            // then the version is applied and the counters carried over
            assertThat(update).isInstanceOf(AgreementUpdate.Applied.class);
            assertThat(((AgreementUpdate.Applied) update).state().usedTotal()).isEqualTo(10);
        }

        @Test
        void shouldRefuseAgreementOfAnotherHolding() {
            // given
            HoldingState state = HoldingState.fresh(letter());
            AgreementTerms other = AgreementTerms.letter(new HoldingKey("someone", "CBYI"), RulesFixtures.EXECUTION,
                    null);
            // when / then
            assertThatThrownBy(() -> rules.applyAgreement(state, other))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("someone/CBYI");
        }

        @Test
        void shouldNameWhatMovedWhenRejectingZoneAndTrancheChangesAfterSales() {
            // given a sale in the first window
            HoldingState state = apply(HoldingState.fresh(letterEffective()), sale("a", 10),
                    at("2003-07-11T10:00:00-04:00"));
            // when
            AgreementUpdate zone = rules.applyAgreement(state,
                    proposal().effectiveAt(EFFECTIVE).timeZone("US/Eastern").terms());
            AgreementUpdate days = rules.applyAgreement(state,
                    proposal().effectiveAt(EFFECTIVE).trancheDays(7L).terms());
            AgreementUpdate mode = rules.applyAgreement(state,
                    letterEffective().withTrancheMode(TrancheMode.CUMULATIVE));
            // then
            assertThat(((AgreementUpdate.Rejected) zone).reason())
                    .contains("timeZone America/New_York -> US/Eastern");
            assertThat(((AgreementUpdate.Rejected) days).reason()).contains("trancheDays 30 -> 7");
            assertThat(((AgreementUpdate.Rejected) mode).reason())
                    .contains("trancheMode NON_CUMULATIVE -> CUMULATIVE");
        }

        @Test
        void shouldCountAppliedVersionsAndNameThemInThePosition() {
            // given a first version, then a second
            HoldingState first = ((AgreementUpdate.Applied) rules.applyAgreement(null, letter())).state();
            HoldingState second = ((AgreementUpdate.Applied) rules.applyAgreement(first, letterEffective())).state();
            // when
            Position position = rules.position(second, at("2003-07-11T10:00:00-04:00"));
            // then
            assertThat(position.agreementVersion()).isEqualTo(2);
            assertThat(position.termsHash()).isEqualTo(TermsFingerprint.of(letterEffective()));
        }

        @Test
        void shouldDecideUnderAZoneWithoutClockChanges() {
            // given an agreement counted in UTC, whose rules have no transitions at all
            HoldingState state = HoldingState.fresh(proposal().timeZone("UTC").effectiveAt(EFFECTIVE).terms());
            // when
            Ruling ruling = rules.decide(sale("a", 10), at("2003-08-20T10:00:00Z"), state, null);
            // then
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(ruling.decision().position().window()).isEqualTo(Window.period(0));
        }

        @Test
        void shouldAcceptAnyCalendarBeforeFirstSale() {
            HoldingState state = apply(HoldingState.fresh(letter()), sale("a", 10), at("2003-05-11T10:00:00-04:00"));
            assertThat(rules.applyAgreement(state, letterEffective().withTrancheMode(TrancheMode.CUMULATIVE)))
                    .isInstanceOf(AgreementUpdate.Applied.class);
        }
    }

    @Nested
    @DisplayName("9. execution reports")
    class ExecutionReports {

        private static ExecutionRequest fill(String executionId, String orderId, long quantity) {
            return new ExecutionRequest(executionId, orderId, "dutchess", "CBYI", ExecutionKind.FILL, quantity);
        }

        private static ExecutionRequest cancel(String executionId, String orderId) {
            return new ExecutionRequest(executionId, orderId, "dutchess", "CBYI", ExecutionKind.CANCEL, null);
        }

        static Stream<ExecutionRequest> malformedReports() {
            return Stream.of(
                    new ExecutionRequest(null, "a", "dutchess", "CBYI", ExecutionKind.FILL, 10L),
                    new ExecutionRequest("x1", "a/b", "dutchess", "CBYI", ExecutionKind.FILL, 10L),
                    new ExecutionRequest("x1", "a", "", "CBYI", ExecutionKind.FILL, 10L),
                    new ExecutionRequest("x1", "a", "dutchess", null, ExecutionKind.FILL, 10L),
                    new ExecutionRequest("x1", "a", "dutchess", "CBYI", null, 10L),
                    new ExecutionRequest("x1", "a", "dutchess", "CBYI", ExecutionKind.FILL, null),
                    new ExecutionRequest("x1", "a", "dutchess", "CBYI", ExecutionKind.FILL, 0L),
                    new ExecutionRequest("x1", "a", "dutchess", "CBYI", ExecutionKind.FILL, -1L),
                    new ExecutionRequest("x1", "a", "dutchess", "CBYI", ExecutionKind.FILL,
                            ExecutionRequest.MAX_FILL_QUANTITY + 1));
        }

        @ParameterizedTest
        @MethodSource("malformedReports")
        void shouldRefuseMalformedReportWithoutTouchingState(ExecutionRequest report) {
            // when
            ExecutionRuling ruling = rules.applyExecution(report, at("2003-07-11T10:00:00-04:00"),
                    registeredHolding(), null, null, null);
            // then
            assertThat(ruling.result()).isEqualTo(ExecutionResult.INVALID);
            assertThat(ruling.result().isDeadLettered()).isTrue();
            assertThat(ruling.stateAfter()).isNull();
            assertThat(ruling.remember()).isFalse();
        }

        @Test
        void shouldAcceptFillsFromOneShareToTheLargestAndCancelsWithoutQuantityAsWellFormed() {
            // given no agreement, so that a well-formed report gets as far as check 3
            Instant t = at("2003-07-11T10:00:00-04:00");
            // when
            List<ExecutionResult> results = Stream.of(fill("x1", "a", 1), fill("x2", "a",
                    ExecutionRequest.MAX_FILL_QUANTITY), cancel("x3", "a"))
                    .map(report -> rules.applyExecution(report, t, null, null, null, null).result()).toList();
            // then
            assertThat(results).containsOnly(ExecutionResult.UNKNOWN_AGREEMENT);
            assertThat(ExecutionResult.UNKNOWN_AGREEMENT.isDeadLettered()).isTrue();
        }

        @Test
        void shouldRefuseReportTimedOutsideTheSupportedYears() {
            // when / then
            ExecutionRuling ruling = rules.applyExecution(fill("x1", "a", 10), Instant.parse("+10000-01-01T00:00:00Z"),
                    registeredHolding(), null, null, null);
            assertThat(ruling.result()).isEqualTo(ExecutionResult.INVALID);
        }

        @Test
        void shouldIgnoreTransportRetryAndRefuseReusedExecutionIdWithOtherContent() {
            // given x1 applied as a fill of 10 shares of order a, and x2 as a cancel of order a
            PriorExecution filled = fill("x1", "a", 10).remembered();
            PriorExecution cancelled = new ExecutionRequest("x2", "a", "dutchess", "CBYI", ExecutionKind.CANCEL, 7L)
                    .remembered();
            Instant t = at("2003-07-11T10:00:00-04:00");
            // when
            ExecutionRuling retry = rules.applyExecution(fill("x1", "a", 10), t, registeredHolding(), filled, null,
                    null);
            ExecutionRuling cancelRetry = rules.applyExecution(cancel("x2", "a"), t, registeredHolding(), cancelled,
                    null, null);
            List<ExecutionRuling> reused = List.of(
                    rules.applyExecution(fill("x1", "a", 11), t, registeredHolding(), filled, null, null),
                    rules.applyExecution(fill("x1", "b", 10), t, registeredHolding(), filled, null, null),
                    rules.applyExecution(cancel("x1", "a"), t, registeredHolding(), filled, null, null),
                    rules.applyExecution(fill("x2", "a", 7), t, registeredHolding(), cancelled, null, null));
            // then
            assertThat(filled).isEqualTo(new PriorExecution(ExecutionKind.FILL, "a", 10L));
            assertThat(cancelled).as("a cancel's quantity is ignored")
                    .isEqualTo(new PriorExecution(ExecutionKind.CANCEL, "a", null));
            assertThat(List.of(retry, cancelRetry)).allSatisfy(ruling -> {
                assertThat(ruling.result()).isEqualTo(ExecutionResult.DUPLICATE);
                assertThat(ruling.result().isDeadLettered()).isFalse();
                assertThat(ruling.stateAfter()).isNull();
                assertThat(ruling.remember()).isFalse();
            });
            assertThat(reused).allSatisfy(ruling -> {
                assertThat(ruling.result()).isEqualTo(ExecutionResult.DUPLICATE_EXECUTION_ID);
                assertThat(ruling.result().isDeadLettered()).isTrue();
                assertThat(ruling.stateAfter()).isNull();
            });
        }

        @Test
        void shouldFailClosedOnReportForHoldingWithoutAgreement() {
            // when
            ExecutionRuling ruling = rules.applyExecution(fill("x1", "a", 10), at("2003-07-11T10:00:00-04:00"), null,
                    null, null, null);
            // then
            assertThat(ruling.result()).isEqualTo(ExecutionResult.UNKNOWN_AGREEMENT);
            assertThat(ruling.stateAfter()).isNull();
            assertThat(ruling.remember()).isFalse();
            assertThat(ExecutionResult.APPLIED.isDeadLettered()).isFalse();
        }

        @Test
        void shouldCoverFillsInsideTheReservationsWindowUntilItIsFilled() {
            // given 120,000 approved in the first window
            Ruling approved = rules.decide(sale("a", 120_000), at("2003-07-11T09:45:00-04:00"), registeredHolding(),
                    null);
            assertThat(approved.opened()).isEqualTo(new Reservation("a", OrderKind.PUBLIC_SALE, Window.FIRST, 0, 0,
                    120_000, 0, at("2003-07-11T09:45:00-04:00")));
            // when 50,000 fill, then the other 70,000
            ExecutionRuling part = rules.applyExecution(fill("x1", "a", 50_000), at("2003-07-12T10:00:00-04:00"),
                    approved.stateAfter(), null, null, approved.opened());
            ExecutionRuling rest = rules.applyExecution(fill("x2", "a", 70_000), at("2003-07-13T10:00:00-04:00"),
                    part.stateAfter(), null, null, part.reservation().after());
            // then both are covered, with no alert, and the shares move from reserved to sold
            assertThat(part.result()).isEqualTo(ExecutionResult.APPLIED);
            assertThat(part.remember()).isTrue();
            assertThat(part.covered()).isEqualTo(50_000);
            assertThat(part.released()).isNull();
            assertThat(part.alert()).isNull();
            assertThat(part.reservation().status()).isEqualTo(ReservationStatus.OPEN);
            assertThat(part.reservation().after().rest()).isEqualTo(70_000);
            assertThat(part.position().soldToDate()).isEqualTo(50_000);
            assertThat(part.position().reservedNow()).isEqualTo(70_000);
            assertThat(rest.covered()).isEqualTo(70_000);
            assertThat(rest.alert()).isNull();
            assertThat(rest.reservation()).isEqualTo(new ExecutionRuling.ReservationChange("a", null,
                    ReservationStatus.FILLED));
            assertThat(rest.position().soldToDate()).isEqualTo(120_000);
            assertThat(rest.position().reservedNow()).isZero();
            assertThat(rest.stateAfter().usedTotal()).isEqualTo(120_000);
            assertThat(rest.evaluatedAt()).isEqualTo(at("2003-07-13T10:00:00-04:00"));
            assertThat(rest.stateAfter().clock()).isEqualTo(at("2003-07-13T10:00:00-04:00"));
        }

        @Test
        void shouldRaiseOverfillForSharesBeyondTheReservationsRest() {
            // given 100,000 approved in the first window
            Ruling approved = rules.decide(sale("a", 100_000), at("2003-07-11T09:45:00-04:00"), registeredHolding(),
                    null);
            // when 120,000 fill in the same window
            ExecutionRuling ruling = rules.applyExecution(fill("x1", "a", 120_000), at("2003-07-12T10:00:00-04:00"),
                    approved.stateAfter(), null, null, approved.opened());
            // then 100,000 are covered and 20,000 are an overfill, within the 100,000 a sale would get now
            assertThat(ruling.covered()).isEqualTo(100_000);
            assertThat(ruling.alert()).isEqualTo(new Alert(AlertType.OVERFILL, 20_000, false, 100_000,
                    OrderKind.PUBLIC_SALE));
            assertThat(ruling.reservation().status()).isEqualTo(ReservationStatus.FILLED);
            assertThat(ruling.position().soldToDate()).isEqualTo(120_000);
            assertThat(ruling.stateAfter().counters().soldInFirstWindow()).isEqualTo(120_000);
        }

        @Test
        void shouldCountUnapprovedSaleInTheLockupWithoutFreezingTheCalendar() {
            // given the letter's lock-up, and no order approved
            HoldingState state = HoldingState.fresh(letter());
            // when 1,000 shares are reported sold in the lock-up
            ExecutionRuling ruling = rules.applyExecution(fill("x1", "ghost", 1_000), at("2003-06-01T10:00:00-04:00"),
                    state, null, null, null);
            // then they are counted without any check, as a breach, and stay out of the carry
            assertThat(ruling.result()).isEqualTo(ExecutionResult.APPLIED);
            assertThat(ruling.covered()).isZero();
            assertThat(ruling.alert()).isEqualTo(new Alert(AlertType.UNAPPROVED_SALE, 1_000, true, 0,
                    OrderKind.PUBLIC_SALE));
            assertThat(ruling.stateAfter().usedTotal()).isEqualTo(1_000);
            assertThat(ruling.stateAfter().counters().soldInFirstWindow()).isEqualTo(1_000);
            assertThat(ruling.stateAfter().hasUsedSharesSinceFirstRelease()).isFalse();
            // and the registration may still move the calendar (RULES.md section 9)
            assertThat(rules.applyAgreement(ruling.stateAfter(), letterEffective()))
                    .isInstanceOf(AgreementUpdate.Applied.class);
        }

        @Test
        void shouldGiveBackAndCountAsLateFillWhenFilledInALaterWindow() {
            // given 120,000 approved in the first window
            Ruling approved = rules.decide(sale("a", 120_000), at("2003-07-11T09:45:00-04:00"), registeredHolding(),
                    null);
            // when they fill in P0
            ExecutionRuling ruling = rules.applyExecution(fill("x1", "a", 120_000), at("2003-08-15T10:00:00-04:00"),
                    approved.stateAfter(), null, null, approved.opened());
            // then the first window gets its 120,000 back (carried), and all 120,000 count in P0 as a late fill
            assertThat(ruling.covered()).isZero();
            assertThat(ruling.alert()).isEqualTo(new Alert(AlertType.LATE_FILL, 120_000, false, 158_559 + 200_000,
                    OrderKind.PUBLIC_SALE));
            assertThat(ruling.reservation().status()).isEqualTo(ReservationStatus.FILLED);
            Counters counters = ruling.stateAfter().counters();
            assertThat(counters.usedTotal()).isEqualTo(120_000);
            assertThat(counters.reservedTotal()).isZero();
            assertThat(counters.soldInFirstWindow()).isZero();
            assertThat(counters.trancheUsedIn(0)).isEqualTo(120_000);
            assertThat(counters.carryUsed()).isZero();
            assertThat(ruling.position().contractCapacity()).isEqualTo(38_559 + 200_000);
        }

        @Test
        void shouldCountFillOfAnEarlierPeriodsReservationAsLateFillInThePeriodItSoldIn() {
            // given 100,000 of P0's tranche approved as a transfer
            Ruling approved = rules.decide(transfer("a", 100_000), at("2003-08-15T10:00:00-04:00"),
                    registeredHolding(), null);
            // when they fill in P1
            ExecutionRuling ruling = rules.applyExecution(fill("x1", "a", 100_000), at("2003-09-10T10:00:00-04:00"),
                    approved.stateAfter(), null, null, approved.opened());
            // then P0's lapsed tranche gets nothing back and P1's tranche pays for them
            assertThat(ruling.covered()).isZero();
            assertThat(ruling.alert()).isEqualTo(new Alert(AlertType.LATE_FILL, 100_000, false, 158_559 + 200_000,
                    OrderKind.PRIVATE_TRANSFER));
            assertThat(ruling.stateAfter().counters().trancheUsedIn(1)).isEqualTo(100_000);
            assertThat(ruling.position().contractCapacity()).isEqualTo(58_559 + 200_000);
        }

        @Test
        void shouldNameTheAlertAfterWhatHappenedToTheOrder() {
            // given orders whose reservation is no longer open, and one that was blocked
            Instant t = at("2003-07-11T10:00:00-04:00");
            PriorOrder cancelled = new PriorOrder(OrderKind.PUBLIC_SALE, 10, Outcome.APPROVED,
                    ReservationStatus.CANCELLED);
            PriorOrder filled = new PriorOrder(OrderKind.PUBLIC_SALE, 10, Outcome.APPROVED, null);
            PriorOrder filledTransfer = new PriorOrder(OrderKind.PRIVATE_TRANSFER, 10, Outcome.APPROVED,
                    ReservationStatus.FILLED);
            PriorOrder blocked = new PriorOrder(OrderKind.PUBLIC_SALE, 10, Outcome.BLOCKED, null);
            // when each is filled by 10 shares in the first window
            Alert late = rules.applyExecution(fill("x1", "a", 10), t, registeredHolding(), null, cancelled, null)
                    .alert();
            Alert over = rules.applyExecution(fill("x1", "a", 10), t, registeredHolding(), null, filled, null).alert();
            Alert transfer = rules.applyExecution(fill("x1", "a", 10), t, registeredHolding(), null, filledTransfer,
                    null).alert();
            Alert unapproved = rules.applyExecution(fill("x1", "a", 10), t, registeredHolding(), null, blocked, null)
                    .alert();
            // then
            assertThat(late).isEqualTo(new Alert(AlertType.LATE_FILL, 10, false, 200_000, OrderKind.PUBLIC_SALE));
            assertThat(over).isEqualTo(new Alert(AlertType.OVERFILL, 10, false, 200_000, OrderKind.PUBLIC_SALE));
            assertThat(transfer).as("a transfer gets nothing in the first window")
                    .isEqualTo(new Alert(AlertType.OVERFILL, 10, true, 0, OrderKind.PRIVATE_TRANSFER));
            assertThat(unapproved).isEqualTo(new Alert(AlertType.UNAPPROVED_SALE, 10, false, 200_000,
                    OrderKind.PUBLIC_SALE));
        }

        @Test
        void shouldChangeNothingButTheClockForFillOfApprovedPurchase() {
            // given
            PriorOrder purchase = new PriorOrder(OrderKind.PURCHASE, 10, Outcome.APPROVED, null);
            HoldingState state = registeredHolding();
            // when
            ExecutionRuling ruling = rules.applyExecution(fill("x1", "p", 10), at("2003-07-11T10:00:00-04:00"), state,
                    null, purchase, null);
            // then
            assertThat(ruling.result()).isEqualTo(ExecutionResult.APPLIED);
            assertThat(ruling.covered()).isZero();
            assertThat(ruling.alert()).isNull();
            assertThat(ruling.reservation()).isNull();
            assertThat(ruling.stateAfter().counters()).isEqualTo(state.counters());
            assertThat(ruling.stateAfter().clock()).isEqualTo(at("2003-07-11T10:00:00-04:00"));
        }

        @Test
        void shouldReleaseNothingForCancelOfOrderWithoutOpenReservation() {
            // given
            HoldingState state = apply(registeredHolding(), sale("a", 10), at("2003-07-11T09:00:00-04:00"));
            // when
            ExecutionRuling ruling = rules.applyExecution(cancel("x1", "b"), at("2003-07-11T10:00:00-04:00"), state,
                    null, null, null);
            // then
            assertThat(ruling.result()).isEqualTo(ExecutionResult.APPLIED);
            assertThat(ruling.released()).isZero();
            assertThat(ruling.covered()).isNull();
            assertThat(ruling.reservation()).isNull();
            assertThat(ruling.stateAfter().counters()).isEqualTo(state.counters());
        }

        @Test
        void shouldGiveFirstWindowSharesBackOnCancelSoTheyCarryPastTheSecondReleaseDate() {
            // given 120,000 approved in the first window, then cancelled unfilled
            Ruling approved = rules.decide(sale("a", 120_000), at("2003-07-11T09:45:00-04:00"), registeredHolding(),
                    null);
            ExecutionRuling cancelled = rules.applyExecution(cancel("x1", "a"), at("2003-07-12T10:00:00-04:00"),
                    approved.stateAfter(), null, null, approved.opened());
            assertThat(cancelled.released()).isEqualTo(120_000);
            assertThat(cancelled.reservation()).isEqualTo(new ExecutionRuling.ReservationChange("a", null,
                    ReservationStatus.CANCELLED));
            // when a sale of the whole tranche and the whole First Release comes in P0
            Ruling ruling = rules.decide(sale("b", 158_559 + 200_000), at("2003-08-15T10:00:00-04:00"),
                    cancelled.stateAfter(), null);
            // then it is approved: none of the 200,000 was sold in the first window
            assertThat(ruling.decision().outcome()).isEqualTo(Outcome.APPROVED);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(158_559 + 200_000);
        }

        @Test
        void shouldReturnCarrySharesFirstWhenCancellingAPartlyFilledReservation() {
            // given a transfer of the whole P0 tranche and 50,000 carried shares, 200,000 of it filled (RULES.md A13)
            Ruling approved = rules.decide(transfer("a", 208_559), at("2003-08-15T10:00:00-04:00"),
                    registeredHolding(), null);
            assertThat(approved.opened()).isEqualTo(new Reservation("a", OrderKind.PRIVATE_TRANSFER, Window.period(0),
                    158_559, 50_000, 208_559, 0, at("2003-08-15T10:00:00-04:00")));
            ExecutionRuling filled = rules.applyExecution(fill("x1", "a", 200_000), at("2003-08-16T10:00:00-04:00"),
                    approved.stateAfter(), null, null, approved.opened());
            assertThat(filled.covered()).isEqualTo(200_000);
            assertThat(filled.alert()).isNull();
            // when the rest is cancelled
            ExecutionRuling cancelled = rules.applyExecution(cancel("x2", "a"), at("2003-08-17T10:00:00-04:00"),
                    filled.stateAfter(), null, null, filled.reservation().after());
            // then its 8,559 are carry shares, which outlive P0
            assertThat(cancelled.released()).isEqualTo(8_559);
            assertThat(cancelled.stateAfter().counters().carryUsed()).isEqualTo(50_000 - 8_559);
            Ruling p1 = rules.decide(transfer("b", 1), at("2003-09-10T10:00:00-04:00"), cancelled.stateAfter(), null);
            assertThat(p1.decision().maxAllowedNow()).isEqualTo(158_559 + 158_559);
        }

        @Test
        void shouldGiveBackOnlyUsedTotalWhenCancellingInCumulativeMode() {
            // given 100,000 approved in P0 of a cumulative holding
            Ruling approved = rules.decide(sale("a", 100_000), at("2003-08-15T10:00:00-04:00"),
                    HoldingState.fresh(letterEffective().withTrancheMode(TrancheMode.CUMULATIVE)), null);
            // when it is cancelled
            ExecutionRuling cancelled = rules.applyExecution(cancel("x1", "a"), at("2003-08-16T10:00:00-04:00"),
                    approved.stateAfter(), null, null, approved.opened());
            // then the counters are as before the approval
            assertThat(cancelled.released()).isEqualTo(100_000);
            assertThat(cancelled.stateAfter().counters()).isEqualTo(Counters.NONE);
        }

        @Test
        void shouldKeepTheCurrentPeriodsCountWhenGivingBackToThePreviousPeriod() {
            // given 100,000 of P0's tranche approved, then 50,000 of P1's
            Ruling a = rules.decide(transfer("a", 100_000), at("2003-08-15T10:00:00-04:00"), registeredHolding(),
                    null);
            HoldingState state = apply(a.stateAfter(), transfer("b", 50_000), at("2003-09-10T10:00:00-04:00"));
            // when the first is cancelled in P1: P0's tranche has lapsed
            ExecutionRuling cancelled = rules.applyExecution(cancel("x1", "a"), at("2003-09-11T10:00:00-04:00"), state,
                    null, null, a.opened());
            // then P1 still counts its 50,000
            assertThat(cancelled.released()).isEqualTo(100_000);
            Ruling ruling = rules.decide(transfer("c", 1), at("2003-09-12T10:00:00-04:00"), cancelled.stateAfter(),
                    null);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(108_559 + 200_000);
        }

        @Test
        void shouldLeaveATrancheLapsedWhenItsReservationIsCancelledTwoPeriodsLater() {
            // given 100,000 of P0's tranche approved, then 10 shares in P2
            Ruling a = rules.decide(transfer("a", 100_000), at("2003-08-15T10:00:00-04:00"), registeredHolding(),
                    null);
            HoldingState state = apply(a.stateAfter(), transfer("b", 10), at("2003-10-10T10:00:00-04:00"));
            // when the first is cancelled in P2
            ExecutionRuling cancelled = rules.applyExecution(cancel("x1", "a"), at("2003-10-11T10:00:00-04:00"), state,
                    null, null, a.opened());
            // then P2's tranche and the carry are what they were: a lapsed tranche stays lapsed
            assertThat(cancelled.released()).isEqualTo(100_000);
            Ruling ruling = rules.decide(transfer("c", 1), at("2003-10-12T10:00:00-04:00"), cancelled.stateAfter(),
                    null);
            assertThat(ruling.decision().maxAllowedNow()).isEqualTo(158_549 + 200_000);
        }
    }

    @Nested
    @DisplayName("the position")
    class Positions {

        @Test
        void shouldDescribeHoldingAfterApproval() {
            Ruling ruling = rules.decide(sale("e2", 120_000), at("2003-07-11T09:45:00-04:00"), registeredHolding(),
                    null);
            Position position = ruling.decision().position();
            assertThat(position.holding()).isEqualTo(DUTCHESS);
            assertThat(position.asOf()).isEqualTo(at("2003-07-11T09:45:00-04:00"));
            assertThat(position.window()).isEqualTo(Window.FIRST);
            assertThat(position.registered()).isTrue();
            assertThat(position.soldToDate()).as("approved, not yet reported sold").isZero();
            assertThat(position.reservedNow()).isEqualTo(120_000);
            assertThat(position.contractCapacity()).isEqualTo(80_000);
            assertThat(position.releasedToDate()).isEqualTo(200_000);
            assertThat(position.availableNow()).isEqualTo(80_000);
            assertThat(position.nextReleaseAt()).isEqualTo(at("2003-08-09T00:00:00-04:00"));
            assertThat(position.availableAtNextRelease()).isEqualTo(80_000 + 158_559);
            assertThat(position.firstReleaseAt()).isEqualTo(EFFECTIVE);
        }

        @Test
        void shouldShowNothingReleasedDuringLockup() {
            Position position = rules.position(HoldingState.fresh(letter()), at("2003-06-01T10:00:00-04:00"));
            assertThat(position.window()).isEqualTo(Window.LOCKUP);
            assertThat(position.contractCapacity()).isZero();
            assertThat(position.availableNow()).isZero();
            assertThat(position.nextReleaseAt()).isEqualTo(at("2003-07-27T00:00:00-04:00"));
            assertThat(position.availableAtNextRelease()).isEqualTo(200_000);
        }

        @Test
        void shouldHaveNoNextReleaseOnceSoldOut() {
            HoldingState state = new HoldingState(AgreementInForce.first(letterEffective()),
                    new Counters(675_675, 200_000, 0, 3, 158_559, 0, 0, 0), at("2004-01-01T00:00:00-05:00"));
            Position position = rules.position(state, at("2004-01-01T00:00:00-05:00"));
            assertThat(position.nextReleaseAt()).isNull();
            assertThat(position.availableAtNextRelease()).isNull();
            assertThat(position.contractCapacity()).isZero();
        }

        @Test
        void shouldAttachPositionAndEvaluationTimeToDispositionsDecidedOnTheHoldingAndToNothingElse() {
            // given dispositions decided on the holding: approved, blocked by a gate, blocked by capacity
            Instant july = at("2003-07-15T10:00:00-04:00");
            List<Ruling> onTheHolding = List.of(
                    rules.decide(sale("a", 1_000), july, registeredHolding(), null),
                    rules.decide(sale("b", 50_000), at("2003-05-15T10:00:00-04:00"), registeredHolding(), null),
                    rules.decide(sale("c", 500_000), july, registeredHolding(), null));
            // and decisions made without the holding's state (RULES.md section 6)
            Ruling first = rules.decide(sale("d", 10), july, registeredHolding(), null);
            PriorOrder prior = PriorOrder.of(OrderKind.PUBLIC_SALE, 10, first.decision());
            List<Ruling> withoutState = List.of(
                    rules.decide(sale("", 10), july, registeredHolding(), null),
                    rules.decide(sale("e", 10), july, null, null),
                    rules.decide(sale("d", 11), july, registeredHolding(), prior),
                    rules.decide(purchase("f", 10), july, registeredHolding(), null));
            // then
            assertThat(onTheHolding).extracting(r -> r.decision().outcome())
                    .containsExactly(Outcome.APPROVED, Outcome.BLOCKED, Outcome.BLOCKED);
            assertThat(onTheHolding).allSatisfy(r -> {
                assertThat(r.decision().position()).isNotNull();
                assertThat(r.decision().evaluatedAt()).isEqualTo(r.decision().position().asOf());
            });
            assertThat(withoutState).extracting(r -> r.decision().reasons().isEmpty() ? "-" : r.decision().reasons()
                    .get(0).name()).containsExactly("INVALID_ORDER", "UNKNOWN_AGREEMENT", "DUPLICATE_ORDER_ID", "-");
            assertThat(withoutState).allSatisfy(r -> {
                assertThat(r.decision().position()).isNull();
                assertThat(r.decision().evaluatedAt()).isNull();
            });
        }
    }
}
