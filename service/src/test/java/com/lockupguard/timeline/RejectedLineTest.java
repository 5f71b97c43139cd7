package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** How produce names a line the broker did not take: refused, or never answered (and so perhaps written). */
class RejectedLineTest {

    @Test
    void shouldNameALineNoAnswerCameForAsPerhapsWrittenNotAsRefused() {
        // given a line whose send expired without an answer (the broker stopped while it was in flight)
        TimelineProducer.Rejected expired = new TimelineProducer.Rejected(48001, "order", "orders",
                new TimeoutException("Expiring 250 record(s) for orders-0: 8001 ms has passed since batch creation"));

        // when / then it is said to be unacknowledged, and perhaps on the topic (seen: 997 of 100,110 were)
        assertThat(expired.unanswered()).isTrue();
        assertThat(expired.toString()).startsWith("line 48001: not acknowledged, and may be on the topic or not "
                + "(topic orders; read it back with export").contains("Expiring 250 record(s)")
                .doesNotContain("rejected by the broker");
    }

    @Test
    void shouldNameALineTheBrokerAnsweredWithARefusalAsRejected() {
        // given a line the broker refused
        TimelineProducer.Rejected refused = new TimelineProducer.Rejected(7, "order", "orders",
                new RecordTooLargeException("too large"));

        // when / then
        assertThat(refused.unanswered()).isFalse();
        assertThat(refused.toString()).isEqualTo("line 7: rejected by the broker (topic orders): "
                + "org.apache.kafka.common.errors.RecordTooLargeException: too large");
    }
}
