package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.lockupguard.testing.CapturedLogs;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UnreachablePeersTest {

    private final AtomicLong now = new AtomicLong();
    private final UnreachablePeers peers = new UnreachablePeers(now::get);

    @Test
    void shouldSayAnInstanceThatTookTheRequestButDidNotAnswerInTimeIsSlowNotMisaddressedAndCountIt() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // when an instance took the request for its holdings and did not answer in time (stopped, say)
            peers.failed("10.0.0.7:8080", "did not answer within 8 s", true);

            // then the log says so, and sends nobody to check its address (seen: "cannot be reached (did not answer
            // within 8 s) ... is its http.advertised.host ... an address this instance can reach?"); it counts
            assertThat(logged.messagesAt(Level.WARN)).singleElement().asString()
                    .startsWith("instance 10.0.0.7:8080 took a request for its holdings and did not answer within 8 s")
                    .doesNotContain("http.advertised.host");
            assertThat(peers.count()).isEqualTo(1);
        }
    }

    @Test
    void shouldWarnOfAnInstanceThatCannotBeReachedOnceAndAgainEveryFiveMinutesWhileItLasts() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // given an instance that cannot be reached, asked every 5 s for six minutes
            for (long second = 0; second <= 360; second += 5) {
                now.set(Duration.ofSeconds(second).toNanos());
                // when
                peers.failed("10.0.0.7:8080", "connection refused");
            }

            // then it was said once it had lasted 30 s and again five minutes later, naming the setting to check,
            // and it counts (seen: nothing said or counted, the instances ready, every query of its holdings a 503
            // elsewhere)
            String then = "asking it for its holdings fails, and each query of them here answers 503, until it can "
                    + "be. Is it down (an instance restarting under its group.instance.id stays in the group), or is "
                    + "its http.advertised.host (and http.port) not an address this instance can reach?";
            assertThat(logged.messagesAt(Level.WARN)).containsExactly("instance 10.0.0.7:8080 cannot be reached "
                    + "(connection refused), for 30 s now: " + then, "instance 10.0.0.7:8080 cannot be reached "
                    + "(connection refused), for 330 s now: " + then);
            assertThat(peers.count()).isEqualTo(1);
        }
    }

    @Test
    void shouldTellOfAnInstanceRefusingConnectionsBrieflyOnlyAtInfo() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // given an instance stopping: its web server closed, for a second and a half before it leaves the group
            for (long millis = 0; millis <= 1500; millis += 500) {
                now.set(Duration.ofMillis(millis).toNanos());
                // when
                peers.failed("10.0.0.7:8080", "connection refused");
            }

            // then it is told once, at INFO, and counted (seen in a review: every rolling restart warned of each
            // instance, sending the operator to check its http.advertised.host)
            assertThat(logged.messagesAt(Level.WARN)).isEmpty();
            assertThat(logged.messagesAt(Level.INFO)).containsExactly("instance 10.0.0.7:8080 cannot be reached "
                    + "(connection refused): asking it for its holdings fails, and each query of them here answers "
                    + "503, until it can be (an instance stopping, or restarting); warned of if it lasts 30 s");
            assertThat(peers.count()).isEqualTo(1);
        }
    }

    @Test
    void shouldCountHowLongAnInstanceFailsFromItsFirstFailureSinceItAnswered() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // given an instance that failed, answered 20 s later, and failed again 20 s after that
            peers.failed("10.0.0.7:8080", "connection refused");
            now.set(Duration.ofSeconds(20).toNanos());
            peers.answered("10.0.0.7:8080");
            now.set(Duration.ofSeconds(40).toNanos());
            peers.failed("10.0.0.7:8080", "connection refused");
            // and one that failed, was not asked for five minutes, and failed again
            now.set(Duration.ofSeconds(50).toNanos());
            peers.failed("10.0.0.8:8080", "connection refused");
            now.set(Duration.ofSeconds(50).plus(UnreachablePeers.REMEMBERED).toNanos());
            peers.failed("10.0.0.8:8080", "connection refused");

            // then neither has failed for 30 s: no warning
            assertThat(logged.messagesAt(Level.WARN)).isEmpty();

            // when the second fails on for 30 s, then it is warned of
            now.addAndGet(Duration.ofSeconds(30).toNanos());
            peers.failed("10.0.0.8:8080", "connection refused");
            assertThat(logged.messagesAt(Level.WARN)).singleElement().asString()
                    .startsWith("instance 10.0.0.8:8080 cannot be reached (connection refused), for 30 s now");
        }
    }

    @Test
    void shouldWarnAtOnceOfAFailureThatSaysWhatToCheck() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // when an instance's name does not resolve
            peers.failed("guard-2:8080", "its name does not resolve here: is its http.advertised.host a name or "
                    + "address the other instances can reach?");

            // then
            assertThat(logged.messagesAt(Level.WARN)).singleElement().asString()
                    .startsWith("instance guard-2:8080 cannot be reached (its name does not resolve here");
            assertThat(logged.messagesAt(Level.INFO)).isEmpty();
        }
    }

    @Test
    void shouldWarnAgainAtOnceWhenAnInstanceFailsForAnotherKindOfReason() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // given an instance that refused the service token, and was told of
            peers.refused("10.0.0.7:8080", 401, "the token is not one this guard accepts");
            // when, a minute later, it is refused in TLS instead (restarted with another certificate, say)
            now.set(Duration.ofMinutes(1).toNanos());
            peers.failed("10.0.0.7:8080", "TLS refused: No subject alternative names matching IP address 10.0.0.7 "
                    + "found: does it serve https with a certificate ...?");

            // then that is told too, not held back for five minutes behind the first (seen in a review), and the
            // instance still counts once
            assertThat(logged.messagesAt(Level.WARN)).hasSize(2).last().asString()
                    .startsWith("instance 10.0.0.7:8080 cannot be reached (TLS refused: ")
                    .doesNotContain("If this lasts, is its http.advertised.host");
            assertThat(peers.count()).isEqualTo(1);
        }
    }

    @Test
    void shouldWarnOfAnInstanceRefusingCallersCredentialsEveryFiveMinutesWithoutCountingIt() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // given an instance that refuses the callers' tokens this one accepted, asked every 5 s for six minutes
            for (long second = 0; second <= 360; second += 5) {
                now.set(Duration.ofSeconds(second).toNanos());
                // when
                peers.refusedCallers("10.0.0.7:8080", 401, "the token is meant for another audience");
            }

            // then it was said at once and after five minutes, naming the settings that differ if it lasts, and the
            // instance is not counted among those that cannot be asked: it answers, and each caller is told
            assertThat(logged.messagesAt(Level.WARN)).hasSize(2).allSatisfy(message -> assertThat(message)
                    .startsWith("instance 10.0.0.7:8080 refused a caller's credential that this instance let in "
                            + "(401: the token is meant for another audience)")
                    .contains("api.auth.* settings differ"));
            assertThat(peers.count()).isZero();
        }
    }

    @Test
    void shouldTellAnInstanceFlappingBetweenTwoKindsOfFailureOnlyOnceForEachEveryFiveMinutes() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // given an overloaded instance whose connections time out and whose requests do, in turn, every 5 s for
            // six minutes
            for (long second = 0; second <= 360; second += 5) {
                now.set(Duration.ofSeconds(second).toNanos());
                // when
                peers.failed("10.0.0.7:8080", second % 10 == 0 ? "connect timed out" : "did not answer within 8 s",
                        second % 10 != 0);
            }

            // then each kind was told at once and after five minutes, not at every failure (seen in a review)
            assertThat(logged.messagesAt(Level.WARN)).hasSize(4);
            assertThat(peers.count()).isEqualTo(1);
        }
    }

    @Test
    void shouldCountAnInstanceNoLongerOnceItAnswersOrIsNotAskedForFiveMinutes() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // given two instances that could not be reached
            peers.failed("10.0.0.7:8080", "connection refused");
            peers.failed("10.0.0.8:8080", "connection refused");

            // when one answers, and the other is not asked again (it left the group, say)
            peers.answered("10.0.0.7:8080");
            int afterTheAnswer = peers.count();
            now.set(UnreachablePeers.REMEMBERED.toNanos());

            // then the first is said to be reached again, and neither counts once five minutes have passed
            assertThat(afterTheAnswer).isEqualTo(1);
            assertThat(peers.count()).isZero();
            assertThat(logged.messagesAt(Level.INFO)).filteredOn(message -> message.endsWith("is reached again"))
                    .containsExactly("instance 10.0.0.7:8080 is reached again");
        }
    }

    @Test
    void shouldSayNothingOfAnInstanceThatAnswersWithoutHavingFailed() {
        try (CapturedLogs logged = CapturedLogs.of(UnreachablePeers.class)) {
            // when
            peers.answered("10.0.0.7:8080");
            // then
            assertThat(logged.messages()).isEmpty();
            assertThat(peers.count()).isZero();
        }
    }
}
