package com.lockupguard.rules;

import static com.lockupguard.rules.RulesFixtures.letter;
import static com.lockupguard.rules.RulesFixtures.letterEffective;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TermsFingerprintTest {

    @Test
    void shouldHashTheDocumentedCanonicalTextOfTheTerms() {
        // given the worked example's terms
        AgreementTerms terms = letterEffective();
        // when / then: the text an auditor can rebuild by hand, and its SHA-256 (python3 hashlib agrees)
        assertThat(TermsFingerprint.canonicalText(terms)).isEqualTo("{\"investorId\":\"dutchess\",\"securityId\":"
                + "\"CBYI\",\"executionDate\":\"2003-04-28\",\"timeZone\":\"America/New_York\",\"totalShares\":675675,"
                + "\"lockupDays\":90,\"firstReleaseShares\":200000,\"firstReleaseDays\":30,\"trancheShares\":158559,"
                + "\"trancheDays\":30,\"trancheMode\":\"NON_CUMULATIVE\",\"rule144HoldingMonths\":12,"
                + "\"effectiveAt\":\"2003-07-10T20:30:00.000Z\"}");
        assertThat(TermsFingerprint.of(terms))
                .isEqualTo("494b4d923929ca14664c7f1a817d58beff11fe77760b0e4a0553f007b38bae0a");
    }

    @Test
    void shouldWriteMissingEffectiveDateAsNull() {
        assertThat(TermsFingerprint.canonicalText(letter())).endsWith("\"effectiveAt\":null}");
    }

    @Test
    void shouldChangeWithAnyTerm() {
        assertThat(TermsFingerprint.of(letter())).isNotEqualTo(TermsFingerprint.of(letterEffective()))
                .isNotEqualTo(TermsFingerprint.of(letter().withTrancheMode(TrancheMode.CUMULATIVE)));
    }

    @Test
    void shouldJsonEscapeIdsInTheCanonicalText() {
        // given ids that contain a quote, a backslash and a control character
        AgreementTerms terms = AgreementTerms.letter(new HoldingKey("a\"b\\c", "d\u0001e"), RulesFixtures.EXECUTION,
                null);
        // then they are JSON-escaped
        assertThat(TermsFingerprint.canonicalText(terms))
                .startsWith("{\"investorId\":\"a\\\"b\\\\c\",\"securityId\":\"d\\u0001e\",");
    }

    @Test
    void shouldKeepSpacesInIdsAsTheyAre() {
        // given an id with a space, the first character that needs no escape
        AgreementTerms terms = AgreementTerms.letter(new HoldingKey("a b", "CBYI"), RulesFixtures.EXECUTION, null);
        // when
        String text = TermsFingerprint.canonicalText(terms);
        // then
        assertThat(text).startsWith("{\"investorId\":\"a b\",");
    }
}
