package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimelineParserTest {

    private static final String ORDER = "{\"type\":\"order\",%s\"orderId\":\"o\",\"investorId\":\"dutchess\","
            + "\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":%s}";

    private final TimelineParser parser = new TimelineParser(new ObjectMapper());

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
        assertThat(tooEarly.atProblem()).contains("outside the years 1970 to 9999");
        assertThat(readable.at()).isEqualTo(Instant.parse("2003-07-11T13:45:00Z"));
        assertThat(readable.atProblem()).isNull();
    }
}
