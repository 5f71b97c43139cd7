package com.lockupguard.rules;

import static com.lockupguard.rules.RulesFixtures.DUTCHESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HoldingKeyTest {

    private static final String EMOJI = "\uD83D\uDE00";

    @Test
    void shouldRefuseIdThatStartsWithTheSeparator() {
        // when / then
        assertThat(HoldingKey.isValidId("/a")).isFalse();
        assertThat(HoldingKey.isValidId("a/")).isFalse();
        assertThat(HoldingKey.isValidId("a")).isTrue();
    }

    @Test
    void shouldCountIdLengthInCodePoints() {
        // given ids of 256 and 257 code points, each code point two chars long
        String longest = EMOJI.repeat(256);
        String tooLong = EMOJI.repeat(257);
        // when / then
        assertThat(HoldingKey.isValidId(longest)).isTrue();
        assertThat(HoldingKey.isValidId(tooLong)).isFalse();
        assertThat(HoldingKey.isValidId("x".repeat(256))).isTrue();
    }

    @Test
    void shouldRefuseToBuildHoldingOfInvalidIds() {
        // when / then
        assertThatThrownBy(() -> new HoldingKey("a/b", "CBYI")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HoldingKey("dutchess", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWriteKafkaKeyAsInvestorSlashSecurity() {
        // when / then
        assertThat(DUTCHESS.asString()).isEqualTo("dutchess/CBYI");
        assertThat(DUTCHESS).hasToString("dutchess/CBYI");
        assertThat(HoldingKey.keyOf(null, "CBYI")).isEqualTo("/CBYI");
    }

    @Test
    void shouldRecogniseOnlyItsOwnKey() {
        // given
        HoldingKey holding = new HoldingKey("ab", "cd");
        // when / then
        assertThat(holding.isKey("ab/cd")).isTrue();
        assertThat(holding.isKey(null)).isFalse();
        assertThat(holding.isKey("ab/cde")).isFalse();
        assertThat(holding.isKey("ab/c")).isFalse();
        assertThat(holding.isKey("xb/cd")).isFalse();
        assertThat(holding.isKey("abx/d")).isFalse();
        assertThat(holding.isKey("a/bcd")).isFalse();
        assertThat(holding.isKey("ab/cx")).isFalse();
        assertThat(holding.isKey("ab/xcd")).isFalse();
        assertThat(holding.isKey("abxcd")).isFalse();
    }

    @Test
    void shouldNameTheHoldingOfAnOrderOrReportOnlyWhenBothIdsAreValid() {
        // when / then
        assertThat(RulesFixtures.sale("o1", 10).holdingOrNull()).isEqualTo(DUTCHESS);
        assertThat(new OrderRequest("o1", "dutchess", "a/b", OrderKind.PUBLIC_SALE, 10L).holdingOrNull()).isNull();
        assertThat(new OrderRequest("o1", null, "CBYI", OrderKind.PUBLIC_SALE, 10L).holdingOrNull()).isNull();
        assertThat(new ExecutionRequest("x1", "o1", "dutchess", "CBYI", ExecutionKind.FILL, 10L).holdingOrNull())
                .isEqualTo(DUTCHESS);
        assertThat(new ExecutionRequest("x1", "o1", "", "CBYI", ExecutionKind.FILL, 10L).holdingOrNull()).isNull();
        assertThat(new ExecutionRequest("x1", "o1", "dutchess", null, ExecutionKind.FILL, 10L).holdingOrNull())
                .isNull();
    }
}
