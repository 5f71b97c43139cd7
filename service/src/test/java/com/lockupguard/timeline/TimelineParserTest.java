package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.TrancheMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineParserTest {

    private static final String ORDER = "{\"type\":\"order\",%s\"orderId\":\"o\",\"investorId\":\"dutchess\","
            + "\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":%s}";

    private final TimelineParser parser = new TimelineParser(new ObjectMapper());

    private static final String AGREEMENT = "{\"type\":\"agreement\",\"investorId\":\"dutchess\","
            + "\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"%s}";
    private static final String EXECUTION = "{\"type\":\"execution\",\"at\":\"2003-07-11T10:30:00-04:00\","
            + "\"executionId\":\"x\",\"orderId\":\"o\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\"%s}";

    private TimelineEntry parse(String line) {
        return parser.parse(1, line).orElseThrow();
    }

    @Test
    void shouldTellAnAtThatCannotBeReadFromOneLeftOut() {
        // given an order without `at`, one with `at` null, one whose `at` has no offset, one outside the years
        TimelineEntry.OrderLine missing = (TimelineEntry.OrderLine) parse(ORDER.formatted("", "1"));
        TimelineEntry.OrderLine nullAt = (TimelineEntry.OrderLine) parse(ORDER.formatted("\"at\":null,", "1"));
        TimelineEntry.OrderLine noOffset = (TimelineEntry.OrderLine) parse(
                ORDER.formatted("\"at\":\"2003-07-11T09:45:00\",", "1"));
        TimelineEntry.OrderLine tooEarly = (TimelineEntry.OrderLine) parse(
                ORDER.formatted("\"at\":\"1969-12-31T23:59:59Z\",", "1"));
        TimelineEntry.OrderLine readable = (TimelineEntry.OrderLine) parse(
                ORDER.formatted("\"at\":\"2003-07-11T09:45:00-04:00\",", "1"));
        // then none of the first four has a time, but only the last two say why
        assertThat(missing.at()).isNull();
        assertThat(missing.atProblem()).isNull();
        assertThat(nullAt.at()).isNull();
        assertThat(nullAt.atProblem()).isNull();
        assertThat(noOffset.at()).isNull();
        assertThat(noOffset.atProblem()).isEqualTo("at \"2003-07-11T09:45:00\" is not an ISO-8601 instant with an "
                + "offset");
        assertThat(tooEarly.at()).isNull();
        assertThat(tooEarly.atProblem()).isEqualTo("at \"1969-12-31T23:59:59Z\" is outside the years 1970 to 9999");
        assertThat(readable.at()).isEqualTo(Instant.parse("2003-07-11T13:45:00Z"));
        assertThat(readable.atProblem()).isNull();
    }

    @Test
    void shouldNameThePlaceOfAJsonErrorByItsColumnInTheLineWhateverCrsItHolds() {
        // given a line whose object is left open, two CRs (whitespace to JSON) before the field that opens it
        String line = "{\"type\":\"order\",\r\r\"orderId\":{\"x\":1";

        // when it is read
        TimelineEntry entry = parser.parse(7, line).orElseThrow();

        // then the place is named by its column in the line, not as Jackson's third line (seen: "line 7: ... (start
        // marker at line 3, column 11)")
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, unreadable -> assertThat(
                unreadable.reason()).contains("start marker at column " + (line.indexOf("{\"x\"") + 1))
                .doesNotContain("line 3"));
    }

    @Test
    void shouldSayThatAValidLineBeyondWhatTheReaderTakesIsThatNotInvalidJson() {
        // given valid JSON lines beyond the reader's limits: a string of 20,000,001 characters, a field name of
        // 60,000, and objects nested 1,001 deep
        List<String> lines = List.of("{\"type\":\"order\",\"orderId\":\"" + "o".repeat(20_000_001) + "\"}",
                "{\"type\":\"order\",\"" + "n".repeat(60_000) + "\":1}",
                "{\"type\":\"order\",\"x\":" + "{\"x\":".repeat(1_000) + "1" + "}".repeat(1_001));

        for (String line : lines) {
            // when each is read
            TimelineEntry entry = parser.parse(7, line).orElseThrow();

            // then it is skipped as too large, saying which limit, and not called invalid JSON
            assertThat(entry).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, unreadable -> assertThat(
                    unreadable.reason()).startsWith("beyond what a timeline line may hold").contains("exceeds")
                    .doesNotContain("not valid JSON"));
        }
    }

    @Test
    void shouldSayThatALineHoldingACrBeforeAnotherObjectMayBeAFileWhoseLinesEndInCrAlone() {
        // given an agreement and an order whose lines end in CR alone (old Mac line endings): one line to a reader
        String line = AGREEMENT.formatted("") + "\r" + ORDER.formatted("", "1") + "\r";

        // when it is read
        TimelineEntry entry = parser.parse(1, line).orElseThrow();

        // then it is unreadable, and says what may be wrong with the file
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, unreadable -> assertThat(
                unreadable.reason()).startsWith("not valid JSON at column " + (AGREEMENT.formatted("").length() + 2)
                        + ": ").endsWith("; it holds a CR without LF before "
                + "another object: a file whose lines end in CR alone is read as one line, so end its lines with LF or "
                + "CRLF"));
        // and a line unreadable for another cause, its CRs whitespace inside one object, is not told so
        TimelineEntry crsInside = parser.parse(7, "{\"type\":\"order\",\r\r\"orderId\":{\"x\":1").orElseThrow();
        assertThat(crsInside).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, unreadable -> assertThat(
                unreadable.reason()).doesNotContain("CR"));
    }

    @Test
    void shouldSayInUtcWhyATimeOfALastLocalYearIsOutsideTheYears() {
        // given an order at 23:00 on the last day of 9999 in New York: the year 10000 in UTC, whose years are meant
        TimelineEntry.OrderLine late = (TimelineEntry.OrderLine) parse(
                ORDER.formatted("\"at\":\"9999-12-31T23:00:00-05:00\",", "1"));
        // when / then the message gives the UTC time, which is past 9999, rather than refuse 9999 without a word
        assertThat(late.at()).isNull();
        assertThat(late.atProblem()).isEqualTo("at \"9999-12-31T23:00:00-05:00\" is +10000-01-01T04:00:00Z in UTC, "
                + "outside the years 1970 to 9999");
    }

    @Test
    void shouldNotReadALineWhoseIdHoldsALoneSurrogateThatKafkaWouldCarryAsAQuestionMark() {
        // given two order ids that differ only in a lone surrogate, written as a JSON escape: as UTF-8 on a topic,
        // both would be "a?"
        String first = ORDER.formatted("", "1").replace("\"orderId\":\"o\"", "\"orderId\":\"a\\ud800\"");
        String second = ORDER.formatted("", "1").replace("\"orderId\":\"o\"", "\"orderId\":\"a\\udc01\"");
        String inAnUnknownField = ORDER.formatted("\"note\":[\"x\\ud800\"],", "1");

        // when
        TimelineEntry firstEntry = parse(first);
        TimelineEntry secondEntry = parse(second);

        // then neither is read, so neither is answered under an id its sender did not use
        assertThat(firstEntry).isEqualTo(new TimelineEntry.UnreadableLine(1, "not Unicode text: orderId holds a lone "
                + "surrogate (\\ud800, character 2), which UTF-8 cannot carry"));
        assertThat(secondEntry).isEqualTo(new TimelineEntry.UnreadableLine(1, "not Unicode text: orderId holds a lone "
                + "surrogate (\\udc01, character 2), which UTF-8 cannot carry"));
        assertThat(parse(inAnUnknownField)).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class,
                unreadable -> assertThat(unreadable.reason()).startsWith("not Unicode text: note holds"));
    }

    @Test
    void shouldReadAnIdWhoseSurrogatePairIsWrittenAsJsonEscapes() {
        // given an order id ending in U+1F600, written as the escapes of its two halves
        String line = ORDER.formatted("", "1").replace("\"orderId\":\"o\"", "\"orderId\":\"o\\ud83d\\ude00\"");

        // when
        TimelineEntry entry = parse(line);

        // then it is an order like any other
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.OrderLine.class,
                order -> assertThat(order.order().getOrderId()).isEqualTo("o\ud83d\ude00"));
    }

    @Test
    void shouldRefuseAnAgreementWhoseNumberDoesNotFitALongRatherThanTruncateIt() {
        // given an agreement whose totalShares is 2^64 + 675,675: as a long, it would wrap around to 675,675
        String line = "{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
                + "\"executionDate\":\"2003-04-28\",\"totalShares\":18446744073710227291}";

        // when
        TimelineEntry entry = parse(line);

        // then it is refused, naming the field, and never read as another number
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.MalformedAgreementLine.class,
                malformed -> assertThat(malformed.reason()).isEqualTo("totalShares 18446744073710227291 is out of "
                        + "range"));
    }

    @Test
    void shouldRefuseAnAgreementWhoseTextFieldIsANumber() {
        // given an agreement whose investorId is written as a JSON number
        String line = "{\"type\":\"agreement\",\"investorId\":1234,\"securityId\":\"CBYI\","
                + "\"executionDate\":\"2003-04-28\"}";

        // when
        TimelineEntry entry = parse(line);

        // then it is refused (orders naming investor 1234 as a number are INVALID_ORDER: they could never meet it)
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.MalformedAgreementLine.class,
                malformed -> assertThat(malformed.reason()).isEqualTo("investorId must be a string, was 1234"));
    }

    @Test
    void shouldNotReadALineHoldingMoreThanOneJsonValue() {
        // given an order followed by a second order, and an order followed by garbage
        String order = ORDER.formatted("", "1");
        // when
        TimelineEntry two = parse(order + order);
        TimelineEntry garbage = parse(order + " garbage");
        // then neither is an order: both are unreadable lines
        assertThat(two).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, line -> assertThat(line.reason())
                .isEqualTo("not valid JSON at column 109: more after the object (a line holds one JSON object)"));
        assertThat(garbage).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class,
                line -> assertThat(line.reason()).contains("'garbage'"));
    }

    @Test
    void shouldNameTheColumnWhereALineStopsBeingJson() {
        // given an order whose comma before its quantity is missing, and one cut short
        String order = ORDER.formatted("", "1");
        String noComma = order.replace(",\"quantity\"", " \"quantity\"");
        String cut = order.substring(0, 60);

        // when
        TimelineEntry missing = parse(noComma);
        TimelineEntry ended = parse(cut);

        // then each says where in the line it stopped (seen: the line alone, a 100-character line to search)
        assertThat(missing).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, line -> assertThat(
                line.reason()).startsWith("not valid JSON at column " + (noComma.indexOf(" \"quantity\"") + 2)
                        + ": Unexpected character ('\"' (code 34)): was expecting comma"));
        assertThat(ended).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, line -> assertThat(
                line.reason()).startsWith("not valid JSON at column 61: Unexpected end-of-input"));
    }

    @Test
    void shouldCountAColumnInCharactersAsAnEditorDoesAnEmojiOne() {
        // given an order whose desk note holds two emoji, and whose comma before its quantity is missing
        String line = ORDER.formatted("\"note\":\"\ud83d\ude00\ud83d\ude00\",", "1").replace(",\"quantity\"",
                " \"quantity\"");
        int column = line.codePointCount(0, line.indexOf(" \"quantity\"")) + 2;

        // when / then the column is the one an editor shows (seen: two more, Jackson counting each emoji as two)
        assertThat(parse(line)).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, unreadable -> assertThat(
                unreadable.reason()).startsWith("not valid JSON at column " + column + ": "));
    }

    @Test
    void shouldLeaveWordsOfAPlaceInANameTheLineHoldsAsWritten() {
        // given an order giving twice a field named as Jackson names a place
        String line = ORDER.formatted("\"line 1, column 5\":1,\"line 1, column 5\":2,", "1");

        // when / then the name is quoted as written (seen: 'column 5', the words read as Jackson's place)
        assertThat(parse(line)).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, unreadable -> assertThat(
                unreadable.reason()).contains("Duplicate field 'line 1, column 5'"));
    }

    @Test
    void shouldSayAStringIsTooLongWithoutNamingJacksonsClasses() {
        // given an order line holding an unknown field of 20,000,001 characters
        String line = ORDER.formatted("\"note\":\"" + "x".repeat(20_000_001) + "\",", "1");
        // when
        TimelineEntry entry = parse(line);
        // then the line is unreadable, and the reason says why in the user's terms
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class, unreadable -> assertThat(
                unreadable.reason()).contains("20000001").contains("maximum allowed (20000000)")
                .doesNotContain("StreamReadConstraints"));
    }

    @Test
    void shouldNotReadALineGivingAFieldTwice() {
        // given an order whose quantity is given twice
        String line = ORDER.formatted("", "1000,\"quantity\":999999");
        // when
        TimelineEntry entry = parse(line);
        // then it is unreadable, not an order for the last value
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class,
                unreadable -> assertThat(unreadable.reason())
                        .isEqualTo("not valid JSON at column 123: Duplicate field 'quantity' (a field may appear "
                                + "once)"));
    }

    @Test
    void shouldTakeAQuantityTooLongForJacksonAsNotAWholeNumber() throws Exception {
        // given orders whose quantity has 1,001 and 30 digits (Jackson reads numbers of up to 1,000)
        String overlong = "9".repeat(1001);
        // when
        TimelineEntry entry = parse(ORDER.formatted("\"at\":\"2003-07-11T09:45:00-04:00\",", overlong));
        TimelineEntry thirtyDigits = parse(ORDER.formatted("", "9".repeat(30)));
        // then both are orders without a valid quantity (INVALID_ORDER), the long one echoed as written
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.OrderLine.class, order -> {
            assertThat(order.order().getQuantity()).isNull();
            assertThat(order.order().getOrderId()).isEqualTo("o");
            assertThat(order.at()).isNotNull();
        });
        assertThat(new ObjectMapper().writeValueAsString(((TimelineEntry.OrderLine) entry).echo().quantity()))
                .isEqualTo(overlong);
        assertThat(thirtyDigits).isInstanceOfSatisfying(TimelineEntry.OrderLine.class,
                order -> assertThat(order.order().getQuantity()).isNull());
    }

    @Test
    void shouldKeepAQuantityThatIsNotAnIntegerAsWrittenNotAsTheNearestDouble() throws Exception {
        // given quantities past a double's range or an int exponent's, below a double's precision, and written with
        // an exponent or a fraction, in a line Jackson reads and in one that also holds a number too long for it
        String overlong = ",\"note\":" + "9".repeat(1001);
        for (String prefix : List.of("", "\"at\":\"2003-07-11T09:45:00-04:00\"" + overlong + ",")) {
            for (String quantity : List.of("1e400", "1e2147483648", "1.00000000000000000001", "1.0", "2.5e1", "1e3",
                    "-0.0", "123456789012345678901234.5")) {
                // when
                TimelineEntry entry = parse(ORDER.formatted(prefix, quantity));
                // then it is an order with no valid quantity, echoed as written (not "Infinity", a string, nor 25.0)
                assertThat(entry).as(quantity).isInstanceOf(TimelineEntry.OrderLine.class);
                TimelineEntry.OrderLine order = (TimelineEntry.OrderLine) entry;
                assertThat(order.order().getQuantity()).as(quantity).isNull();
                assertThat(new ObjectMapper().writeValueAsString(order.echo().quantity())).isEqualTo(quantity);
            }
        }
    }

    @Test
    void shouldReadALineWhoseUnknownFieldHoldsAnExponentPastAnIntsRange() {
        // given an order with a note Jackson reads as a double's Infinity, and a fraction in an array
        TimelineEntry entry = parse(ORDER.formatted("\"note\":1e2147483648,\"notes\":[2.5e1],", "5"));
        // when / then it is an order like any other, its quantity read
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.OrderLine.class,
                order -> assertThat(order.order().getQuantity()).isEqualTo(5L));
    }

    @Test
    void shouldReadALineWithAnOverlongNumberAsStrictlyAsAnyOther() {
        // given lines with a 1,001-digit number: an agreement's share count, an order given twice, a second value
        String overlong = "1" + "0".repeat(1000);
        String agreement = "{\"type\":\"agreement\",\"investorId\":\"i\",\"securityId\":\"s\","
                + "\"executionDate\":\"2003-04-28\",\"totalShares\":" + overlong + "}";
        // when
        TimelineEntry malformed = parse(agreement);
        TimelineEntry twice = parse(ORDER.formatted("", overlong + ",\"quantity\":1"));
        TimelineEntry trailing = parse(ORDER.formatted("", overlong) + "{}");
        // then the agreement is malformed, the others unreadable
        assertThat(malformed).isInstanceOfSatisfying(TimelineEntry.MalformedAgreementLine.class,
                line -> assertThat(line.reason()).startsWith("totalShares is out of range"));
        assertThat(twice).isInstanceOf(TimelineEntry.UnreadableLine.class);
        assertThat(trailing).isInstanceOf(TimelineEntry.UnreadableLine.class);
    }

    @Test
    void shouldWarnOfFieldsItDoesNotKnowAndReadTheLineAsWithoutThem() {
        // given an agreement with a misspelt totalShares, and an order and a report with a field of their own
        List<String> warnings = new ArrayList<>();
        TimelineParser warning = new TimelineParser(new ObjectMapper(),
                (lineNumber, message) -> warnings.add(lineNumber + ": " + message));
        String agreement = "{\"type\":\"agreement\",\"investorId\":\"i\",\"securityId\":\"s\","
                + "\"executionDate\":\"2003-04-28\",\"totalshares\":1000}";
        String order = ORDER.formatted("\"note\":\"desk 4\",", "1");
        String execution = "{\"type\":\"execution\",\"executionId\":\"x\",\"orderId\":\"o\",\"investorId\":\"i\","
                + "\"securityId\":\"s\",\"kind\":\"FILL\",\"qty\":1}";
        // when
        TimelineEntry read = warning.parse(1, agreement).orElseThrow();
        warning.parse(2, order);
        warning.parse(3, execution);
        warning.parse(4, ORDER.formatted("", "1"));
        // then each line's unknown fields are named, and the agreement keeps the letter's total
        assertThat(warnings).containsExactly(
                "1: unknown field(s) ignored: \"totalshares\" (did you mean \"totalShares\"?) (a field left out takes "
                        + "the letter's value)",
                "2: unknown field(s) ignored: \"note\"",
                "3: unknown field(s) ignored: \"qty\"");
        assertThat(read).isInstanceOfSatisfying(TimelineEntry.AgreementLine.class,
                line -> assertThat(line.agreement().getTotalShares()).isEqualTo(675_675L));
    }

    @Test
    void shouldNameAnUnknownFieldOnOneLineThatDrivesNoTerminal() {
        // given an order with a field whose name holds what JSON quoting leaves as it is: an 8-bit escape sequence's
        // start (C1) and Unicode's line separator
        List<String> warnings = new ArrayList<>();
        TimelineParser warning = new TimelineParser(new ObjectMapper(),
                (line, text) -> warnings.add(line + ": " + text));
        // when
        warning.parse(1, ORDER.formatted("\"x\\u009b2Jy\\u2028z\":1,", "1"));
        // then it is named with those written '?'
        assertThat(warnings).containsExactly("1: unknown field(s) ignored: \"x?2Jy?z\"");
    }

    @Test
    void shouldCutALongUnknownFieldsNameAsALongValueIsCut() {
        // given an order with a field whose name is 40,000 characters long
        List<String> warnings = new ArrayList<>();
        TimelineParser warning = new TimelineParser(new ObjectMapper(),
                (line, text) -> warnings.add(line + ": " + text));
        // when
        warning.parse(1, ORDER.formatted("\"" + "n".repeat(40_000) + "\":1,", "1"));
        // then the warning quotes the start of it and says how long it was, on a line of ordinary length
        assertThat(warnings).containsExactly("1: unknown field(s) ignored: \"" + "n".repeat(59)
                + "... (40000 characters)");
    }

    @Test
    void shouldReadTheFieldsOfAWellFormedOrder() {
        // given an order for 1,000 shares
        String line = ORDER.formatted("\"at\":\"2003-07-11T09:45:00-04:00\",", "1000");
        // when
        TimelineEntry entry = parse(line);
        // then each field is read as written, and nothing is wrong with it
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.OrderLine.class, order -> {
            assertThat(order.order().getOrderId()).isEqualTo("o");
            assertThat(order.order().getInvestorId()).isEqualTo("dutchess");
            assertThat(order.order().getSecurityId()).isEqualTo("CBYI");
            assertThat(order.order().getKind()).isEqualTo(OrderKind.PUBLIC_SALE);
            assertThat(order.order().getQuantity()).isEqualTo(1000L);
            assertThat(order.problems()).isEmpty();
        });
    }

    @Test
    void shouldTellAnOrdersMissingKindFromAnUnknownOneAndKeepOnlyWholeQuantities() {
        // given orders without a kind, with kind null, with an unknown kind, and with quantities 1.5 and "5"
        String withoutKind = ORDER.formatted("", "1").replace("\"kind\":\"PUBLIC_SALE\",", "");
        String nullKind = ORDER.formatted("", "1").replace("\"PUBLIC_SALE\"", "null");
        String unknownKind = ORDER.formatted("", "1").replace("PUBLIC_SALE", "SELL");
        // when
        TimelineEntry.OrderLine missing = (TimelineEntry.OrderLine) parse(withoutKind);
        TimelineEntry.OrderLine nulled = (TimelineEntry.OrderLine) parse(nullKind);
        TimelineEntry.OrderLine unknown = (TimelineEntry.OrderLine) parse(unknownKind);
        TimelineEntry.OrderLine fraction = (TimelineEntry.OrderLine) parse(ORDER.formatted("", "1.5"));
        TimelineEntry.OrderLine text = (TimelineEntry.OrderLine) parse(ORDER.formatted("", "\"5\""));
        // then a kind left out is null, one not known UNKNOWN, and neither quantity is read (INVALID_ORDER)
        assertThat(missing.order().getKind()).isNull();
        assertThat(nulled.order().getKind()).isNull();
        assertThat(unknown.order().getKind()).isEqualTo(OrderKind.UNKNOWN);
        assertThat(fraction.order().getQuantity()).isNull();
        assertThat(text.order().getQuantity()).isNull();
    }

    @Test
    void shouldEchoAFieldLeftOutAsJsonNull() {
        // given an order without a quantity
        String line = ORDER.formatted("", "1").replace(",\"quantity\":1", "");
        // when
        TimelineEntry.OrderLine order = (TimelineEntry.OrderLine) parse(line);
        // then its echo carries the JSON null, not a Java null, and says what is missing
        assertThat(order.echo().quantity()).isEqualTo(NullNode.getInstance());
        assertThat(order.order().getQuantity()).isNull();
        assertThat(order.problems()).containsExactly("at is missing", "quantity is missing");
    }

    @Test
    void shouldReadTheKindOfAnExecutionReportOrSayItIsUnknown() {
        // given a fill, a cancel, a report of an unknown kind and one without a kind
        // when
        TimelineEntry.ExecutionLine fill = (TimelineEntry.ExecutionLine) parse(
                EXECUTION.formatted(",\"kind\":\"FILL\",\"quantity\":5"));
        TimelineEntry.ExecutionLine cancel = (TimelineEntry.ExecutionLine) parse(
                EXECUTION.formatted(",\"kind\":\"CANCEL\""));
        TimelineEntry.ExecutionLine refill = (TimelineEntry.ExecutionLine) parse(
                EXECUTION.formatted(",\"kind\":\"REFILL\",\"quantity\":5"));
        TimelineEntry.ExecutionLine noKind = (TimelineEntry.ExecutionLine) parse(EXECUTION.formatted(""));
        // then
        assertThat(fill.report().getKind()).isEqualTo(ExecutionKind.FILL);
        assertThat(fill.report().getQuantity()).isEqualTo(5L);
        assertThat(fill.problems()).isEmpty();
        assertThat(cancel.report().getKind()).isEqualTo(ExecutionKind.CANCEL);
        assertThat(refill.report().getKind()).isEqualTo(ExecutionKind.UNKNOWN);
        assertThat(noKind.report().getKind()).isNull();
        assertThat(noKind.problems()).containsExactly("kind is missing");
    }

    @Test
    void shouldNotReadALineThatIsNotAJsonObjectOrHasNoKnownType() {
        // given an array, a string, a line without a type and one of another type
        // when / then
        assertThat(parse("[1]")).isEqualTo(new TimelineEntry.UnreadableLine(1, "not a JSON object"));
        assertThat(parse("\"order\"")).isEqualTo(new TimelineEntry.UnreadableLine(1, "not a JSON object"));
        assertThat(parse("{\"orderId\":\"o\"}")).isEqualTo(new TimelineEntry.UnreadableLine(1,
                "no known type (\"agreement\", \"order\" or \"execution\"): type is missing"));
        assertThat(parse("{\"type\":\"trade\"}")).isEqualTo(new TimelineEntry.UnreadableLine(1,
                "no known type (\"agreement\", \"order\" or \"execution\"): type is \"trade\""));
    }

    @Test
    void shouldNotReadALineWithALoneSurrogateAtTheStartOfAValueOrAFieldsName() {
        // given an id that is a lone surrogate written as a JSON escape, and, as a line not read through
        // TimelineInput may hold them, a field's name that starts with a lone surrogate and an id that holds one
        String idIsSurrogate = ORDER.formatted("", "1").replace("\"orderId\":\"o\"", "\"orderId\":\"\\udc01\"");
        String nameIsSurrogate = ORDER.formatted("\"\udc01x\":1,", "1");
        String rawSurrogate = ORDER.formatted("", "1").replace("\"orderId\":\"o\"", "\"orderId\":\"a\ud800\"");
        // when / then none is read
        assertThat(parse(idIsSurrogate)).isEqualTo(new TimelineEntry.UnreadableLine(1, "not Unicode text: orderId "
                + "holds a lone surrogate (\\udc01, character 1), which UTF-8 cannot carry"));
        assertThat(parse(nameIsSurrogate)).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class,
                unreadable -> assertThat(unreadable.reason()).startsWith("not Unicode text: a field's name holds"));
        assertThat(parse(rawSurrogate)).isInstanceOfSatisfying(TimelineEntry.UnreadableLine.class,
                unreadable -> assertThat(unreadable.reason()).startsWith("not Unicode text: orderId holds"));
    }

    @Test
    void shouldReadEachFieldAnAgreementGives() {
        // given an agreement that gives every field
        String line = AGREEMENT.formatted(",\"timeZone\":\"Europe/Paris\",\"totalShares\":1000,\"lockupDays\":10,"
                + "\"firstReleaseShares\":300,\"firstReleaseDays\":20,\"trancheShares\":100,\"trancheDays\":7,"
                + "\"trancheMode\":\"CUMULATIVE\",\"rule144HoldingMonths\":6,"
                + "\"effectiveAt\":\"2003-07-10T16:30:00-04:00\",\"at\":\"2003-04-28T09:00:00-04:00\"");
        // when
        TimelineEntry entry = parse(line);
        // then each is read as written, none takes the letter's value
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.AgreementLine.class, read -> {
            assertThat(read.agreement().getTimeZone()).isEqualTo("Europe/Paris");
            assertThat(read.agreement().getTotalShares()).isEqualTo(1000L);
            assertThat(read.agreement().getLockupDays()).isEqualTo(10L);
            assertThat(read.agreement().getFirstReleaseShares()).isEqualTo(300L);
            assertThat(read.agreement().getFirstReleaseDays()).isEqualTo(20L);
            assertThat(read.agreement().getTrancheShares()).isEqualTo(100L);
            assertThat(read.agreement().getTrancheDays()).isEqualTo(7L);
            assertThat(read.agreement().getTrancheMode()).isEqualTo(TrancheMode.CUMULATIVE);
            assertThat(read.agreement().getRule144HoldingMonths()).isEqualTo(6L);
            assertThat(read.agreement().getEffectiveAt()).isEqualTo(Instant.parse("2003-07-10T20:30:00Z"));
            assertThat(read.at()).isEqualTo(Instant.parse("2003-04-28T13:00:00Z"));
        });
    }

    @Test
    void shouldTakeTheLettersValuesForTheFieldsAnAgreementLeavesOutOrGivesAsNull() {
        // given an agreement with only its required fields, and trancheMode and effectiveAt null
        // when
        TimelineEntry entry = parse(AGREEMENT.formatted(",\"trancheMode\":null,\"effectiveAt\":null"));
        // then
        assertThat(entry).isInstanceOfSatisfying(TimelineEntry.AgreementLine.class, read -> {
            assertThat(read.agreement().getTrancheMode()).isEqualTo(TrancheMode.NON_CUMULATIVE);
            assertThat(read.agreement().getEffectiveAt()).isNull();
            assertThat(read.agreement().getTimeZone()).isEqualTo("America/New_York");
            assertThat(read.at()).isNull();
        });
    }

    @Test
    void shouldRefuseAnAgreementWhoseRequiredFieldIsMissingOrWhoseDateOrModeIsWrong() {
        // given agreements without an investor, with an execution date in 1969 or not a date, an effectiveAt
        // without an offset or beyond the year 9999, an unknown trancheMode, and a fractional lockupDays
        String noInvestor = AGREEMENT.formatted("").replace("\"investorId\":\"dutchess\",", "");
        // when / then each is refused with the reason
        assertThat(reason(parse(noInvestor))).isEqualTo("investorId is required");
        assertThat(reason(parse(AGREEMENT.formatted("").replace("2003-04-28", "1969-12-31"))))
                .isEqualTo("executionDate 1969-12-31 is outside the years 1970 to 9999");
        assertThat(reason(parse(AGREEMENT.formatted("").replace("2003-04-28", "28/04/2003"))))
                .isEqualTo("executionDate '28/04/2003' is not a yyyy-MM-dd date");
        assertThat(reason(parse(AGREEMENT.formatted(",\"effectiveAt\":\"2003-07-10T16:30:00\""))))
                .isEqualTo("effectiveAt \"2003-07-10T16:30:00\" is not an ISO-8601 instant with an offset");
        assertThat(reason(parse(AGREEMENT.formatted(",\"effectiveAt\":\"+300000000-01-01T00:00:00Z\""))))
                .as("beyond what a millisecond count carries: it stopped the replay, and produce after the lines sent")
                .isEqualTo("effectiveAt \"+300000000-01-01T00:00:00Z\" is outside the years 1970 to 9999");
        assertThat(reason(parse(AGREEMENT.formatted(",\"effectiveAt\":\"9999-12-31T23:00:00-05:00\""))))
                .isEqualTo("effectiveAt \"9999-12-31T23:00:00-05:00\" is +10000-01-01T04:00:00Z in UTC, outside the "
                        + "years 1970 to 9999");
        assertThat(reason(parse(AGREEMENT.formatted(",\"trancheMode\":\"ROLLING\""))))
                .isEqualTo("trancheMode 'ROLLING' is unknown: use NON_CUMULATIVE or CUMULATIVE");
        assertThat(reason(parse(AGREEMENT.formatted(",\"lockupDays\":90.5"))))
                .isEqualTo("lockupDays must be a whole number, was 90.5");
        assertThat(reason(parse(AGREEMENT.formatted(",\"lockupDays\":9e1"))))
                .isEqualTo("lockupDays must be a whole number, was 9e1");
    }

    @Test
    void shouldKeepAnOverlongNumberInAnArrayRawAndReadOneOfJacksonsLengthAsANumber() {
        // given a line with a 1,001-digit number in an array, and an agreement whose totalShares has 1,000 digits
        // in a line that also holds a 1,001-digit number
        String overlong = "9".repeat(1001);
        String order = ORDER.formatted("\"note\":[" + overlong + ",[]],", "[" + overlong + "]");
        String agreement = AGREEMENT.formatted(",\"note\":" + overlong + ",\"totalShares\":" + "9".repeat(1000));
        // when
        TimelineEntry.OrderLine read = (TimelineEntry.OrderLine) parse(order);
        TimelineEntry malformed = parse(agreement);
        // then the first is an order whose quantity is echoed as written, never converted; the second names the
        // number Jackson could read
        assertThat(read.echo().quantity().isArray()).isTrue();
        assertThat(WrittenNumbers.isWritten(read.echo().quantity().get(0))).isTrue();
        assertThat(reason(malformed)).isEqualTo("totalShares " + "9".repeat(60) + "... (1000 characters) is out of "
                + "range");
    }

    @Test
    void shouldQuoteNoMoreThanTheStartOfAnOverlongValueItRefuses() {
        // given an order whose at, and agreements whose executionDate and investorId, are 100,000 characters
        String overlong = "x".repeat(100_000);
        TimelineEntry.OrderLine order = (TimelineEntry.OrderLine) parse("{\"type\":\"order\",\"at\":\"" + overlong
                + "\",\"orderId\":\"o1\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
                + "\"kind\":\"PUBLIC_SALE\",\"quantity\":1}");
        TimelineEntry date = parse("{\"type\":\"agreement\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\","
                + "\"executionDate\":\"" + overlong + "\"}");
        TimelineEntry investor = parse("{\"type\":\"agreement\",\"investorId\":[\"" + overlong + "\"],"
                + "\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}");
        TimelineEntry type = parse("{\"type\":\"" + overlong + "\"}");

        // then each message says what is wrong in one short line, with the value's length
        assertThat(order.atProblem()).hasSizeLessThan(200).contains("(100000 characters)");
        assertThat(reason(date)).hasSizeLessThan(200).contains("(100000 characters)");
        assertThat(reason(investor)).hasSizeLessThan(200).contains("characters)");
        assertThat(((TimelineEntry.UnreadableLine) type).reason()).hasSizeLessThan(200)
                .contains("(100000 characters)");
    }

    private static String reason(TimelineEntry entry) {
        assertThat(entry).isInstanceOf(TimelineEntry.MalformedAgreementLine.class);
        return ((TimelineEntry.MalformedAgreementLine) entry).reason();
    }
}
