package com.lockupguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuotedTextTest {

    @Test
    void shouldShowATextOfSixtyCharactersWholeAndCutALongerOneSayingHowLongItIs() {
        // given texts of 60 and 61 characters, each of them a code point outside the basic plane (two chars)
        String sixty = "\uD83D\uDE00".repeat(60);
        String sixtyOne = sixty + "x";
        // when / then characters are code points, as the id rule counts them
        assertThat(QuotedText.of(sixty)).isEqualTo(sixty);
        assertThat(QuotedText.of(sixtyOne)).isEqualTo(sixty + "... (61 characters)");
        assertThat(QuotedText.of("")).isEmpty();
    }

    @Test
    void shouldCutAValueAsWrittenButGiveTheLengthOfTheValueItStandsFor() {
        // given a JSON string as written, quotes and an escape included, of a text of 70 characters
        String text = "\"" + "a".repeat(68) + "\\n" + "b" + "\"";
        // when
        String shown = QuotedText.cut(text, 70);
        // then
        assertThat(shown).isEqualTo("\"" + "a".repeat(59) + "... (70 characters)");
    }
}
