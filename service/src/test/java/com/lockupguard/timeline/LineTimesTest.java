package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The time each line is stamped with, by the replay and by produce alike. */
class LineTimesTest {

    private static List<TimelineEntry> parse(String... lines) {
        return new TimelineReader(new ObjectMapper()).parse(List.of(lines));
    }

    @Test
    void shouldStampAnAgreementWithoutAtAtThePreviousTimedLineOrItsExecutionDate() {
        // given a first agreement without `at`, an order, a line that is not a record, an order without `at`, and a
        // second agreement without `at`
        List<TimelineEntry> entries = parse(
                "{\"type\":\"agreement\",\"investorId\":\"d\",\"securityId\":\"S\",\"executionDate\":\"2003-04-28\","
                        + "\"timeZone\":\"America/New_York\"}",
                "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"e1\",\"investorId\":\"d\","
                        + "\"securityId\":\"S\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1}",
                "not a record",
                "{\"type\":\"order\",\"orderId\":\"e2\",\"investorId\":\"d\",\"securityId\":\"S\","
                        + "\"kind\":\"PUBLIC_SALE\",\"quantity\":1}",
                "{\"type\":\"agreement\",\"investorId\":\"d\",\"securityId\":\"S\",\"executionDate\":\"2003-04-28\"}");
        LineTimes times = new LineTimes();

        // when each is stamped in turn
        List<Instant> stamped = entries.stream().map(times::of).toList();

        // then the first agreement takes the start of its execution date in its zone, the order its own `at`, the
        // lines without a time none, and the second agreement the order's (the last timed line's)
        assertThat(stamped).containsExactly(Instant.parse("2003-04-28T04:00:00Z"),
                Instant.parse("2003-07-11T13:45:00Z"), null, null, Instant.parse("2003-07-11T13:45:00Z"));
    }

    @Test
    void shouldNotStampAnAgreementWhoseAtCannotBeReadNorLetItStampTheNext() {
        // given an agreement whose `at` has no offset, then one without `at`
        List<TimelineEntry> entries = parse(
                "{\"type\":\"agreement\",\"at\":\"2003-05-01T09:00:00\",\"investorId\":\"d\",\"securityId\":\"S\","
                        + "\"executionDate\":\"2003-04-28\",\"timeZone\":\"UTC\"}",
                "{\"type\":\"agreement\",\"investorId\":\"d\",\"securityId\":\"S\",\"executionDate\":\"2003-04-28\","
                        + "\"timeZone\":\"UTC\"}");
        LineTimes times = new LineTimes();

        // when / then the first is not stamped (it is neither sent nor applied), and the second is stamped as the
        // first timed line would be, at the start of its execution date
        assertThat(times.of(entries.get(0))).isNull();
        assertThat(times.of(entries.get(1))).isEqualTo(Instant.parse("2003-04-28T00:00:00Z"));
    }

    @Test
    void shouldNotLetAnAgreementStampedIn1970ForAZoneOrDateItCannotHaveStampTheNext() {
        // given a first agreement without `at` in a zone that does not exist, one dated before 1970, then a valid
        // one without `at`
        List<TimelineEntry> entries = parse(
                "{\"type\":\"agreement\",\"investorId\":\"d\",\"securityId\":\"S\",\"executionDate\":\"2003-04-28\","
                        + "\"timeZone\":\"Mars/Olympus\"}",
                "{\"type\":\"agreement\",\"investorId\":\"d\",\"securityId\":\"S\",\"executionDate\":\"1969-04-28\","
                        + "\"timeZone\":\"UTC\"}",
                "{\"type\":\"agreement\",\"investorId\":\"d\",\"securityId\":\"S\",\"executionDate\":\"2003-04-28\","
                        + "\"timeZone\":\"UTC\"}");
        LineTimes times = new LineTimes();

        // when each is stamped in turn
        List<Instant> stamped = entries.stream().map(times::of).toList();

        // then the one in no zone takes 1970 (the one before 1970 is no record, and takes none), and the valid one
        // the start of its own execution date, not 1970 after them
        assertThat(stamped).containsExactly(Instant.EPOCH, null, Instant.parse("2003-04-28T00:00:00Z"));
    }
}
