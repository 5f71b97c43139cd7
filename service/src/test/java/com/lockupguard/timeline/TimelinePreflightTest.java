package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.TopicSettings;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelinePreflightTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private final TimelineParser parser = new TimelineParser(new ObjectMapper());

    private TimelineEntry order(int line, String at) {
        return parser.parse(line, "{\"type\":\"order\",\"at\":\"" + at + "\",\"orderId\":\"o" + line
                + "\",\"investorId\":\"i\",\"securityId\":\"s\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1}").orElseThrow();
    }

    private TimelineEntry execution(int line, String at) {
        return parser.parse(line, "{\"type\":\"execution\",\"at\":\"" + at + "\",\"executionId\":\"x" + line
                + "\",\"orderId\":\"o1\",\"investorId\":\"i\",\"securityId\":\"s\",\"kind\":\"FILL\","
                + "\"quantity\":1}").orElseThrow();
    }

    private static TopicSettings orders(String... settings) {
        Map<String, String> values = new HashMap<>(Map.of("cleanup.policy", "delete", "retention.ms", "604800000",
                "message.timestamp.type", "CreateTime", "message.timestamp.before.max.ms",
                Long.toString(Long.MAX_VALUE), "message.timestamp.after.max.ms", "3600000"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return new TopicSettings("orders", values);
    }

    @Test
    void shouldSayOnceThatHistoricalRecordsWouldBeDeletedBeforeTheGuardReadsThem() {
        // given two 2003 orders and a recent one, for a CreateTime topic that keeps 7 days
        List<TimelineEntry> records = List.of(order(1, "2026-11-30T12:00:00Z"), order(2, "2003-07-11T09:45:00-04:00"),
                order(3, "2003-07-12T09:45:00-04:00"));
        // when
        List<TimelinePreflight.Problem> problems = TimelinePreflight.check(orders(), records, NOW);
        // then one problem names the topic, the count, the first line and the fix
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.records()).isEqualTo(2);
            assertThat(problem.firstLine()).isEqualTo(2);
            assertThat(problem.toString()).contains("topic 'orders'", "retention.ms=604800000",
                    "--entity-name orders --alter --add-config retention.ms=-1");
        });
    }

    @Test
    void shouldLetHistoricalRecordsThroughWhereNothingIsDeletedByTime() {
        List<TimelineEntry> records = List.of(order(1, "2003-07-11T09:45:00-04:00"));
        assertThat(TimelinePreflight.check(orders("retention.ms", "-1"), records, NOW)).isEmpty();
        assertThat(TimelinePreflight.check(orders("message.timestamp.type", "LogAppendTime"), records, NOW)).isEmpty();
        assertThat(TimelinePreflight.check(orders("cleanup.policy", "compact"), records, NOW)).isEmpty();
    }

    @Test
    void shouldWarnThatABrokerStampedTopicReplacesTheTimelinesTimes() {
        // given two timed orders and one without a time, for a LogAppendTime topic (the guard's default)
        List<TimelineEntry> records = List.of(order(1, "2003-07-11T09:45:00-04:00"),
                parser.parse(2, "{\"type\":\"order\",\"orderId\":\"o2\",\"investorId\":\"i\",\"securityId\":\"s\","
                        + "\"kind\":\"PUBLIC_SALE\",\"quantity\":1}").orElseThrow(),
                order(3, "2003-07-12T09:45:00-04:00"));
        TopicSettings brokerStamped = orders("message.timestamp.type", "LogAppendTime");

        // when
        List<TimelinePreflight.Problem> warnings = TimelinePreflight.restamped(brokerStamped, records);

        // then nothing is refused, but the user hears that the timed ones will be decided at the broker's time
        assertThat(TimelinePreflight.check(brokerStamped, records, NOW)).isEmpty();
        assertThat(warnings).singleElement().satisfies(warning -> {
            assertThat(warning.records()).isEqualTo(2);
            assertThat(warning.firstLine()).isEqualTo(1);
            assertThat(warning.toString()).contains("LogAppendTime", "orders.timestamp.type=CreateTime");
        });
        assertThat(TimelinePreflight.restamped(orders(), records)).isEmpty();
    }

    @Test
    void shouldSayWhichRecordsTheBrokerWouldRefuseForTheirTimestamp() {
        // given a topic that refuses records older than a day, and one from next week
        List<TimelineEntry> records = List.of(order(1, "2003-07-11T09:45:00-04:00"), order(2, "2026-12-08T00:00:00Z"));
        // when
        List<TimelinePreflight.Problem> problems = TimelinePreflight.check(orders("retention.ms", "-1",
                "message.timestamp.before.max.ms", "86400000"), records, NOW);
        // then
        assertThat(problems).extracting(TimelinePreflight.Problem::firstLine).containsExactly(1, 2);
        assertThat(problems.get(0).what()).contains("message.timestamp.before.max.ms=86400000");
        assertThat(problems.get(1).what()).contains("message.timestamp.after.max.ms=3600000");
    }

    @Test
    void shouldSayThatHistoricalExecutionReportsWouldBeDeletedAsOrdersWould() {
        // given a recent order and a fill and a cancel of 2003, for a CreateTime topic that keeps 7 days
        List<TimelineEntry> records = List.of(order(1, "2026-11-30T12:00:00Z"),
                execution(2, "2003-07-11T10:30:00-04:00"), execution(3, "2003-07-11T16:05:00-04:00"));

        // when
        List<TimelinePreflight.Problem> problems = TimelinePreflight.check(orders(), records, NOW);

        // then the reports are counted, from the first of them: the broker would delete them, fills lost
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.records()).isEqualTo(2);
            assertThat(problem.firstLine()).isEqualTo(2);
        });
    }

    @Test
    void shouldTargetOnlyTheTopicsTheTimelinesLinesGoTo() {
        // given a timeline of an order and a fill, and one that also carries an agreement
        TimelineEntry agreement = parser.parse(3, "{\"type\":\"agreement\",\"investorId\":\"i\","
                + "\"securityId\":\"s\",\"executionDate\":\"2003-04-28\"}").orElseThrow();
        List<TimelineEntry> orders = List.of(order(1, "2026-11-30T12:00:00Z"), execution(2, "2026-11-30T12:00:01Z"));
        List<TimelineEntry> both = List.of(orders.get(0), orders.get(1), agreement);

        // when / then a desk that sends orders and reports alone needs no agreements topic, nor sight of one
        assertThat(TimelinePreflight.targets("agreements", "orders", orders)).containsExactly("orders");
        assertThat(TimelinePreflight.targets("agreements", "orders", both))
                .containsExactlyInAnyOrder("agreements", "orders");
    }

    @Test
    void shouldLetThroughRecordsStampedAheadWithinWhatTheBrokerTakes() {
        // given an order stamped half an hour ahead, for a topic that takes records up to an hour ahead
        List<TimelineEntry> records = List.of(order(1, "2026-12-01T12:30:00Z"));

        // when
        List<TimelinePreflight.Problem> problems = TimelinePreflight.check(orders(), records, NOW);

        // then nothing is said: the broker takes it
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldSayWhichRecordsABrokerThatTakesNoneFromThePastOrFutureWouldRefuse() {
        // given a topic that keeps everything but takes no record stamped before or after now, and orders stamped
        // a second ago, now, and a second ahead
        List<TimelineEntry> records = List.of(order(1, "2026-12-01T11:59:59Z"), order(2, "2026-12-01T12:00:00Z"),
                order(3, "2026-12-01T12:00:01Z"));
        // when
        List<TimelinePreflight.Problem> problems = TimelinePreflight.check(orders("retention.ms", "-1",
                "message.timestamp.before.max.ms", "0", "message.timestamp.after.max.ms", "0"), records, NOW);
        // then the one before and the one after are refused, the one stamped now is not
        assertThat(problems).extracting(TimelinePreflight.Problem::records, TimelinePreflight.Problem::firstLine)
                .containsExactly(tuple(1, 1), tuple(1, 3));
    }

    @Test
    void shouldTakeATopicThatKeepsAndTakesRecordsForAsLongAsALongCanSay() {
        // given a topic whose retention and timestamp bounds are just short of Long.MAX_VALUE ("forever" as some
        // write it), and orders of 2003 and of 2099
        List<TimelineEntry> records = List.of(order(1, "2003-07-11T09:45:00-04:00"), order(2, "2099-07-11T09:45:00Z"));
        String longest = Long.toString(Long.MAX_VALUE - 1);

        // when
        List<TimelinePreflight.Problem> problems = TimelinePreflight.check(orders("retention.ms", longest,
                "message.timestamp.before.max.ms", longest, "message.timestamp.after.max.ms", longest), records, NOW);

        // then nothing is lost or refused: the bound ahead of now does not overflow into the past
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldSayThatATopicKeepingRecordsForNoTimeWouldDeleteThemAll() {
        // given a topic with retention.ms=0 and an order stamped a second ago
        List<TimelineEntry> records = List.of(order(1, "2026-12-01T11:59:59Z"));
        // when
        List<TimelinePreflight.Problem> problems = TimelinePreflight.check(orders("retention.ms", "0"), records, NOW);
        // then
        assertThat(problems).singleElement().satisfies(problem -> assertThat(problem.what())
                .contains("retention.ms=0"));
    }

    @Test
    void shouldSayThatHistoricalAgreementsWouldBeDeletedAsOrdersWould() {
        // given an agreement stamped in 2003, for a CreateTime topic that keeps 7 days
        TimelineEntry agreement = parser.parse(4, "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\","
                + "\"investorId\":\"i\",\"securityId\":\"s\",\"executionDate\":\"2003-04-28\"}").orElseThrow();
        // when
        List<TimelinePreflight.Problem> problems = TimelinePreflight.check(orders(), List.of(agreement), NOW);
        // then
        assertThat(problems).singleElement().satisfies(problem -> assertThat(problem.firstLine()).isEqualTo(4));
    }

    @Test
    void shouldTargetNoTopicForLinesThatAreNotSentAndTheOrdersTopicForReportsAlone() throws Exception {
        // given a timeline of lines that are not sent, and one of execution reports alone
        List<TimelineEntry> unsent = List.of(parser.parse(1, "not json").orElseThrow(),
                parser.parse(2, "{\"type\":\"agreement\"}").orElseThrow());
        List<TimelineEntry> reports = List.of(execution(1, "2026-11-30T12:00:00Z"));
        // when / then nothing is sent from the first, so there is nothing to check, not even a broker to ask
        assertThat(TimelinePreflight.targets("agreements", "orders", unsent)).isEmpty();
        assertThat(TimelinePreflight.check(null, "agreements", "orders", unsent, NOW))
                .isEqualTo(new TimelinePreflight.Findings(List.of(), List.of()));
        assertThat(TimelinePreflight.targets("agreements", "orders", reports)).containsExactly("orders");
    }
}
