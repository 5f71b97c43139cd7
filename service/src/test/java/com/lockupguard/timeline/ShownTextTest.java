package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShownTextTest {

    @Test
    void shouldShowATextOfSixtyCharactersWholeAndCutALongerOneSayingHowLongItIs() {
        // given texts of 60 and 61 characters, each of them a code point outside the basic plane (two chars)
        String sixty = "\uD83D\uDE00".repeat(60);
        String sixtyOne = sixty + "x";
        // when / then characters are code points, as the id rule counts them
        assertThat(ShownText.of(sixty)).isEqualTo(sixty);
        assertThat(ShownText.of(sixtyOne)).isEqualTo(sixty + "... (61 characters)");
        assertThat(ShownText.of("")).isEmpty();
    }

    @Test
    void shouldCutAValueAsWrittenButGiveTheLengthOfTheValueItStandsFor() {
        // given a JSON string as written, quotes and an escape included, of a text of 70 characters
        String text = "\"" + "a".repeat(68) + "\\n" + "b" + "\"";
        // when
        String shown = ShownText.cut(text, 70);
        // then
        assertThat(shown).isEqualTo("\"" + "a".repeat(59) + "... (70 characters)");
    }
}
