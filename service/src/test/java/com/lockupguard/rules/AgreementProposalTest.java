package com.lockupguard.rules;

import static com.lockupguard.rules.RulesFixtures.EXECUTION;
import static com.lockupguard.rules.RulesFixtures.at;
import static com.lockupguard.rules.RulesFixtures.proposal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgreementProposalTest {

    @Test
    void shouldTakeLettersTermsForEveryFieldLeftOut() {
        // given only the three required fields
        AgreementTerms terms = proposal().terms();
        // then every other field is the letter's value
        assertThat(terms).isEqualTo(new AgreementTerms(RulesFixtures.DUTCHESS, EXECUTION, "America/New_York",
                675_675, 90, 200_000, 30, 158_559, 30, TrancheMode.NON_CUMULATIVE, 12, null));
    }

    @Test
    void shouldKeepEveryFieldGiven() {
        AgreementTerms terms = proposal().timeZone("Europe/Zurich").totalShares(1000L).lockupDays(0L)
                .firstReleaseShares(0L).firstReleaseDays(1L).trancheShares(2000L).trancheDays(7L)
                .trancheMode("CUMULATIVE").rule144HoldingMonths(0L).effectiveAt(at("2003-05-01T00:00:00Z")).terms();
        assertThat(terms.timeZone()).isEqualTo("Europe/Zurich");
        assertThat(terms.totalShares()).isEqualTo(1000);
        assertThat(terms.lockupDays()).isZero();
        assertThat(terms.firstReleaseShares()).isZero();
        assertThat(terms.trancheShares()).isEqualTo(2000);
        assertThat(terms.trancheMode()).isEqualTo(TrancheMode.CUMULATIVE);
        assertThat(terms.effectiveAt()).isEqualTo(at("2003-05-01T00:00:00Z"));
    }

    @Test
    void shouldTruncateEffectiveInstantToMilliseconds() {
        AgreementTerms terms = proposal().effectiveAt(at("2003-05-01T00:00:00.123456789Z")).terms();
        assertThat(terms.effectiveAt()).isEqualTo(at("2003-05-01T00:00:00.123Z"));
    }

    static Stream<Arguments> invalidProposals() {
        return Stream.of(
                invalid("missing investorId", b -> new AgreementProposal.Builder(null, "CBYI", EXECUTION), "required"),
                invalid("missing securityId", b -> new AgreementProposal.Builder("dutchess", null, EXECUTION), "required"),
                invalid("missing executionDate", b -> new AgreementProposal.Builder("dutchess", "CBYI", null), "required"),
                invalid("empty investorId", b -> new AgreementProposal.Builder("", "CBYI", EXECUTION), "investorId"),
                invalid("investorId with slash", b -> new AgreementProposal.Builder("a/b", "CBYI", EXECUTION), "investorId"),
                invalid("securityId of 257 code points",
                        b -> new AgreementProposal.Builder("dutchess", "x".repeat(257), EXECUTION), "securityId"),
                invalid("unknown zone", b -> b.timeZone("Mars/Olympus"), "timeZone"),
                invalid("unknown zone of 100,000 characters, quoted cut", b -> b.timeZone("Z".repeat(100_000)),
                        "timeZone '" + "Z".repeat(60) + "... (100000 characters)' is not a zone id"),
                invalid("unknown tranche mode of 100,000 characters, quoted cut",
                        b -> b.trancheMode("R".repeat(100_000)), "trancheMode '" + "R".repeat(60) + "... (100000 "
                                + "characters)' is unknown"),
                invalid("unknown tranche mode", b -> b.trancheMode("ROLLING"), "trancheMode"),
                invalid("zero totalShares", b -> b.totalShares(0L), "totalShares must be positive"),
                invalid("zero trancheShares", b -> b.trancheShares(0L), "trancheShares must be positive"),
                invalid("zero trancheDays", b -> b.trancheDays(0L), "trancheDays must be positive"),
                invalid("zero firstReleaseDays", b -> b.firstReleaseDays(0L), "firstReleaseDays must be positive"),
                invalid("negative lockupDays", b -> b.lockupDays(-1L), "lockupDays must not be negative"),
                invalid("negative firstReleaseShares", b -> b.firstReleaseShares(-1L), "firstReleaseShares must not"),
                invalid("negative rule144HoldingMonths", b -> b.rule144HoldingMonths(-1L), "rule144HoldingMonths"),
                invalid("first release above total", b -> b.totalShares(100L).firstReleaseShares(101L), "exceeds totalShares"),
                invalid("totalShares above 10^15", b -> b.totalShares(1_000_000_000_000_001L), "10^15"),
                invalid("trancheShares above 10^15", b -> b.trancheShares(1_000_000_000_000_001L), "10^15"),
                invalid("lockupDays above 36,500", b -> b.lockupDays(36_501L), "36,500"),
                invalid("trancheDays above 36,500", b -> b.trancheDays(36_501L), "36,500"),
                invalid("firstReleaseDays above 36,500", b -> b.firstReleaseDays(36_501L), "36,500"),
                invalid("rule144HoldingMonths above 1,200", b -> b.rule144HoldingMonths(1_201L), "1,200"),
                invalid("execution before 1970",
                        b -> new AgreementProposal.Builder("d", "s", LocalDate.parse("1969-12-31")), "1970"),
                invalid("SRD past 9999",
                        b -> new AgreementProposal.Builder("d", "s", LocalDate.parse("9999-10-01")), "past 9999-12-31"),
                invalid("SRD alone past 9999",
                        b -> new AgreementProposal.Builder("d", "s", LocalDate.parse("9999-10-01"))
                                .lockupDays(0L).firstReleaseDays(100L).rule144HoldingMonths(0L), "SRD +10000-01-09"),
                invalid("Rule 144 date past 9999",
                        b -> new AgreementProposal.Builder("d", "s", LocalDate.parse("9999-01-01"))
                                .lockupDays(0L).firstReleaseDays(1L).rule144HoldingMonths(12L), "past 9999-12-31"),
                invalid("effectiveAt before 1970", b -> b.effectiveAt(at("1969-12-31T23:59:59Z")), "effectiveAt"));
    }

    private static Arguments invalid(String name, UnaryOperator<AgreementProposal.Builder> edit, String message) {
        return Arguments.of(name, edit, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidProposals")
    void shouldRejectInvalidAgreementWithReason(String name, UnaryOperator<AgreementProposal.Builder> edit,
            String message) {
        // when
        AgreementProposal.Check check = edit.apply(proposal()).check();
        // then
        assertThat(check).isInstanceOf(AgreementProposal.Invalid.class);
        assertThat(((AgreementProposal.Invalid) check).reason()).contains(message);
    }

    @Test
    void shouldWriteTheNumbersOfAReasonInAsciiDigitsWhateverTheMachinesLocale() {
        // given a machine whose default locale writes numbers in Arabic-Indic digits
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("ar-EG"));
        try {
            // when
            AgreementProposal.Check check = proposal().totalShares(-5L).check();

            // then the reason reads as on any other machine: it goes to the audit and the dead letter's headers
            assertThat(((AgreementProposal.Invalid) check).reason()).contains("totalShares must be positive, was -5");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void shouldAcceptBoundaryValues() {
        assertThat(proposal().totalShares(1_000_000_000_000_000L).trancheShares(1_000_000_000_000_000L)
                .firstReleaseShares(1_000_000_000_000_000L).lockupDays(36_500L).firstReleaseDays(36_500L)
                .trancheDays(36_500L).rule144HoldingMonths(1_200L).check())
                .isInstanceOf(AgreementProposal.Valid.class);
        assertThat(proposal().firstReleaseShares(675_675L).check()).isInstanceOf(AgreementProposal.Valid.class);
        assertThat(new AgreementProposal.Builder("x".repeat(256), "\uD83D\uDE00".repeat(256), EXECUTION).check())
                .as("256 code points, 512 chars").isInstanceOf(AgreementProposal.Valid.class);
    }

    @Test
    void shouldAcceptTrancheLargerThanTotalAsRulesDoNotForbidIt() {
        assertThat(proposal().totalShares(1000L).firstReleaseShares(10L).trancheShares(5000L).check())
                .isInstanceOf(AgreementProposal.Valid.class);
    }

    @Test
    void shouldAcceptOffsetZoneIdsJavaTimeAccepts() {
        assertThat(proposal().timeZone("UTC").check()).isInstanceOf(AgreementProposal.Valid.class);
        assertThat(proposal().timeZone("-05:00").check()).isInstanceOf(AgreementProposal.Valid.class);
    }

    @Test
    void shouldFailToGiveTheTermsOfAnInvalidProposalSayingWhy() {
        // when / then
        assertThatThrownBy(() -> proposal().totalShares(0L).terms()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("totalShares must be positive");
    }

    @Test
    void shouldRefuseToConstructInvalidTermsDirectly() {
        assertThatThrownBy(() -> new AgreementTerms(RulesFixtures.DUTCHESS, EXECUTION, "America/New_York", 0, 90,
                0, 30, 1, 30, TrancheMode.NON_CUMULATIVE, 12, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("totalShares must be positive");
    }
}
