package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JacksonMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"q\":1} {\"q\":2} | Trailing token (of type START_OBJECT) found after value: only one JSON value is allowed",
        "{\"q\":NaN}         | Non-standard token 'NaN'",
        "{\"q\":+1}          | Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow "
                + "numbers to have plus signs",
        "{\"q\":1            | Unexpected end-of-input: expected close marker for Object (start marker at column 1)",
        "{\"q\":1 /* c */}   | Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (JSON has none)",
        "{\u001e\"q\":1}      | Illegal character ((CTRL-CHAR, code 30)): only regular white space (\\r, \\n, \\t) is "
                + "allowed between tokens"})
    void shouldSayWhyJsonCannotBeReadInWordsForItsSenderNotJacksonsSettings(String body, String reason) {
        // given JSON the API and the replay refuse, read as they read it
        JsonProcessingException refused = catchThrowableOfType(JsonProcessingException.class, () -> JSON.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(body));

        // when / then the reason names no Java class, setting or feature
        assertThat(JacksonMessages.reason(refused)).isEqualTo(reason).doesNotContain("`");
    }

    @Test
    void shouldSayTheLineOfALocationOnlyBeyondTheTextsFirst() {
        // given a body of several lines whose object, opened on its second line, is never closed
        JsonProcessingException refused = catchThrowableOfType(JsonProcessingException.class,
                () -> JSON.readTree("\n  {\"q\":1"));
        // when / then its location is said in words
        assertThat(JacksonMessages.reason(refused)).isEqualTo("Unexpected end-of-input: expected close marker for "
                + "Object (start marker at line 2, column 3)");
    }

    @Test
    void shouldWriteACharacterThatShowsAsNothingOrABlankAsItsEscape() {
        // given JSON holding a byte order mark, a no-break space and a zero-width space where a value starts
        String[] bodies = {"{\"q\":\ufeff1}", "{\"q\":\u00a01}", "{\"q\":\u200b1}"};
        for (String body : bodies) {
            JsonProcessingException refused = catchThrowableOfType(JsonProcessingException.class,
                    () -> JSON.readTree(body));

            // when / then the character is named so that it can be seen (seen: written as itself, invisible)
            String shown = body.substring(5, 6);
            assertThat(JacksonMessages.reason(refused)).as(body)
                    .contains(String.format(java.util.Locale.ROOT, "('\\u%04X' (code %d", (int) shown.charAt(0),
                            (int) shown.charAt(0)))
                    .doesNotContain(shown);
        }
    }

    @Test
    void shouldQuoteAnEmojiNewerThanThisJvmsUnicodeAsItself() {
        // given a field given twice whose name ends in U+1FAE0, which Java 17's Unicode does not know
        JsonProcessingException refused = catchThrowableOfType(JsonProcessingException.class, () -> JSON.reader()
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree("{\"a\ud83e\udee0\":1,"
                        + "\"a\ud83e\udee0\":2}"));

        // when / then it is quoted as written (seen: as two escapes, as if it were invisible)
        assertThat(JacksonMessages.reason(refused)).contains("'a\ud83e\udee0'");
    }

    @Test
    void shouldNameTheKindOfAFailureThatCarriesNoMessage() {
        // given a failure to read JSON that says nothing
        JsonProcessingException silent = new JsonParseException(null, (String) null);
        // when / then its kind is named rather than null
        assertThat(JacksonMessages.reason(silent)).isEqualTo("JsonParseException");
    }
}
