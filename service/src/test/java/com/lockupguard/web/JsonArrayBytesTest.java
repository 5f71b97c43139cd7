package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonArrayBytesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonArrayBytes read(String text) throws IOException {
        return JsonArrayBytes.read(JSON.getFactory(), text.getBytes(StandardCharsets.UTF_8));
    }

    private static String joined(JsonArrayBytes... arrays) throws IOException {
        return new String(JsonArrayBytes.joined(List.of(arrays)).readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldJoinTheElementsOfEveryArrayInTheirOrderAsOneArray() throws Exception {
        // given this instance's list, an empty one, and another instance's with whitespace around and inside it
        JsonArrayBytes here = JsonArrayBytes.written("[{\"securityId\":\"A\"},{\"securityId\":\"B\"}]"
                .getBytes(StandardCharsets.UTF_8));
        JsonArrayBytes none = read(" [ \n ] ");
        JsonArrayBytes there = read("\n[ {\"securityId\" : \"C\u00e9\"} ]\r\n");

        // when they are joined
        String list = joined(here, none, there);

        // then one array of their elements, in order, as JSON reads it
        assertThat(JSON.readTree(list)).isEqualTo(JSON.readTree(
                "[{\"securityId\":\"A\"},{\"securityId\":\"B\"},{\"securityId\":\"C\u00e9\"}]"));
        assertThat(none.isEmpty()).isTrue();
        assertThat(there.isEmpty()).isFalse();
    }

    @Test
    void shouldJoinOnlyEmptyArraysAsAnEmptyArray() throws Exception {
        assertThat(joined()).isEqualTo("[]");
        assertThat(joined(JsonArrayBytes.EMPTY, read("[]"), read("\t[\t]"))).isEqualTo("[]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "\"[]\"", "[1,", "[1,]", "[1] [2]", "[1]]", "<html>[]</html>", "[{\"a\":}]"})
    void shouldRefuseWhatIsNotOneWholeJsonArray(String answered) {
        // when another instance's answer is read as a list
        Throwable refused = catchThrowable(() -> read(answered));

        // then it is refused, not passed on into the list
        assertThat(refused).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void shouldTakeAsWrittenOnlyAnArrayWithNothingAroundIt() {
        assertThat(catchThrowable(() -> JsonArrayBytes.written(" []".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(JsonArrayBytes.written("[]".getBytes(StandardCharsets.US_ASCII)).isEmpty()).isTrue();
    }
}
