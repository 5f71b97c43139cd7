package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JacksonPlaceTest {

    @Test
    void shouldEndALineAtALfACrOrBothTogetherAsJacksonDoes() {
        // given a text of four lines, ended by a LF, a CR and a LF together, and a CR alone
        String text = "ab\ncd\r\nef\rgh";

        // when / then each line's second column is found where Jackson counts it
        assertThat(JacksonPlace.index(text, 1, 2)).isEqualTo(1);
        assertThat(JacksonPlace.index(text, 2, 2)).isEqualTo(4);
        assertThat(JacksonPlace.index(text, 3, 2)).isEqualTo(8);
        assertThat(JacksonPlace.index(text, 4, 2)).isEqualTo(11);
    }

    @Test
    void shouldCountAColumnInCharsAnEmojiTwo() {
        // given a line holding an emoji, two chars, before an x
        String text = "\ud83d\ude00x";

        // when / then Jackson's column 3 is the x
        assertThat(text.charAt(JacksonPlace.index(text, 1, 3))).isEqualTo('x');
    }

    @Test
    void shouldFindNoPlaceBeyondTheText() {
        // given a text of two lines
        String text = "ab\ncd";

        // when / then its end is a place, and what lies after it, a third line or a column 0, is none
        assertThat(JacksonPlace.index(text, 2, 3)).isEqualTo(5);
        assertThat(JacksonPlace.index(text, 2, 4)).isEqualTo(-1);
        assertThat(JacksonPlace.index(text, 3, 1)).isEqualTo(-1);
        assertThat(JacksonPlace.index(text, 1, 0)).isEqualTo(-1);
    }
}
