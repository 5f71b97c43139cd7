package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendableLinesTest {

    private static final String ORDER = "{\"type\":\"order\",%s\"orderId\":\"o\",\"investorId\":\"dutchess\","
            + "\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1}";
    private static final String EXECUTION = "{\"type\":\"execution\",%s\"executionId\":\"x\",\"orderId\":\"o\","
            + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"FILL\",\"quantity\":1}";
    private static final String AGREEMENT = "{\"type\":\"agreement\",%s\"investorId\":\"dutchess\","
            + "\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}";

    private final TimelineReader reader = new TimelineReader(new ObjectMapper());

    @Test
    void shouldRefuseALineWhoseAtCannotBeReadButSendAnAgreementThatLeavesItOut() {
        // given lines with an `at` lacking its offset, an agreement without `at` and a line with a readable one
        List<TimelineEntry> entries = reader.parse(List.of(
                AGREEMENT.formatted(""),
                ORDER.formatted("\"at\":\"2003-07-11T09:45:00\","),
                EXECUTION.formatted("\"at\":\"2003-07-11T09:45:00\","),
                AGREEMENT.formatted("\"at\":12,"),
                ORDER.formatted("\"at\":\"2003-07-11T09:45:00-04:00\",")));
        // when
        SendableLines lines = SendableLines.of(entries);
        // then only the lines whose `at` was written but cannot be read are refused, each with its line number
        assertThat(lines.sendable()).extracting(TimelineEntry::lineNumber).containsExactly(1, 5);
        assertThat(lines.refusals()).containsExactly(
                "line 2: order not sent: at \"2003-07-11T09:45:00\" is not an ISO-8601 instant with an offset",
                "line 3: execution report not sent: at \"2003-07-11T09:45:00\" is not an ISO-8601 instant with an "
                        + "offset",
                "line 4: agreement not sent: at 12 is not an ISO-8601 instant with an offset");
    }

    @Test
    void shouldRefuseAnOrderOrReportWithoutAtWhichTheProducersTimeWouldDateToNow() {
        // given an order and a report that leave `at` out, among lines of 2003
        List<TimelineEntry> entries = reader.parse(List.of(
                AGREEMENT.formatted("\"at\":\"2003-04-28T09:00:00-04:00\","),
                ORDER.formatted(""),
                EXECUTION.formatted(""),
                ORDER.formatted("\"at\":\"2003-07-11T09:45:00-04:00\",")));
        // when
        SendableLines lines = SendableLines.of(entries);
        // then neither is sent, as the replay answers them invalid: stamped now, the order would move its holding's
        // clock to the producer's year, and the 2003 order after it would be decided there
        assertThat(lines.sendable()).extracting(TimelineEntry::lineNumber).containsExactly(1, 4);
        assertThat(lines.refusals()).hasSize(2);
        assertThat(lines.refusals().get(0)).startsWith("line 2: order not sent: it has no `at`")
                .endsWith("answering this one INVALID_ORDER");
        assertThat(lines.refusals().get(1)).startsWith("line 3: execution report not sent: it has no `at`")
                .endsWith("answering this one INVALID");
    }

    @Test
    void shouldRefuseLinesThatAreNoRecordAtAll() {
        // given a line that is not JSON and an agreement with a fractional share count
        List<TimelineEntry> entries = reader.parse(List.of("not json",
                "{\"type\":\"agreement\",\"investorId\":\"i\",\"securityId\":\"s\",\"executionDate\":\"2003-04-28\","
                        + "\"totalShares\":1.5}"));
        // when
        SendableLines lines = SendableLines.of(entries);
        // then both are refused
        assertThat(lines.sendable()).isEmpty();
        assertThat(lines.refusals()).hasSize(2).satisfies(r -> {
            assertThat(r.get(0)).startsWith("line 1: skipped: not valid JSON");
            assertThat(r.get(1)).isEqualTo("line 2: agreement not sent: totalShares must be a whole number, was 1.5");
        });
    }
}
