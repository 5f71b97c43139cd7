package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.avro.OpenReservation;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.SeenExecution;
import com.lockupguard.avro.SeenOrder;
import com.lockupguard.rules.PriorExecution;
import com.lockupguard.rules.PriorOrder;
import com.lockupguard.rules.Reservation;
import com.lockupguard.rules.TermsFingerprint;
import com.lockupguard.rules.Window;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoldingStateMapperTest {

    @Test
    void shouldCountVersionsFromOneAndHashTheTermsOfStateStoredBeforeVersionsWereKept() {
        // given a holding state as a guard older than 0.2.0 stored it: no version count, no hash
        Agreement letter = Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setExecutionDate(LocalDate.parse("2003-04-28")).build();
        HoldingState old = HoldingState.newBuilder().setAgreement(letter).setSoldTotal(120_000).build();
        // when it is read
        com.lockupguard.rules.HoldingState state = HoldingStateMapper.toRules(old);
        // then it is version 1 of the holding, with the hash of its terms, and its counters kept
        assertThat(state.agreement().version()).isEqualTo(1);
        assertThat(state.agreement().termsHash()).isEqualTo(TermsFingerprint.of(AgreementMapper.toTerms(letter)));
        assertThat(state.usedTotal()).isEqualTo(120_000);
    }

    @Test
    void shouldTakeAReservationStatusANewerGuardAddedAsFilledSoThatItsSharesStayCounted() {
        // given a reservation status this guard does not know (UNKNOWN, as Avro reads a newer guard's symbol)
        // when it is read, then it is FILLED: its shares stay sold, never released as a cancel's would be
        assertThat(HoldingStateMapper.toRules(com.lockupguard.avro.ReservationStatus.UNKNOWN))
                .isEqualTo(com.lockupguard.rules.ReservationStatus.FILLED);
        assertThat(HoldingStateMapper.toRules(com.lockupguard.avro.ReservationStatus.CANCELLED))
                .isEqualTo(com.lockupguard.rules.ReservationStatus.CANCELLED);
    }

    @Test
    void shouldKeepVersionAndHashThroughTheStore() {
        Agreement letter = Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setExecutionDate(LocalDate.parse("2003-04-28")).build();
        HoldingState stored = HoldingState.newBuilder().setAgreement(letter).setAgreementVersion(7)
                .setTermsHash("cafe".repeat(16)).build();
        assertThat(HoldingStateMapper.toAvro(HoldingStateMapper.toRules(stored))).isEqualTo(stored);
    }

    @Test
    void shouldHashTheTermsAgainWhereAnOlderStateHoldsAHashNoGuardWrites() {
        // given a stored state whose hash is not 64 hex digits: read as it is, the holding could never be written
        // back (its terms are encoded by their hash), and every record of it would fail
        Agreement letter = Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setExecutionDate(LocalDate.parse("2003-04-28")).build();
        for (String hash : List.of("not-a-sha", "cafe", "CAFE".repeat(16))) {
            HoldingState stored = HoldingState.newBuilder().setAgreement(letter).setAgreementVersion(7)
                    .setTermsHash(hash).build();

            // when it is read, then its terms are hashed again
            assertThat(HoldingStateMapper.toRules(stored).agreement().termsHash()).as(hash)
                    .isEqualTo(TermsFingerprint.of(AgreementMapper.toTerms(letter)));
        }
    }

    @Test
    void shouldRefuseARememberedOrderOrReservationNoGuardWrites() {
        // given an order of a kind this guard does not know, and a reservation in a period with no number
        SeenOrder unknownKind = SeenOrder.newBuilder().setKind(OrderKind.UNKNOWN).setQuantity(5)
                .setDecision(Decision.newBuilder().setOrderId("o1").setInvestorId("dutchess").setSecurityId("CBYI")
                        .setKind(OrderKind.PUBLIC_SALE).setQuantity(5L)
                        .setOrderAt(Instant.parse("2003-09-30T14:00:00Z")).setOutcome(Outcome.BLOCKED).setReasons(List.of()).setMaxAllowedNow(0L).build())
                .build();
        OpenReservation noPeriod = OpenReservation.newBuilder().setKind(OrderKind.PUBLIC_SALE)
                .setPhase(com.lockupguard.avro.Phase.PERIOD).setPeriod(null).setFromTranche(1).setFromCarry(0)
                .setQuantity(1).setTaken(0).setOpenedAt(Instant.parse("2003-09-30T14:00:00Z")).build();

        // when / then each is refused as a value no guard writes (the codec's corrupt value, kept by the id sweeper),
        // not a NullPointerException that stops every walk of the store at it
        assertThatThrownBy(() -> HoldingStateMapper.toRules(unknownKind)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UNKNOWN");
        assertThatThrownBy(() -> HoldingStateMapper.toRules("o1", noPeriod))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no period");
    }

    @Test
    void shouldKeepARememberedOrderExecutionAndReservationThroughTheStore() {
        // given an approved sale whose reservation is open, a cancel it received, and its reservation of period 0
        Decision approval = Decision.newBuilder().setOrderId("e6").setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(60_000L).setOrderAt(Instant.parse("2003-09-30T14:00:00Z"))
                .setOutcome(Outcome.APPROVED).setReasons(List.of()).setMaxAllowedNow(158_559L).build();
        SeenOrder order = SeenOrder.newBuilder().setKind(OrderKind.PUBLIC_SALE).setQuantity(60_000)
                .setDecision(approval).setReservation(com.lockupguard.avro.ReservationStatus.OPEN).build();
        SeenOrder blocked = SeenOrder.newBuilder(order).setReservation(null).build();
        SeenExecution cancel = SeenExecution.newBuilder().setKind(ExecutionKind.CANCEL).setOrderId("e6")
                .setQuantity(null).build();
        Reservation reservation = new Reservation("e6", com.lockupguard.rules.OrderKind.PUBLIC_SALE,
                Window.period(0), 40_000, 20_000, 60_000, 10_000, Instant.parse("2003-09-30T14:00:00Z"));
        // when / then
        assertThat(HoldingStateMapper.toRules(order)).isEqualTo(new PriorOrder(
                com.lockupguard.rules.OrderKind.PUBLIC_SALE, 60_000, com.lockupguard.rules.Outcome.APPROVED,
                com.lockupguard.rules.ReservationStatus.OPEN));
        assertThat(HoldingStateMapper.toRules(blocked).status()).isNull();
        assertThat(HoldingStateMapper.toRules(cancel)).isEqualTo(new PriorExecution(
                com.lockupguard.rules.ExecutionKind.CANCEL, "e6", null));
        OpenReservation stored = HoldingStateMapper.toAvro(reservation);
        assertThat(stored.getPeriod()).isEqualTo(0L);
        assertThat(HoldingStateMapper.toRules("e6", stored)).isEqualTo(reservation);
        Reservation first = new Reservation("e5", com.lockupguard.rules.OrderKind.PRIVATE_TRANSFER, Window.FIRST, 0,
                0, 1_000, 0, Instant.parse("2003-07-21T14:00:00Z"));
        assertThat(HoldingStateMapper.toAvro(first).getPeriod()).isNull();
        assertThat(HoldingStateMapper.toRules("e5", HoldingStateMapper.toAvro(first))).isEqualTo(first);
    }
}
