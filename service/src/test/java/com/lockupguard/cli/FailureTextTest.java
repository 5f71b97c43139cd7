package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureTextTest {

    @Test
    void shouldNameAFailureAndEachOfItsCauses() {
        // given a failure, as a broker's start throws it
        Exception failure = new IllegalStateException("broker did not start",
                new java.io.UncheckedIOException(new java.io.IOException("Address already in use")));
        // when / then
        assertThat(FailureText.causes(failure)).isEqualTo("java.lang.IllegalStateException: broker did not start; "
                + "caused by: java.io.UncheckedIOException: java.io.IOException: Address already in use; caused by: "
                + "java.io.IOException: Address already in use");
    }

    @Test
    void shouldNameEachCauseOnceWhenTwoAreEachOthersCause() {
        // given two exceptions each the other's cause (initCause allows it; printStackTrace marks it CIRCULAR)
        Exception first = new IllegalStateException("first");
        Exception second = new IllegalStateException("second", first);
        first.initCause(second);
        // when / then
        assertThat(FailureText.causes(first)).isEqualTo("java.lang.IllegalStateException: first; caused by: "
                + "java.lang.IllegalStateException: second");
    }
}
