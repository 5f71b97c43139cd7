package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Agreement;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.LetterDefaults;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The letter's terms are the rules' defaults (LetterDefaults); the Avro contract must default to the same. */
class AgreementDefaultsTest {

    @Test
    void shouldDefaultEveryAvroFieldToTheLettersTermsAsTheRulesDo() {
        // given an agreement with only the three required fields, as a producer on the schema writes it
        Agreement avro = Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setExecutionDate(LocalDate.parse("2003-04-28")).build();
        // when it becomes terms
        AgreementTerms terms = AgreementMapper.toTerms(avro);
        // then they are the letter's, as the rules define it
        assertThat(terms).isEqualTo(AgreementTerms.letter(new HoldingKey("dutchess", "CBYI"),
                LocalDate.parse("2003-04-28"), null));
        assertThat(avro.getTimeZone()).isEqualTo(LetterDefaults.TIME_ZONE);
        assertThat(avro.getTotalShares()).isEqualTo(LetterDefaults.TOTAL_SHARES);
        assertThat(avro.getLockupDays()).isEqualTo(LetterDefaults.LOCKUP_DAYS);
        assertThat(avro.getFirstReleaseShares()).isEqualTo(LetterDefaults.FIRST_RELEASE_SHARES);
        assertThat(avro.getFirstReleaseDays()).isEqualTo(LetterDefaults.FIRST_RELEASE_DAYS);
        assertThat(avro.getTrancheShares()).isEqualTo(LetterDefaults.TRANCHE_SHARES);
        assertThat(avro.getTrancheDays()).isEqualTo(LetterDefaults.TRANCHE_DAYS);
        assertThat(avro.getTrancheMode().name()).isEqualTo(LetterDefaults.TRANCHE_MODE.name());
        assertThat(avro.getRule144HoldingMonths()).isEqualTo(LetterDefaults.RULE_144_HOLDING_MONTHS);
        assertThat(avro.getEffectiveAt()).isNull();
    }
}
