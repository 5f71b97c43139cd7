package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.lockupguard.topology.TopicNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TopicPolicyTest {

    private static final TopicNames NAMES = TopicNames.defaults();
    private static final long SIX_YEARS = 6L * 365 * 24 * 3600 * 1000;

    private static TopicPolicy keepForever(String ordersTimestampType) {
        return new TopicPolicy(NAMES, -1, GuardConfig.CREATE_TIME.equals(ordersTimestampType) ? -1
                : GuardConfig.LOG_APPEND_TIME_ORDERS_RETENTION_MS, ordersTimestampType);
    }

    /**
     * A topic as the broker describes it: its own settings over Kafka 4's defaults (7 days, delete, any timestamp
     * back and up to an hour ahead).
     */
    private static TopicSettings topic(String name, String... settings) {
        Map<String, String> values = new HashMap<>(Map.of("cleanup.policy", "delete", "retention.ms", "604800000",
                "retention.bytes", "-1", "message.timestamp.type", "CreateTime", "message.timestamp.before.max.ms",
                Long.toString(Long.MAX_VALUE), "message.timestamp.after.max.ms", "3600000"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return new TopicSettings(name, values);
    }

    @Nested
    class WhenTheGuardCreatesATopic {

        @Test
        void shouldKeepCreateTimeOrdersForever() {
            assertThat(keepForever(GuardConfig.CREATE_TIME).creationConfigs("orders")).containsAllEntriesOf(Map.of(
                    "cleanup.policy", "delete", "message.timestamp.type", "CreateTime", "retention.ms", "-1",
                    "retention.bytes", "-1"));
        }

        @Test
        void shouldKeepLogAppendTimeOrdersSevenDaysAfterTheyArrive() {
            assertThat(keepForever(GuardConfig.LOG_APPEND_TIME).creationConfigs("orders")).containsAllEntriesOf(
                    Map.of("message.timestamp.type", "LogAppendTime", "retention.ms", "604800000"));
        }

        @Test
        void shouldKeepEveryDecisionForeverByDefault() {
            for (String topic : NAMES.auditTrail()) {
                assertThat(keepForever(GuardConfig.CREATE_TIME).creationConfigs(topic)).as(topic)
                        .containsEntry("retention.ms", "-1").containsEntry("retention.bytes", "-1")
                        .containsEntry("cleanup.policy", "delete").doesNotContainKey("message.timestamp.type");
            }
        }

        @Test
        void shouldCountAFiniteDecisionRetentionFromWhenTheGuardWroteTheRecord() {
            TopicPolicy policy = new TopicPolicy(NAMES, SIX_YEARS, -1, GuardConfig.CREATE_TIME);
            assertThat(policy.creationConfigs("orders-approved")).containsEntry("retention.ms", Long.toString(SIX_YEARS))
                    .containsEntry("message.timestamp.type", "LogAppendTime");
        }

        @Test
        void shouldKeepAgreementsAndPositionsCompacted() {
            assertThat(keepForever(GuardConfig.CREATE_TIME).creationConfigs("agreements"))
                    .isEqualTo(Map.of("cleanup.policy", "compact"));
            assertThat(keepForever(GuardConfig.CREATE_TIME).creationConfigs("holding-positions"))
                    .containsEntry("cleanup.policy", "compact");
        }

        @Test
        void shouldLetEveryOutputTakeAnyTimestampTheRecordsItAnswersCarry() {
            // given the guard's policies, with a finite decision retention (LogAppendTime) or not (CreateTime)
            for (TopicPolicy policy : List.of(keepForever(GuardConfig.CREATE_TIME),
                    new TopicPolicy(NAMES, SIX_YEARS, -1, GuardConfig.CREATE_TIME))) {
                // when it creates its outputs, then none bounds timestamps, whatever the broker's defaults
                for (String output : List.of("orders-approved", "orders-blocked", "orders-dlq", "holding-positions",
                        "agreement-audit", "execution-results", "compliance-alerts")) {
                    assertThat(policy.creationConfigs(output)).as(output)
                            .containsEntry("message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE))
                            .containsEntry("message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
                }
                // and the inputs keep the broker's bounds: what their producers may stamp is the owners' to say
                for (String input : NAMES.inputs()) {
                    assertThat(policy.creationConfigs(input)).as(input)
                            .doesNotContainKeys("message.timestamp.before.max.ms", "message.timestamp.after.max.ms");
                }
            }
        }

        @Test
        void shouldFindNothingWrongWithTheTopicsItCreates() {
            for (TopicPolicy policy : List.of(keepForever(GuardConfig.CREATE_TIME),
                    keepForever(GuardConfig.LOG_APPEND_TIME), new TopicPolicy(NAMES, SIX_YEARS, -1, "CreateTime"))) {
                for (String name : NAMES.all()) {
                    Map<String, String> created = new HashMap<>(topic(name).values());
                    created.putAll(policy.creationConfigs(name));
                    assertThat(policy.check(new TopicSettings(name, created))).as(name).isEmpty();
                }
            }
        }
    }

    @Nested
    class WhenATopicExists {

        @Test
        void shouldRefuseAnOutputThatRefusesAnswersToRecordsStampedLongAgo() {
            // given outputs on CreateTime that take records stamped at most a day ago, or on LogAppendTime
            TopicPolicy policy = keepForever(GuardConfig.CREATE_TIME);
            // when / then the CreateTime one is a problem, saying what to set; the LogAppendTime one and an input
            // are not
            assertThat(policy.check(topic("orders-approved", "retention.ms", "-1", "message.timestamp.before.max.ms",
                    "86400000"))).singleElement().satisfies(problem -> {
                        assertThat(problem.setting()).isEqualTo("message.timestamp.before.max.ms");
                        assertThat(problem.required()).isEqualTo(Long.toString(Long.MAX_VALUE));
                        assertThat(problem.message()).contains("the guard stops on that record");
                    });
            assertThat(policy.check(topic("holding-positions", "message.timestamp.before.max.ms", "86400000")))
                    .hasSize(1);
            assertThat(policy.check(topic("orders-approved", "retention.ms", "-1", "message.timestamp.before.max.ms",
                    "86400000", "message.timestamp.type", "LogAppendTime"))).isEmpty();
            assertThat(policy.check(topic("orders", "message.timestamp.before.max.ms", "86400000",
                    "retention.ms", "-1"))).isEmpty();
        }

        @Test
        void shouldCheckTheTimestampBoundsOfACompactedChangelogOfItsStores() {
            // given the guard's topics and a compacted changelog of one of its stores, on CreateTime, that refuses
            // records stamped over a day ago
            TopicPolicy policy = keepForever(GuardConfig.CREATE_TIME);
            Map<String, TopicSettings> topics = new java.util.LinkedHashMap<>();
            NAMES.all().forEach(name -> topics.put(name, topic(name, "retention.ms", "-1")));
            topics.put("guard-holding-state-changelog", topic("guard-holding-state-changelog", "cleanup.policy",
                    "compact", "message.timestamp.before.max.ms", "86400000"));
            // when / then the bound is its one problem: compaction is what a changelog wants
            assertThat(policy.check(topics)).singleElement().satisfies(problem -> {
                assertThat(problem.topic()).isEqualTo("guard-holding-state-changelog");
                assertThat(problem.setting()).isEqualTo("message.timestamp.before.max.ms");
            });
        }

        @Test
        void shouldRefuseAChangelogOfItsStoresThatDeletesByAgeOrSize() {
            // given the guard's topics, and changelogs of its stores deleting by the broker's default week, by size,
            // or compacted and deleting nothing
            TopicPolicy policy = keepForever(GuardConfig.CREATE_TIME);
            Map<String, TopicSettings> topics = new java.util.LinkedHashMap<>();
            NAMES.all().forEach(name -> topics.put(name, topic(name, "retention.ms", "-1")));
            topics.put("guard-holding-state-changelog", topic("guard-holding-state-changelog", "cleanup.policy",
                    "delete", "message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE)));
            topics.put("guard-seen-orders-changelog", topic("guard-seen-orders-changelog", "cleanup.policy",
                    "compact,delete", "retention.ms", "-1", "retention.bytes", "1073741824",
                    "message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE)));
            topics.put("guard-release-schedule-changelog", topic("guard-release-schedule-changelog",
                    "cleanup.policy", "compact,delete", "retention.ms", "-1",
                    "message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE)));

            // when they are checked
            List<TopicPolicy.Problem> problems = policy.check(topics);

            // then each that deletes is a problem, to be compacted: a restore would bring back part of the state
            assertThat(problems).extracting(TopicPolicy.Problem::topic, TopicPolicy.Problem::setting,
                    TopicPolicy.Problem::required).containsExactlyInAnyOrder(
                    tuple("guard-holding-state-changelog", "cleanup.policy",
                            "compact"),
                    tuple("guard-seen-orders-changelog", "cleanup.policy",
                            "compact"));
            assertThat(problems.get(0).message()).contains("a restore would bring back holdings without their "
                    + "agreements");
        }

        @Test
        void shouldRefuseAnOutputThatTakesRecordsStampedLessFarAheadThanAnInputTakes() {
            // given the guard's topics at Kafka 4's defaults, but for the orders topic, which takes any timestamp
            TopicPolicy policy = keepForever(GuardConfig.CREATE_TIME);
            Map<String, TopicSettings> topics = new java.util.LinkedHashMap<>();
            NAMES.all().forEach(name -> topics.put(name, topic(name, "retention.ms", "-1")));
            assertThat(policy.check(topics)).as("every topic at the broker's defaults").isEmpty();
            topics.put("orders", topic("orders", "retention.ms", "-1", "message.timestamp.after.max.ms",
                    Long.toString(Long.MAX_VALUE)));
            // when they are checked together
            List<TopicPolicy.Problem> problems = policy.check(topics);
            // then each CreateTime output is a problem: the answer to an order stamped two hours ahead would be refused
            assertThat(problems).extracting(TopicPolicy.Problem::topic).containsExactlyInAnyOrder("orders-approved",
                    "orders-blocked", "orders-dlq", "holding-positions", "agreement-audit", "execution-results",
                    "compliance-alerts");
            assertThat(problems).allSatisfy(problem -> assertThat(problem.setting())
                    .isEqualTo("message.timestamp.after.max.ms"));
        }

        @Test
        void shouldRefuseCreateTimeOrdersThatDeleteByTime() {
            List<TopicPolicy.Problem> problems = keepForever(GuardConfig.CREATE_TIME).check(topic("orders"));
            assertThat(problems).singleElement().satisfies(problem -> {
                assertThat(problem.setting()).isEqualTo("retention.ms");
                assertThat(problem.actual()).isEqualTo("604800000");
                assertThat(problem.required()).isEqualTo("-1");
                assertThat(problem.message()).contains("topic 'orders'", "CreateTime",
                        "kafka-configs --bootstrap-server <brokers> --entity-type topics --entity-name orders --alter "
                                + "--add-config retention.ms=-1");
            });
        }

        @Test
        void shouldRefuseCreateTimeOrdersThatDeleteBySize() {
            assertThat(keepForever(GuardConfig.CREATE_TIME).check(topic("orders", "retention.ms", "-1",
                    "retention.bytes", "1073741824"))).extracting(TopicPolicy.Problem::setting)
                    .containsExactly("retention.bytes");
        }

        @Test
        void shouldAcceptLogAppendTimeOrdersWithFiniteRetention() {
            assertThat(keepForever(GuardConfig.LOG_APPEND_TIME).check(topic("orders", "message.timestamp.type",
                    "LogAppendTime"))).isEmpty();
        }

        @Test
        void shouldRefuseCompactedOrders() {
            assertThat(keepForever(GuardConfig.LOG_APPEND_TIME).check(topic("orders", "cleanup.policy", "compact",
                    "message.timestamp.type", "LogAppendTime"))).extracting(TopicPolicy.Problem::setting)
                    .containsExactly("cleanup.policy");
        }

        @Test
        void shouldRefuseAgreementsThatDeleteRecordsByTheirOldTimestampsAndAskThemCompactedAgain() {
            // given agreements altered to delete by age, or by size, or both, alone or with compaction
            for (String[] altered : List.of(new String[] {"cleanup.policy", "compact,delete"},
                    new String[] {"cleanup.policy", "delete"},
                    new String[] {"cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "10"})) {
                // when checked, then compaction is asked back, as the guard creates them, not every version kept
                assertThat(keepForever(GuardConfig.CREATE_TIME).check(topic("agreements", altered)))
                        .as(String.join(" ", altered)).singleElement().satisfies(problem -> {
                            assertThat(problem.setting()).isEqualTo("cleanup.policy");
                            assertThat(problem.required()).isEqualTo("compact");
                            assertThat(problem.message()).contains("deletes agreements by age",
                                    "--add-config cleanup.policy=compact");
                        });
            }
            assertThat(keepForever(GuardConfig.CREATE_TIME).check(topic("agreements", "cleanup.policy", "compact")))
                    .isEmpty();
            assertThat(keepForever(GuardConfig.CREATE_TIME).check(topic("agreements", "cleanup.policy", "delete",
                    "retention.ms", "-1"))).isEmpty();
        }

        @Test
        void shouldRefuseDecisionsKeptShorterThanTheDecisionRetention() {
            for (String name : NAMES.auditTrail()) {
                assertThat(keepForever(GuardConfig.CREATE_TIME).check(topic(name))).as(name).singleElement()
                        .satisfies(problem -> assertThat(problem.message()).contains("retention.ms=604800000",
                                "topics.decisions.retention.ms=-1 (forever)"));
            }
            TopicPolicy sixYears = new TopicPolicy(NAMES, SIX_YEARS, -1, GuardConfig.CREATE_TIME);
            assertThat(sixYears.check(topic("orders-blocked", "message.timestamp.type", "LogAppendTime")))
                    .extracting(TopicPolicy.Problem::required).containsExactly(Long.toString(SIX_YEARS));
        }

        @Test
        void shouldRefuseDecisionsDeletedBySizeOrCompacted() {
            assertThat(keepForever(GuardConfig.CREATE_TIME).check(topic("orders-approved", "retention.ms", "-1",
                    "retention.bytes", "10", "cleanup.policy", "compact,delete")))
                    .extracting(TopicPolicy.Problem::setting).containsExactly("cleanup.policy", "retention.bytes");
        }

        @Test
        void shouldRefuseATopicThatKeepsNoBytesAtAll() {
            // given retention.bytes=0: the broker deletes every closed segment, read or not
            TopicPolicy policy = keepForever(GuardConfig.CREATE_TIME);

            // when / then: the record of what the guard decided, and the orders it has yet to read, would be lost
            assertThat(policy.check(topic("orders-approved", "retention.ms", "-1", "retention.bytes", "0")))
                    .extracting(TopicPolicy.Problem::setting).containsExactly("retention.bytes");
            assertThat(policy.check(topic("orders", "retention.ms", "-1", "retention.bytes", "0")))
                    .extracting(TopicPolicy.Problem::setting).containsExactly("retention.bytes");
        }

        @Test
        void shouldRefuseFiniteDecisionRetentionCountedFromTheOrdersOwnTimestamps() {
            // given decisions kept long enough, but on CreateTime: a 2003 order's decision is older than six years
            TopicPolicy sixYears = new TopicPolicy(NAMES, SIX_YEARS, -1, GuardConfig.CREATE_TIME);
            // then
            assertThat(sixYears.check(topic("orders-approved", "retention.ms", Long.toString(SIX_YEARS))))
                    .singleElement().satisfies(problem -> {
                        assertThat(problem.setting()).isEqualTo("message.timestamp.type");
                        assertThat(problem.required()).isEqualTo("LogAppendTime");
                    });
        }

        @Test
        void shouldLeaveCompactedPositionsAlone() {
            assertThat(keepForever(GuardConfig.CREATE_TIME).check(topic("holding-positions", "cleanup.policy",
                    "compact"))).isEmpty();
        }
    }
}
