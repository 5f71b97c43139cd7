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
    void shouldKeepAnArrayWrittenOverSeveralChunksWholeAndInOrder() throws Exception {
        // given 40,000 positions of about 60 bytes written one at a time, 2.4 MB: three chunks of a megabyte
        JsonArrayBytes.Output output = new JsonArrayBytes.Output();
        try (var list = JSON.createGenerator(output)) {
            list.writeStartArray();
            for (int i = 0; i < 40_000; i++) {
                list.writeTree(JSON.createObjectNode().put("securityId", "S" + i).put("availableNow", 200_000L));
            }
            list.writeEndArray();
        }

        // when it is joined, alone and beside an empty array
        var joined = JSON.readTree(joined(output.array(), JsonArrayBytes.EMPTY));

        // then every position is there, in the order written
        assertThat(joined).hasSize(40_000);
        assertThat(joined.get(0).get("securityId").asText()).isEqualTo("S0");
        assertThat(joined.get(39_999).get("securityId").asText()).isEqualTo("S39999");
    }

    @Test
    void shouldKeepAnArrayWhoseLastByteOpensAChunk() throws Exception {
        // given an array of exactly one megabyte and one byte: its ] alone in the second chunk
        JsonArrayBytes.Output output = new JsonArrayBytes.Output();
        String element = "\"" + "x".repeat((1 << 20) - 3) + "\"";
        output.write(("[" + element + "]").getBytes(StandardCharsets.US_ASCII));

        // when / then its one element is read back whole, and an empty array written so is empty
        assertThat(JSON.readTree(joined(output.array())).get(0).asText()).hasSize((1 << 20) - 3);
        JsonArrayBytes.Output empty = new JsonArrayBytes.Output();
        empty.write("[]".getBytes(StandardCharsets.US_ASCII));
        assertThat(empty.array().isEmpty()).isTrue();
    }

    @Test
    void shouldTakeAsWrittenOnlyAnArrayWithNothingAroundIt() {
        assertThat(catchThrowable(() -> JsonArrayBytes.written(" []".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(JsonArrayBytes.written("[]".getBytes(StandardCharsets.US_ASCII)).isEmpty()).isTrue();
    }
}
