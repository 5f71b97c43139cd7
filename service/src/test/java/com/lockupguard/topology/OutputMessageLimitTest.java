package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutputMessageLimitTest {

    @Test
    void shouldSayWhetherALimitReadAgainChangedWhatWasKnown() {
        // given a limit unknown until read
        OutputMessageLimit limit = OutputMessageLimit.unchecked();
        assertThat(limit.bytes()).isEqualTo(Integer.MAX_VALUE);

        // when it is read, read again unchanged, raised, and found on another topic
        boolean first = limit.set("orders-blocked", 100_000);
        boolean same = limit.set("orders-blocked", 100_000);
        boolean raised = limit.set("orders-blocked", 1_048_576);
        boolean moved = limit.set("orders-dlq", 1_048_576);

        // then only the reads that changed it say so (the guard logs those), and the last one counts
        assertThat(first).isTrue();
        assertThat(same).isFalse();
        assertThat(raised).isTrue();
        assertThat(moved).isTrue();
        assertThat(limit.bytes()).isEqualTo(1_048_576);
        assertThat(limit.topic()).isEqualTo("orders-dlq");
    }

    @Test
    void shouldRefuseALimitNoRecordFits() {
        // given a limit read as 100,000 bytes
        OutputMessageLimit limit = OutputMessageLimit.unchecked();
        limit.set("orders-blocked", 100_000);

        // when a topic's max.message.bytes reads as 0, then it is refused and the last read stays
        assertThatThrownBy(() -> limit.set("orders-blocked", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders-blocked");
        assertThat(limit.bytes()).isEqualTo(100_000);
    }
}
