package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineProblemsTest {

    private static final String ORDER = "{\"type\":\"order\",\"at\":\"2003-08-02T10:00:00-04:00\",\"orderId\":\"o1\","
            + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":5}";
    private static final String FILL = "{\"type\":\"execution\",\"at\":\"2003-08-02T11:00:00-04:00\",\"executionId\":"
            + "\"x1\",\"orderId\":\"o1\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"FILL\","
            + "\"quantity\":5}";

    private final TimelineReader reader = new TimelineReader(new ObjectMapper());

    @Test
    void shouldFindNothingWrongWithAWellFormedOrderOrReport() {
        assertThat(orderProblems(ORDER)).isEmpty();
        assertThat(executionProblems(FILL)).isEmpty();
        assertThat(executionProblems(FILL.replace("\"FILL\",\"quantity\":5", "\"CANCEL\""))).isEmpty();
    }

    @Test
    void shouldNameEachFieldThatMakesAnOrderInvalidWithTheValueWritten() {
        // given an order with a local time, an id with '/', an unknown kind and a fraction
        String order = ORDER.replace("10:00:00-04:00", "10:00:00").replace("\"o1\"", "\"a/b\"")
                .replace("PUBLIC_SALE", "SELL").replace("\"quantity\":5", "\"quantity\":1.5");
        // when / then
        assertThat(orderProblems(order)).containsExactly(
                "at \"2003-08-02T10:00:00\" is not an ISO-8601 instant with an offset",
                "orderId \"a/b\" is not 1 to 256 characters without '/'",
                "kind \"SELL\" is not one of PUBLIC_SALE, PRIVATE_TRANSFER, PURCHASE",
                "quantity 1.5 is not a JSON integer");
    }

    @Test
    void shouldSayWhatIsMissingOrOutOfRange() {
        assertThat(orderProblems("{\"type\":\"order\",\"investorId\":5,\"quantity\":0}")).containsExactly(
                "at is missing", "orderId is missing", "investorId 5 is not a string", "securityId is missing",
                "kind is missing", "quantity 0 is not positive");
        assertThat(orderProblems(ORDER.replace("\"quantity\":5", "\"quantity\":99999999999999999999")))
                .containsExactly("quantity 99999999999999999999 is more than a 64-bit count holds");
        assertThat(orderProblems(ORDER.replace("\"quantity\":5", "\"quantity\":" + "9".repeat(1_001))))
                .singleElement().asString().endsWith("(1001 characters) is more than a 64-bit count holds");
        assertThat(orderProblems(ORDER.replace("\"quantity\":5", "\"quantity\":-9223372036854775809")))
                .as("below what a 64-bit count holds, but first of all not positive")
                .containsExactly("quantity -9223372036854775809 is not positive");
        assertThat(orderProblems(ORDER.replace("\"quantity\":5", "\"quantity\":-" + "9".repeat(1_000))))
                .singleElement().asString().endsWith("(1001 characters) is not positive");
        assertThat(orderProblems(ORDER.replace("\"quantity\":5", "\"quantity\":1." + "0".repeat(1_000))))
                .singleElement().asString().endsWith("(1002 characters) is not a JSON integer");
        assertThat(orderProblems(ORDER.replace("\"quantity\":5", "\"quantity\":" + "1".repeat(1_000) + "e2")))
                .singleElement().asString().endsWith("(1002 characters) is not a JSON integer");
        assertThat(executionProblems(FILL.replace("\"quantity\":5", "\"quantity\":1000000000000001")))
                .containsExactly("quantity 1000000000000001 is not from 1 to 1000000000000000");
        assertThat(executionProblems(FILL.replace("\"FILL\"", "\"REFILL\"")))
                .containsExactly("kind \"REFILL\" is not one of FILL, CANCEL");
    }

    @Test
    void shouldCutAHugeValueInItsMessage() {
        // given an order id of 100,000 characters
        String order = ORDER.replace("\"o1\"", "\"" + "x".repeat(100_000) + "\"");
        // when
        List<String> problems = orderProblems(order);
        // then the message shows its start and its length, not all of it
        assertThat(problems).singleElement().asString().startsWith("orderId \"xxx").contains("(100000 characters)")
                .hasSizeLessThan(200);
    }

    @Test
    void shouldGiveACutIdsLengthAsTheIdRuleCountsIt() {
        // given ids one character over the rule's 256: one of letters, one of characters outside the BMP (each two
        // chars in Java, one code point), one with a quote (two characters of JSON)
        String letters = "x".repeat(257);
        String faces = "\uD83D\uDE00".repeat(257);
        String quoted = "\\\"" + "x".repeat(256);
        // when
        List<String> problems = new ArrayList<>();
        for (String id : List.of(letters, faces, quoted)) {
            problems.addAll(orderProblems(ORDER.replace("\"o1\"", "\"" + id + "\"")));
        }
        // then each says 257, not the length of its JSON text, and none is cut inside a character
        assertThat(problems).hasSize(3).allSatisfy(problem -> assertThat(problem)
                .contains("... (257 characters) is not 1 to 256 characters without '/'"));
        assertThat(problems.get(1)).contains("\"" + "\uD83D\uDE00".repeat(59) + "...");
    }

    @Test
    void shouldNameWhatIsWrongWithAnExecutionReportsTimeAndIds() {
        // given a fill without `at`, without an executionId and with a numeric investorId
        String fill = FILL.replace("\"at\":\"2003-08-02T11:00:00-04:00\",", "").replace("\"executionId\":\"x1\",", "")
                .replace("\"investorId\":\"dutchess\"", "\"investorId\":7");
        // when / then
        assertThat(executionProblems(fill)).containsExactly("at is missing", "executionId is missing",
                "investorId 7 is not a string");
    }

    @Test
    void shouldTakeAFieldGivenAsNullAsMissing() {
        // given an order whose id, kind and quantity are null
        String order = ORDER.replace("\"o1\"", "null").replace("\"PUBLIC_SALE\"", "null")
                .replace("\"quantity\":5", "\"quantity\":null");
        // when / then
        assertThat(orderProblems(order)).containsExactly("orderId is missing", "kind is missing",
                "quantity is missing");
    }

    @Test
    void shouldTakeAFillOfTheLargestQuantityAReportMayCarry() {
        // given a fill of 10^15 shares, and one without a time: only its time is then wrong with it
        String fill = FILL.replace("\"quantity\":5", "\"quantity\":1000000000000000");
        String untimed = fill.replace("\"at\":\"2003-08-02T11:00:00-04:00\",", "");
        // when / then (RULES.md section 9: at most 10^15)
        assertThat(executionProblems(fill)).isEmpty();
        assertThat(executionProblems(untimed)).containsExactly("at is missing");
    }

    @Test
    void shouldShowAValueOfSixtyCharactersWhole() {
        // given an id with '/' written in exactly 60 characters, quotes included
        String id = "a/" + "x".repeat(56);
        // when / then it is shown whole, not cut
        assertThat(orderProblems(ORDER.replace("\"o1\"", "\"" + id + "\"")))
                .containsExactly("orderId \"" + id + "\" is not 1 to 256 characters without '/'");
    }

    private List<String> orderProblems(String line) {
        return ((TimelineEntry.OrderLine) reader.parse(List.of(line)).get(0)).problems();
    }

    private List<String> executionProblems(String line) {
        return ((TimelineEntry.ExecutionLine) reader.parse(List.of(line)).get(0)).problems();
    }
}
