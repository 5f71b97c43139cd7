package com.lockupguard.rules;

import static com.lockupguard.rules.RulesFixtures.letter;
import static com.lockupguard.rules.RulesFixtures.letterEffective;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
        // given the letter's terms, and thirteen others, each with one term changed
        AgreementTerms t = letterEffective();
        Map<String, AgreementTerms> changed = new LinkedHashMap<>();
        changed.put("investorId", new AgreementTerms(new HoldingKey("other", "CBYI"), t.executionDate(), t.timeZone(),
                t.totalShares(), t.lockupDays(), t.firstReleaseShares(), t.firstReleaseDays(), t.trancheShares(),
                t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("securityId", new AgreementTerms(new HoldingKey("dutchess", "OTHER"), t.executionDate(),
                t.timeZone(), t.totalShares(), t.lockupDays(), t.firstReleaseShares(), t.firstReleaseDays(),
                t.trancheShares(), t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("executionDate", new AgreementTerms(t.holding(), t.executionDate().plusDays(1), t.timeZone(),
                t.totalShares(), t.lockupDays(), t.firstReleaseShares(), t.firstReleaseDays(), t.trancheShares(),
                t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("timeZone", new AgreementTerms(t.holding(), t.executionDate(), "America/Chicago",
                t.totalShares(), t.lockupDays(), t.firstReleaseShares(), t.firstReleaseDays(), t.trancheShares(),
                t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("totalShares", new AgreementTerms(t.holding(), t.executionDate(), t.timeZone(),
                t.totalShares() + 1, t.lockupDays(), t.firstReleaseShares(), t.firstReleaseDays(), t.trancheShares(),
                t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("lockupDays", new AgreementTerms(t.holding(), t.executionDate(), t.timeZone(),
                t.totalShares(), t.lockupDays() + 1, t.firstReleaseShares(), t.firstReleaseDays(), t.trancheShares(),
                t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("firstReleaseShares", new AgreementTerms(t.holding(), t.executionDate(), t.timeZone(),
                t.totalShares(), t.lockupDays(), t.firstReleaseShares() + 1, t.firstReleaseDays(), t.trancheShares(),
                t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("firstReleaseDays", new AgreementTerms(t.holding(), t.executionDate(), t.timeZone(),
                t.totalShares(), t.lockupDays(), t.firstReleaseShares(), t.firstReleaseDays() + 1, t.trancheShares(),
                t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("trancheShares", new AgreementTerms(t.holding(), t.executionDate(), t.timeZone(),
                t.totalShares(), t.lockupDays(), t.firstReleaseShares(), t.firstReleaseDays(), t.trancheShares() + 1,
                t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("trancheDays", new AgreementTerms(t.holding(), t.executionDate(), t.timeZone(),
                t.totalShares(), t.lockupDays(), t.firstReleaseShares(), t.firstReleaseDays(), t.trancheShares(),
                t.trancheDays() + 1, t.trancheMode(), t.rule144HoldingMonths(), t.effectiveAt()));
        changed.put("trancheMode", t.withTrancheMode(TrancheMode.CUMULATIVE));
        changed.put("rule144HoldingMonths", new AgreementTerms(t.holding(), t.executionDate(), t.timeZone(),
                t.totalShares(), t.lockupDays(), t.firstReleaseShares(), t.firstReleaseDays(), t.trancheShares(),
                t.trancheDays(), t.trancheMode(), t.rule144HoldingMonths() + 1, t.effectiveAt()));
        changed.put("effectiveAt", t.withEffectiveAt(null));

        // when / then each hashes apart from the letter's and from every other
        String letters = TermsFingerprint.of(t);
        Map<String, String> hashes = new LinkedHashMap<>();
        changed.forEach((term, terms) -> hashes.put(term, TermsFingerprint.of(terms)));
        assertThat(hashes).hasSize(13).allSatisfy((term, hash) -> assertThat(hash).as(term).isNotEqualTo(letters));
        assertThat(Set.copyOf(hashes.values())).hasSize(13);
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
