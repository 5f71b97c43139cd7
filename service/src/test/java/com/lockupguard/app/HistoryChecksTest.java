package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HistoryChecksTest {

    private static final GuardConfig CONFIG = new GuardConfig(Map.of("application.id", "guard-x",
            "bootstrap.servers", "broker:9092"));

    @Test
    void shouldNotTellAGuardStartingWithTheCheckAtWarnToSetItToWarn() {
        // given the lost-state check's reason, whose last sentence says how to start anyway
        GuardHistory history = new GuardHistory("guard-x", Map.of(new TopicPartition("orders", 0),
                new OffsetAndMetadata(40, "AgAAAPTUW7SA")), List.of());
        String reason = LostState.atStart(CONFIG, history).orElseThrow();
        HistoryChecks.Finding finding = new HistoryChecks.Finding(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, reason);

        // when a start at warn words it
        String warning = finding.warning();

        // then the refusal keeps that sentence and the warning is the rest, how to rebuild the state included
        assertThat(reason).endsWith(" To start from empty state anyway, set topics.lost.state.check=warn.");
        assertThat(warning).isEqualTo(reason.substring(0, reason.length()
                - " To start from empty state anyway, set topics.lost.state.check=warn.".length()))
                .contains("kafka-streams-application-reset");
    }

    @Test
    void shouldDropOnlyTheClauseThatSaysToSetWarnWhereItFollowsASemicolon() {
        // given a reason whose override is the clause after its last semicolon, as the lost-positions check words it
        HistoryChecks.Finding finding = new HistoryChecks.Finding(GuardConfig.TOPICS_LOST_POSITIONS_CHECK_CONFIG,
                "this guard's positions on its inputs are gone. Set the positions where it stopped before starting "
                        + "it (an order it remembers is answered as before); to read every kept record again, set "
                        + "topics.lost.positions.check=warn.");

        // when / then the warning ends with the sentence that clause ended
        assertThat(finding.warning()).isEqualTo("this guard's positions on its inputs are gone. Set the positions "
                + "where it stopped before starting it (an order it remembers is answered as before).");
    }

    @Test
    void shouldKeepAQuestionBeforeTheSentenceThatSaysToSetWarn() {
        // given a reason that asks a question before saying how to start anyway, as another guard's decisions do
        HistoryChecks.Finding finding = new HistoryChecks.Finding(GuardConfig.TOPICS_EXISTING_DECISIONS_CHECK_CONFIG,
                "this guard has never run here. Is application.id right? To start a new guard on these topics anyway, "
                        + "set topics.existing.decisions.check=warn.");

        // when / then the question stays
        assertThat(finding.warning()).isEqualTo("this guard has never run here. Is application.id right?");
    }

    @Test
    void shouldKeepAReasonThatDoesNotEndByNamingItsOwnSetting() {
        // given reasons that end otherwise, or name another setting
        HistoryChecks.Finding plain = new HistoryChecks.Finding(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG,
                "state is gone. Rebuild it.");
        HistoryChecks.Finding other = new HistoryChecks.Finding(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG,
                "state is gone. To start anyway, set topics.lost.positions.check=warn.");

        // when / then each is said whole
        assertThat(plain.warning()).isEqualTo("state is gone. Rebuild it.");
        assertThat(other.warning()).isEqualTo(other.reason());
    }
}
