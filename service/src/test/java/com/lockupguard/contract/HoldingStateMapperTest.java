package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.rules.TermsFingerprint;
import java.time.LocalDate;
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
                .setTermsHash("cafe").build();
        assertThat(HoldingStateMapper.toAvro(HoldingStateMapper.toRules(stored))).isEqualTo(stored);
    }
}
