package com.lockupguard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QuotedAnswerTest {

    static Stream<Arguments> echoes() {
        return Stream.of(
                Arguments.of("a header", "Authorization: Basic c3J1c2VyOlVSTFNFQ1JFVDc=",
                        "Authorization: [hidden] [hidden]"),
                Arguments.of("Base64 without a digit", "Authorization: Basic dXNlcjpwYXNz",
                        "Authorization: [hidden] [hidden]"),
                Arguments.of("a JSON echo", "{\"headers\":{\"Authorization\":\"Basic dXNlcjpwYXNz\",\"Host\":\"r\"}}",
                        "{\"headers\":{\"Authorization\":\"[hidden] [hidden]\",\"Host\":\"r\"}}"),
                Arguments.of("a table cell", "<tr><td>Authorization</td><td>Basic dXNlcjpwYXNz</td></tr>",
                        "<tr><td>Authorization</td><td>Basic [hidden]</td></tr>"),
                Arguments.of("a Python dict", "headers: {'authorization': 'Bearer abcdefghijklmnopqrstuvwxyzAB'}",
                        "headers: {'authorization': '[hidden] [hidden]'}"),
                Arguments.of("a scheme in capitals", "seen BEARER eyJhbGciOiJSUzI1NiJ9.e30.c2ln refused",
                        "seen BEARER [hidden] refused"),
                Arguments.of("a query's key", "GET /subjects?api-key=abc123&limit=10 failed: upstream timeout",
                        "GET /subjects?api-key=[hidden]&limit=10 failed: upstream timeout"),
                Arguments.of("a cookie", "Cookie: session=9f8e7d6c; theme=dark", "Cookie: [hidden]; theme=dark"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("echoes")
    void shouldHideTheCredentialsAPageEchoes(String what, String page, String quoted) {
        assertThat(QuotedAnswer.page(page)).isEqualTo(quoted);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void shouldKeepTheWordsOfAMessageThatNameACredentialWithoutOne(String what, String message) {
        assertThat(QuotedAnswer.message(message)).isEqualTo(message);
    }

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("a scheme named in words", "Basic authentication required"),
                Arguments.of("a digest's parameters", "Digest algorithm=MD5 challenge failed"),
                Arguments.of("a schema's property", "#/properties/cookie: expected type: String, found: Integer"),
                Arguments.of("an incompatibility", "READER_FIELD_MISSING_DEFAULT_VALUE authorization at /fields/3"));
    }
}
