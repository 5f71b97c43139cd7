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
    void shouldNameTheMemberAsTheConsumerTrimsItsId() {
        // given an id given with blanks around it (an environment variable, say)
        // when
        String member = FailedThreadMember.instanceId(" guard-a ", "lockup-guard-StreamThread-1").orElseThrow();

        // then it is named as the consumer takes it: the index appended, then the whole trimmed
        assertThat(member).isEqualTo("guard-a -1");
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
