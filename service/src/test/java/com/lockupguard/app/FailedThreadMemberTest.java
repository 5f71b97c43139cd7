package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which group member a failed stream thread left behind, as Kafka Streams names its static members. */
class FailedThreadMemberTest {

    @Test
    void shouldNameTheStaticMemberOfAStreamThreadAsKafkaStreamsDoes() {
        // given the guard's group.instance.id and a stream thread's name (client id, then the thread's index)
        // when
        String member = FailedThreadMember.instanceId("guard-a", "lockup-guard-1c9d-StreamThread-3").orElseThrow();

        // then it is the id with the thread's index appended
        assertThat(member).isEqualTo("guard-a-3");
    }

    @Test
    void shouldNameNoMemberForAThreadThatIsNotAStreamThread() {
        // given threads that are not stream threads, or whose index cannot be read
        // when / then
        assertThat(FailedThreadMember.instanceId("guard-a", "main")).isEmpty();
        assertThat(FailedThreadMember.instanceId("guard-a", "lockup-guard-StreamThread-")).isEmpty();
        assertThat(FailedThreadMember.instanceId("guard-a", "lockup-guard-StreamThread-2a")).isEmpty();
    }
}
