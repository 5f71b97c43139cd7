package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** UnicodeText finds exactly the strings that do not survive a trip through UTF-8, as a topic carries them. */
class UnicodeTextProperties {

    @Property(tries = 5000)
    void shouldFindALoneSurrogateExactlyWhenUtf8WouldChangeTheString(@ForAll("mostlySurrogates") String text) {
        // given a string of surrogates, halves of pairs and other characters, in any order
        // when it is carried as UTF-8
        String carried = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        // then it changes exactly when a lone surrogate is found, and the first change is where it was found
        int found = UnicodeText.loneSurrogateIndex(text);
        assertThat(found < 0).isEqualTo(carried.equals(text));
        if (found >= 0) {
            assertThat(carried.substring(0, found)).isEqualTo(text.substring(0, found));
        }
    }

    @Provide
    Arbitrary<String> mostlySurrogates() {
        return Arbitraries.strings().withChars('a', '/', '\u00e9', '\ud800', '\udbff', '\udc00', '\udfff')
                .ofMaxLength(8);
    }

    @Example
    void shouldTellWhereTheLoneSurrogateIsAndWhatItIs() {
        // given an id whose emoji is whole, then one whose second half is missing, then one reversed
        assertThat(UnicodeText.loneSurrogateIndex("o-\ud83d\ude00")).isEqualTo(-1);
        assertThat(UnicodeText.loneSurrogateIndex("o-\ud83d")).isEqualTo(2);
        assertThat(UnicodeText.loneSurrogateIndex("o-\ude00\ud83d")).isEqualTo(2);
        // then the message names the unit as a JSON escape writes it, and its place counted from 1
        assertThat(UnicodeText.loneSurrogateAt("o-\ud83d", 2))
                .isEqualTo("a lone surrogate (\\ud83d, character 3), which UTF-8 cannot carry");
        // and a whole pair before it counts as one character, as the id rule counts code points
        assertThat(UnicodeText.loneSurrogateAt("\ud83d\ude00\ud83d", 2))
                .isEqualTo("a lone surrogate (\\ud83d, character 2), which UTF-8 cannot carry");
    }
}
