package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FailureCausesTest {

    @Test
    void shouldFindTheOutermostCauseOfTheTypeAskedFor() {
        // given a stream thread's failure wrapping a producer's refusal
        RecordTooLargeException refused = new RecordTooLargeException("The request included a message larger than "
                + "the max message size the server will accept.");
        StreamsException failure = new StreamsException("Error encountered sending record",
                new StreamsException("task failed", refused));
        // when / then the refusal is found, and what is not there is not
        assertThat(FailureCauses.find(failure, RecordTooLargeException.class)).containsSame(refused);
        assertThat(FailureCauses.find(failure, StreamsException.class)).containsSame(failure);
        assertThat(FailureCauses.find(failure, UncheckedIOException.class)).isEmpty();
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldListEachCauseOnceWhenTheyFormACycle() {
        // given two exceptions each the other's cause
        IllegalArgumentException first = new IllegalArgumentException("first");
        IllegalStateException second = new IllegalStateException("second");
        first.initCause(second);
        second.initCause(first);
        // when / then the walk ends with each once, and a cause outside the cycle is not made up
        assertThat(FailureCauses.of(first)).containsExactly(first, second);
        assertThat(FailureCauses.find(first, RecordTooLargeException.class)).isEmpty();
    }

    @Test
    void shouldStopAtADepthThatNoRealFailureReaches() {
        // given a chain of causes deeper than the walk goes
        Throwable failure = new IllegalStateException("root");
        for (int i = 0; i < 1_000; i++) {
            failure = new IllegalStateException("wrapper " + i, failure);
        }
        // when / then
        assertThat(FailureCauses.of(failure)).hasSize(FailureCauses.MAX_DEPTH);
    }
}
