package com.lockupguard.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.testing.CapturedLogs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGREEMENT = "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\","
            + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\","
            + "\"effectiveAt\":\"2003-07-10T16:30:00-04:00\"}";

    /** What a replay printed. */
    record Output(List<JsonNode> decisions, String errors, Replay.Result result) {
        JsonNode only() {
            assertThat(decisions).hasSize(1);
            return decisions.get(0);
        }
    }

    static Output replay(TrancheMode mode, String... lines) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Replay.Result result = new Replay(mode).run(new BufferedReader(new StringReader(String.join("\n", lines))),
                new PrintWriter(out), new PrintWriter(err));
        List<JsonNode> decisions = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (!line.isBlank()) {
                decisions.add(JSON.readTree(line));
            }
        }
        return new Output(decisions, err.toString(), result);
    }

    static Output replay(String... lines) throws IOException {
        return replay(null, lines);
    }

    static String order(String id, String kind, long quantity, String at) {
        return "{\"type\":\"order\",\"at\":\"" + at + "\",\"orderId\":\"" + id + "\",\"investorId\":\"dutchess\","
                + "\"securityId\":\"CBYI\",\"kind\":\"" + kind + "\",\"quantity\":" + quantity + "}";
    }

    @Test
    void shouldWarnOnStderrOfAnUnknownFieldAndDecideAsWithoutIt() throws IOException {
        // given the same timeline twice, once with a misspelt agreement field and an order field of its own
        String misspelt = AGREEMENT.replace("}", ",\"totalshares\":1000}");
        String order = order("e2", "PUBLIC_SALE", 120_000, "2003-07-11T09:45:00-04:00");
        // when
        Output plain = replay(AGREEMENT, order);
        Output warned = replay(misspelt, order.replace("}", ",\"desk\":4}"));
        // then the decisions are the same (the letter's 675,675 applies), and stderr names each line's field
        assertThat(warned.decisions()).isEqualTo(plain.decisions());
        assertThat(warned.errors().lines()).containsExactly(
                "line 1: warning: unknown field(s) ignored: \"totalshares\" (did you mean \"totalShares\"?) (a field "
                        + "left out takes the letter's value)",
                "line 2: warning: unknown field(s) ignored: \"desk\"");
        assertThat(warned.result()).isEqualTo(plain.result());
    }

    @Test
    void shouldReplayLettersWorkedExampleExactlyAsExpected() throws IOException {
        // given the worked example of RULES.md section 8
        List<String> timeline = Files.readAllLines(Path.of("examples/letter-2003.jsonl"));
        List<String> expected = Files.readAllLines(Path.of("examples/letter-2003.expected.jsonl"));
        // when
        Output output = replay(timeline.toArray(String[]::new));
        // then every decision, its reasons in order and maxAllowedNow agree, line by line
        assertThat(output.decisions()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = JSON.readTree(expected.get(i));
            JsonNode got = output.decisions().get(i);
            for (String field : List.of("orderId", "investorId", "securityId", "decision", "reasons",
                    "maxAllowedNow")) {
                assertThat(got.get(field)).as("line %d %s", i + 1, field).isEqualTo(want.get(field));
            }
        }
        assertThat(output.errors()).isEmpty();
        assertThat(output.result()).isEqualTo(new Replay.Result(11, 0, 2, 0, 0, 0, null, 13));
    }

    @Test
    void shouldReplayTheWorkedExamplesWithoutAWarningFromTheTestDriver() throws IOException {
        // given the test driver's warnings, recorded
        CapturedLogs recorded = CapturedLogs.of(TopologyTestDriver.class);
        try (recorded) {
            // when both worked examples are replayed: reports, refused ones, no dead letter until late in the day
            for (String example : List.of("examples/letter-2003.jsonl", "examples/lifecycle-2003.jsonl")) {
                replay(Files.readAllLines(Path.of(example)).toArray(String[]::new));
            }
        }
        // then the replay asked the driver for no topic it had not produced ("Unrecognized topic"), nor anything else
        assertThat(recorded.messagesAtLeast(Level.WARN)).isEmpty();
    }

    @Test
    void shouldReplayLifecycleWorkedExampleExactlyAsExpected() throws IOException {
        // given the order lifecycle's worked example (RULES.md section 9): fills, partial fills, cancels, an overfill,
        // late fills, a fill of an order the guard never saw, a retried and a conflicting report, invalid ones
        List<String> timeline = Files.readAllLines(Path.of("examples/lifecycle-2003.jsonl"));
        List<String> expected = Files.readAllLines(Path.of("examples/lifecycle-2003.expected.jsonl"));
        // when
        Output output = replay(timeline.toArray(String[]::new));
        // then every decision and every report's result agree, line by line; a report's line has exactly the
        // eight keys of section 9
        assertThat(output.decisions()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = JSON.readTree(expected.get(i));
            JsonNode got = output.decisions().get(i);
            if (want.has("executionId")) {
                assertThat(got).as("line %d", i + 1).isEqualTo(want);
            } else {
                for (String field : List.of("orderId", "investorId", "securityId", "decision", "reasons",
                        "maxAllowedNow")) {
                    assertThat(got.get(field)).as("line %d %s", i + 1, field).isEqualTo(want.get(field));
                }
            }
        }
        assertThat(output.errors()).isEmpty();
        assertThat(output.result()).isEqualTo(new Replay.Result(13, 23, 3, 0, 0, 0, null, 39));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":7,\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"a/b\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"SHORT_SALE\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"public_sale\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\"}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1.0}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1e3}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":\"10\"}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":true}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":-1}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":9223372036854775808}",
        "{\"type\":\"order\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"yesterday\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}",
        "{\"type\":\"order\",\"at\":\"1969-12-31T23:59:59Z\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}",
    })
    void shouldAnswerMalformedOrderLineWithInvalidOrder(String line) throws IOException {
        Output output = replay(AGREEMENT, line);
        JsonNode decision = output.only();
        assertThat(decision.get("decision").asText()).isEqualTo("BLOCKED");
        assertThat(decision.get("reasons")).containsExactly(JSON.getNodeFactory().textNode("INVALID_ORDER"));
        assertThat(decision.get("maxAllowedNow").asLong()).isZero();
        assertThat(output.errors()).isEmpty();
        assertThat(output.result().succeeded()).isTrue();
    }

    @Test
    void shouldEchoOrderFieldsAsWritten() throws IOException {
        Output output = replay(AGREEMENT, "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":7,"
                + "\"securityId\":\"CBYI\",\"kind\":\"SHORT\",\"quantity\":1.5}");
        JsonNode decision = output.only();
        assertThat(decision.get("orderId").asInt()).isEqualTo(7);
        assertThat(decision.get("investorId").isNull()).isTrue();
        assertThat(decision.get("kind").asText()).isEqualTo("SHORT");
        assertThat(decision.get("quantity").asDouble()).isEqualTo(1.5);
    }

    @Test
    void shouldAcceptLargestQuantityAndTruncateSubMillisecondTimes() throws IOException {
        Output output = replay(AGREEMENT, "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00.123456-04:00\","
                + "\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\","
                + "\"quantity\":9223372036854775807}");
        JsonNode decision = output.only();
        assertThat(decision.get("reasons").toString()).isEqualTo("[\"FIRST_RELEASE_CAP\",\"TOTAL_CAP\"]");
        assertThat(decision.get("evaluatedAt").asText()).isEqualTo("2003-07-11T13:45:00.123Z");
    }

    @Test
    void shouldQuoteTheIdOfAnOrderDeadLetteredForItsSizeCutNotWhole() throws IOException {
        // given an order whose id of two million characters makes its answer larger than the guard may send
        String id = "i".repeat(2_000_000);

        // when
        Output output = replay(AGREEMENT, order(id, "PUBLIC_SALE", 1, "2003-07-11T10:00:00-04:00"));

        // then the message names the line and the first of the id, on one line of a readable length
        assertThat(output.decisions()).isEmpty();
        assertThat(output.errors()).startsWith("line 2: order " + "i".repeat(60) + "... (2000000 characters) was "
                + "dead-lettered, with no answer: its decision would be ").hasSizeLessThan(400);
    }

    @Test
    void shouldSayWhichLineWasDeadLetteredInsteadOfAnsweredAndReplayTheRest() throws IOException {
        // given fills no approval covers, of the largest quantity a report may carry, until the shares used no longer
        // fit in a long (9,224 of them), and an order after them
        List<String> lines = new ArrayList<>(List.of(AGREEMENT));
        for (int i = 0; i < 9_224; i++) {
            lines.add("{\"type\":\"execution\",\"at\":\"2003-07-11T10:00:00-04:00\",\"executionId\":\"x" + i
                    + "\",\"orderId\":\"zz\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"FILL\","
                    + "\"quantity\":1000000000000000}");
        }
        lines.add(order("o1", "PUBLIC_SALE", 1, "2003-07-11T10:01:00-04:00"));

        // when
        Output output = replay(lines.toArray(String[]::new));

        // then the last fill is named by its line, and the replay goes on to answer the order, failing in the end
        assertThat(output.errors()).isEqualTo("line 9225: execution report x9223 was dead-lettered, with no answer: "
                + "long overflow" + System.lineSeparator());
        assertThat(output.decisions()).hasSize(9_223 + 1);
        assertThat(output.decisions().get(9_223).get("orderId").asText()).isEqualTo("o1");
        assertThat(output.result()).isEqualTo(new Replay.Result(1, 9_224, 1, 0, 0, 1, null, 9_226));
        assertThat(output.result().succeeded()).isFalse();
    }

    @Test
    void shouldReportInvalidAgreementWithLineNumberAndKeepPreviousVersion() throws IOException {
        Output output = replay(AGREEMENT,
                "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
                        + "\"executionDate\":\"2003-04-28\",\"trancheDays\":0}",
                order("o1", "PUBLIC_SALE", 100, "2003-07-11T09:45:00-04:00"));
        assertThat(output.errors()).startsWith("line 2: agreement not applied:").contains("trancheDays");
        assertThat(output.only().get("decision").asText()).isEqualTo("APPROVED");
        assertThat(output.result()).isEqualTo(new Replay.Result(1, 0, 1, 1, 0, 0, null, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"agreement\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\"}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-02-30\"}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\",\"totalShares\":1.5}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\",\"totalShares\":\"675675\"}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\",\"trancheMode\":\"ROLLING\"}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\",\"effectiveAt\":\"2003-07-10\"}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\",\"timeZone\":\"Nowhere/Land\"}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\",\"lockupDays\":99999999999999999999}",
        "{\"type\":\"agreement\",\"investorId\":\"du/tchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"1969-04-28\"}",
        "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\",\"effectiveAt\":\"+300000000-01-01T00:00:00Z\"}",
        // an `at` written and unreadable (no offset, not a string, outside the years) is not one left out
        "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}",
        "{\"type\":\"agreement\",\"at\":5,\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}",
        "{\"type\":\"agreement\",\"at\":\"1960-04-28T09:00:00Z\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}",
    })
    void shouldReportAgreementLineThatIsNotAppliedAndGoOn(String line) throws IOException {
        Output output = replay(line, order("o1", "PUBLIC_SALE", 100, "2003-07-11T09:45:00-04:00"));
        assertThat(output.errors()).startsWith("line 1: agreement not applied:");
        assertThat(output.only().get("reasons").get(0).asText()).isEqualTo("UNKNOWN_AGREEMENT");
        assertThat(output.result().succeeded()).isTrue();
    }

    @Test
    void shouldReportCalendarMoveAfterSales() throws IOException {
        Output output = replay(AGREEMENT, order("o1", "PUBLIC_SALE", 100, "2003-07-11T09:45:00-04:00"),
                "{\"type\":\"agreement\",\"at\":\"2003-07-11T10:00:00-04:00\",\"investorId\":\"dutchess\","
                        + "\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}",
                order("o2", "PUBLIC_SALE", 100, "2003-07-12T09:45:00-04:00"));
        assertThat(output.errors()).startsWith("line 3: agreement not applied:").contains("calendar cannot move");
        assertThat(output.decisions().get(1).get("decision").asText()).isEqualTo("APPROVED");
    }

    @Test
    void shouldWarnOfAnAgreementAGuardMayApplyBeforeAnOrderAboveItButApplyItInLineOrder() throws IOException {
        // given an order, then its holding's agreement stamped before it: a running guard that has both waiting
        // takes the agreement first, by timestamp, and approves what the replay blocks
        Output output = replay(order("o1", "PUBLIC_SALE", 100, "2003-07-11T09:45:00-04:00"),
                "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\",\"investorId\":\"dutchess\","
                        + "\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}");

        // then the replay says so on stderr, and still takes the lines as they come: the order has no agreement yet
        assertThat(output.errors()).startsWith("line 2: warning: agreement of dutchess/CBYI stamped "
                + "2003-04-28T13:00:00Z, before line 1's order of that holding (2003-07-11T13:45:00Z)");
        assertThat(output.only().get("reasons").get(0).asText()).isEqualTo("UNKNOWN_AGREEMENT");
        assertThat(output.result().succeeded()).isTrue();
    }

    @Test
    void shouldTakeLettersDefaultsForNullFields() throws IOException {
        Output output = replay("{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
                        + "\"executionDate\":\"2003-04-28\",\"totalShares\":null,\"timeZone\":null,\"trancheMode\":null,"
                        + "\"effectiveAt\":null}",
                order("o1", "PRIVATE_TRANSFER", 100, "2003-08-26T00:00:00-04:00"));
        assertThat(output.only().get("maxAllowedNow").asLong()).isEqualTo(358_559);
    }

    @Test
    void shouldSkipBlankLinesAndReportUnreadableOnes() throws IOException {
        Output output = replay(AGREEMENT, "", "   ", "not json", "[1,2]", "{\"type\":\"cancel\"}", "{\"no\":\"type\"}",
                order("o1", "PUBLIC_SALE", 100, "2003-07-11T09:45:00-04:00"));
        assertThat(output.decisions()).hasSize(1);
        assertThat(output.errors().lines()).hasSize(4)
                .anySatisfy(l -> assertThat(l).startsWith("line 4: skipped: not valid JSON"))
                .anySatisfy(l -> assertThat(l).startsWith("line 5: skipped: not a JSON object"))
                .anySatisfy(l -> assertThat(l).startsWith("line 6: skipped: no known type"))
                .anySatisfy(l -> assertThat(l).startsWith("line 7: skipped: no known type"));
        assertThat(output.result().succeeded()).isFalse();
    }

    @Test
    void shouldAnswerAnExecutionLineWithoutReadableTimeAsInvalidAndGoOn() throws IOException {
        // given a fill whose time cannot be read, between two orders
        Output output = replay(AGREEMENT, order("o1", "PUBLIC_SALE", 100, "2003-07-11T09:45:00-04:00"),
                FILL.replace("2003-07-11T10:30:00-04:00", "yesterday"),
                order("o2", "PUBLIC_SALE", 100, "2003-07-11T11:00:00-04:00"));
        // then it gets its answer, in its place, and the next order is decided
        assertThat(output.decisions()).hasSize(3);
        assertThat(output.decisions().get(1).get("executionId").asText()).isEqualTo("x1");
        assertThat(output.decisions().get(1).get("result").asText()).isEqualTo("INVALID");
        assertThat(output.decisions().get(2).get("orderId").asText()).isEqualTo("o2");
    }

    @Test
    void shouldWriteThePositionALastFillLeftBeforeTheReplayEnds() throws IOException {
        // given an approved order whose fill is the timeline's last line
        List<JsonNode> positions = positions(AGREEMENT, order("o1", "PUBLIC_SALE", 120_000,
                "2003-07-11T09:45:00-04:00"), FILL);
        // then the last position written is the one the fill left
        assertThat(positions).last().satisfies(position -> {
            assertThat(position.get("soldToDate").asLong()).isEqualTo(100_000);
            assertThat(position.get("reservedNow").asLong()).isEqualTo(20_000);
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldPublishTheNewTermsOfAnAgreementLineWithoutTimeAsOfTheHoldingsLastAnswer(boolean afterAFill)
            throws IOException {
        // given an agreement version without "at", with more shares, after an order or after that order's fill
        String order = order("o1", "PUBLIC_SALE", 120_000, "2003-07-11T09:45:00-04:00");
        String version = AGREEMENT.replace("\"at\":\"2003-04-28T09:00:00-04:00\",", "")
                .replace("}", ",\"totalShares\":700000}");
        List<JsonNode> positions = afterAFill ? positions(AGREEMENT, order, FILL, version)
                : positions(AGREEMENT, order, version);
        // then the last position written has its terms, as of that answer's time: not 1970, not ahead of it
        assertThat(positions).last().satisfies(position -> {
            assertThat(position.get("totalShares").asLong()).isEqualTo(700_000);
            assertThat(position.get("asOf").asText())
                    .isEqualTo(afterAFill ? "2003-07-11T14:30:00Z" : "2003-07-11T13:45:00Z");
        });
    }

    @Test
    void shouldDateTheFirstAgreementWithoutTimeAtTheStartOfItsExecutionDate() throws IOException {
        // given a timeline whose first line is an agreement without "at", in Tokyo's zone
        String agreement = AGREEMENT.replace("\"at\":\"2003-04-28T09:00:00-04:00\",", "")
                .replace("}", ",\"timeZone\":\"Asia/Tokyo\"}");
        // when it is replayed alone
        List<JsonNode> positions = positions(agreement);
        // then its position is as of the day the shares were issued, midnight in Tokyo: not 1970
        assertThat(positions).singleElement().satisfies(position ->
                assertThat(position.get("asOf").asText()).isEqualTo("2003-04-27T15:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldPublishAWindowBoundaryThatAnOrderOrFillPassesBeforeItsAnswer(boolean fill) throws IOException {
        // given an order the day after the lock-up ended (2003-07-10 16:30 EDT), or a fill after the second
        // release date (2003-08-09 00:00 EDT)
        String order = order("o1", "PUBLIC_SALE", 120_000, "2003-07-11T09:45:00-04:00");
        List<JsonNode> positions = fill
                ? positions(AGREEMENT, order, FILL.replace("2003-07-11T10:30:00-04:00", "2003-08-11T10:00:00-04:00"))
                : positions(AGREEMENT, order);
        // then the boundary's position is published, in event time, before the answer's
        List<String> asOf = positions.stream().map(position -> position.get("asOf").asText()).toList();
        assertThat(asOf).endsWith(fill
                ? new String[] {"2003-07-11T13:45:00Z", "2003-08-09T04:00:00Z", "2003-08-11T14:00:00Z"}
                : new String[] {"2003-04-28T13:00:00Z", "2003-07-10T20:30:00Z", "2003-07-11T13:45:00Z"});
    }

    private static final String FILL = "{\"type\":\"execution\",\"at\":\"2003-07-11T10:30:00-04:00\","
            + "\"executionId\":\"x1\",\"orderId\":\"o1\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
            + "\"kind\":\"FILL\",\"quantity\":100000}";

    /** The positions a replay of {@code lines} published, in the order written. */
    private static List<JsonNode> positions(String... lines) throws IOException {
        StringWriter positions = new StringWriter();
        new Replay(null, new PrintWriter(positions)).run(new BufferedReader(new StringReader(String.join("\n",
                lines))), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<JsonNode> written = new ArrayList<>();
        for (String line : positions.toString().split("\n")) {
            if (!line.isBlank()) {
                written.add(JSON.readTree(line));
            }
        }
        return written;
    }

    @Test
    void shouldOverrideEveryAgreementsTrancheMode() throws IOException {
        String[] timeline = {AGREEMENT, order("a", "PUBLIC_SALE", 200_000, "2003-07-11T09:45:00-04:00"),
            order("b", "PUBLIC_SALE", 2 * 158_559, "2003-09-10T09:45:00-04:00")};
        assertThat(replay(timeline).decisions().get(1).get("reasons").get(0).asText()).isEqualTo("PERIOD_CAP");
        assertThat(replay(TrancheMode.CUMULATIVE, timeline).decisions().get(1).get("decision").asText())
                .isEqualTo("APPROVED");
    }

    @Test
    void shouldKeepHoldingsApart() throws IOException {
        Output output = replay(AGREEMENT,
                "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"o\",\"investorId\":\"x\","
                        + "\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}");
        assertThat(output.only().get("reasons").get(0).asText()).isEqualTo("UNKNOWN_AGREEMENT");
    }
}
