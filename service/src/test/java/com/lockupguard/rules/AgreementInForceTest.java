package com.lockupguard.rules;

import static com.lockupguard.rules.RulesFixtures.letter;
import static com.lockupguard.rules.RulesFixtures.letterEffective;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AgreementInForceTest {

    @Test
    void shouldCountVersionsFromOne() {
        // when / then
        assertThatThrownBy(() -> new AgreementInForce(letter(), 0, TermsFingerprint.of(letter())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new AgreementInForce(letter(), 1, TermsFingerprint.of(letter())))
                .isEqualTo(AgreementInForce.first(letter()));
    }

    @Test
    void shouldBeEqualOnlyToTheSameVersionOfTheSameTerms() {
        // given
        AgreementInForce first = AgreementInForce.first(letter());
        // when / then
        assertThat(first).isEqualTo(AgreementInForce.first(letter()))
                .hasSameHashCodeAs(AgreementInForce.first(letter()))
                .isNotEqualTo(AgreementInForce.first(letterEffective()))
                .isNotEqualTo(first.next(letter()))
                .isNotEqualTo(new AgreementInForce(letter(), 1, "another hash"))
                .isNotEqualTo("not an agreement");
        assertThat(first.toString()).contains("version=1", "termsHash=" + TermsFingerprint.of(letter()));
    }

    @Test
    void shouldShareTermsAndCalendarWithAnotherVersion() {
        // given
        AgreementInForce first = AgreementInForce.first(letter());
        // when
        AgreementInForce third = first.asVersion(3);
        // then
        assertThat(first.asVersion(1)).isSameAs(first);
        assertThat(third.version()).isEqualTo(3);
        assertThat(third.terms()).isSameAs(first.terms());
        assertThat(third.termsHash()).isEqualTo(first.termsHash());
        assertThat(third.calendar()).isSameAs(first.calendar());
    }
}
