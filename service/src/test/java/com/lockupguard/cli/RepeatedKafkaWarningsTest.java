package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class RepeatedKafkaWarningsTest {

    private static final String UNREACHABLE = "[Consumer clientId=guard-1-StreamThread-1-consumer, groupId=guard] "
            + "Connection to node {} ({}) could not be established. Node may not be available.";

    private final LoggerContext context = new LoggerContext();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ListAppender<ILoggingEvent> written = new ListAppender<>();
    private final RepeatedKafkaWarnings filter = new RepeatedKafkaWarnings(now::get, false);

    @BeforeEach
    void setUp() {
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        context.getLogger("com.lockupguard").setLevel(Level.INFO);
        written.setContext(context);
        written.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(written);
    }

    @Test
    void shouldWriteAWarningKafkaRepeatsOnceAMinuteAndSayHowOftenItWasLeftOut() {
        // given a client that cannot reach broker 1 and warns every reconnect backoff, 20 times a second
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");

        // when it warns for a minute and a half
        for (int tick = 0; tick < 1_800; tick++) {
            network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
            now.addAndGet(50);
        }

        // then the warning is written twice, the second time after a line that counts the 1,199 left out before it
        assertThat(messages()).containsExactly(
                "[Consumer clientId=guard-1-StreamThread-1-consumer, groupId=guard] Connection to node 1 "
                        + "(localhost/127.0.0.1:9092) could not be established. Node may not be available.",
                "org.apache.kafka.clients.NetworkClient left out 1199 repeats of the next warning in the 60 s since it "
                        + "was last written (a Kafka warning is written at most once a minute; its repeats are counted "
                        + "until it is written again)",
                "[Consumer clientId=guard-1-StreamThread-1-consumer, groupId=guard] Connection to node 1 "
                        + "(localhost/127.0.0.1:9092) could not be established. Node may not be available.");
        assertThat(written.list.get(1).getLoggerName()).isEqualTo(RepeatedKafkaWarnings.class.getName());
    }

    @Test
    void shouldWriteEachBrokerAndEachClientsWarningOnceEach() {
        // given two brokers away, and a second client warning of the first
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");

        // when each is warned of twice in a second
        for (int twice = 0; twice < 2; twice++) {
            network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
            network.warn(UNREACHABLE, 2, "localhost/127.0.0.1:9093");
            network.warn(UNREACHABLE.replace("Consumer clientId=guard-1-StreamThread-1-consumer",
                    "Producer clientId=guard-1-StreamThread-1-producer"), 1, "localhost/127.0.0.1:9092");
            now.addAndGet(500);
        }

        // then each is written once: different arguments or text are different warnings
        assertThat(messages()).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void shouldTakeAWarningThatNamesANewRequestEachTimeForARepeat() {
        // given a consumer whose input topic was deleted, which warns of every metadata answer, naming its request
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");

        // when it warns once a second for half a minute
        for (int request = 1; request <= 30; request++) {
            network.warn("[Consumer clientId=guard-1-StreamThread-1-consumer, groupId=guard] Error while fetching "
                    + "metadata with correlation id " + (4_700 + request) + " : {orders=UNKNOWN_TOPIC_OR_PARTITION}");
            now.addAndGet(1_000);
        }

        // then it is written once, as it was first said: the request's number does not make it another warning
        assertThat(messages()).containsExactly("[Consumer clientId=guard-1-StreamThread-1-consumer, groupId=guard] "
                + "Error while fetching metadata with correlation id 4701 : {orders=UNKNOWN_TOPIC_OR_PARTITION}");
    }

    @Test
    void shouldTakeAProducersRetryWarningCountingDownItsAttemptsForARepeat() {
        // given a producer refused by a partition without enough in-sync replicas, which warns of every retry
        Logger sender = context.getLogger("org.apache.kafka.clients.producer.internals.Sender");

        // when it retries ten times
        for (int retry = 1; retry <= 10; retry++) {
            sender.warn("[Producer clientId=guard-api-producer] Got error produce response with correlation id "
                    + (300 + retry) + " on topic-partition orders-0, retrying (" + (2_147_483_647 - retry)
                    + " attempts left). Error: NOT_ENOUGH_REPLICAS");
            now.addAndGet(100);
        }

        // then it is written once: the attempts left make it no new warning (seen: 121 lines in 4 minutes)
        assertThat(messages()).hasSize(1);
    }

    @Test
    void shouldTellWarningsOfTheSameTextApartByTheirExceptions() {
        // given Kafka's clients' way: the text formatted, no arguments, an exception of their own
        Logger producer = context.getLogger("org.apache.kafka.clients.producer.internals.Sender");
        String text = "[Producer clientId=guard-1-StreamThread-1-producer] Got error produce response";

        // when the same text comes with two exceptions, each twice
        for (int twice = 0; twice < 2; twice++) {
            producer.warn(text, new IllegalStateException("NOT_LEADER_OR_FOLLOWER"));
            producer.warn(text, new IllegalStateException("NOT_ENOUGH_REPLICAS"));
        }

        // then each exception is written once
        assertThat(written.list).extracting(event -> event.getThrowableProxy().getMessage())
                .containsExactly("NOT_LEADER_OR_FOLLOWER", "NOT_ENOUGH_REPLICAS");
    }

    @Test
    void shouldSayTheRepeatsOfABurstThatEndedOnceItHasNotComeBackForAMinute() {
        // given a client that warned 100 times in 10 s, and then no more (its broker is back)
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");
        for (int tick = 0; tick < 100; tick++) {
            network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
            now.addAndGet(100);
        }

        // when the warnings are swept before, and then after, a minute since the warning was written
        now.addAndGet(49_000);
        filter.sweep();
        int beforeTheMinute = messages().size();
        now.addAndGet(1_000);
        filter.sweep();
        filter.sweep();

        // then the 99 repeats are said once, after the minute, with the warning they were of
        assertThat(beforeTheMinute).isEqualTo(1);
        assertThat(messages()).hasSize(2);
        assertThat(messages().get(1)).isEqualTo("org.apache.kafka.clients.NetworkClient left out 99 repeats of a "
                + "warning in the 9 s after it was written, none in the 50 s since: [Consumer "
                + "clientId=guard-1-StreamThread-1-consumer, groupId=guard] Connection to node 1 "
                + "(localhost/127.0.0.1:9092) could not be established. Node may not be available.");
        assertThat(written.list.get(1).getLoggerName()).isEqualTo(RepeatedKafkaWarnings.class.getName());
    }

    @Test
    void shouldLeaveABurstStillGoingToBeCountedWhenItIsWrittenAgain() {
        // given a warning every 7 s, for five minutes, swept as its thread sweeps (every 15 s): a sweep comes after
        // each minute's end and before the warning that ends it
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");
        for (long at = 0; at < 300_000; at += 250) {
            if (at % 7_000 == 0) {
                network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
            }
            if (at % RepeatedKafkaWarnings.SWEEP_EVERY_MS == 250) {
                filter.sweep();
            }
            now.addAndGet(250);
        }

        // then it is written about once a minute (at 0, 63, 126, 189 and 252 s), each time after the count of the
        // minute before; never said to have stopped
        assertThat(messages()).hasSize(9).noneMatch(line -> line.contains("none in the"));
        assertThat(messages().get(1)).contains("left out 8 repeats of the next warning in the 63 s");
    }

    @Test
    void shouldSayTheRepeatsHeldBackOfWarningsForgottenToMakeRoom() {
        // given a warning repeated six times, and then as many different ones as are remembered
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");
        Logger consumer = context.getLogger("org.apache.kafka.clients.consumer.internals.ConsumerCoordinator");
        for (int time = 0; time < 7; time++) {
            network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        }
        for (int offset = 0; offset < RepeatedKafkaWarnings.MOST_REMEMBERED; offset++) {
            consumer.warn("offset {} out of range", offset);
        }

        // when the warnings are swept two minutes later
        now.addAndGet(120_000);
        filter.sweep();

        // then the six repeats were said, when all were forgotten, rather than lost
        assertThat(messages()).filteredOn(line -> line.contains("forgotten")).containsExactly(
                RepeatedKafkaWarnings.MOST_REMEMBERED + " different Kafka warnings came within a minute, more than "
                        + RepeatedKafkaWarnings.MOST_REMEMBERED + " are remembered: all were forgotten, and the 6 "
                        + "repeats held back of them are not said one by one");
    }

    @Test
    void shouldSayTheExceptionOfAWarningWhoseRepeatsItSays() {
        // given a warning with its exception, repeated
        Logger sender = context.getLogger("org.apache.kafka.clients.producer.internals.Sender");
        for (int time = 0; time < 3; time++) {
            sender.warn("[Producer clientId=guard-1] Got error produce response", new IllegalStateException("fenced"));
        }

        // when it is swept a minute later
        now.addAndGet(60_000);
        filter.sweep();

        // then the line tells it from the same text with another exception
        assertThat(messages()).last().asString().endsWith("none in the 60 s since: [Producer clientId=guard-1] Got "
                + "error produce response (java.lang.IllegalStateException: fenced)");
    }

    @Test
    void shouldWriteTheWarningAfreshOnceItsRepeatsWereSaid() {
        // given a burst whose repeats were said by a sweep
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        now.addAndGet(60_000);
        filter.sweep();

        // when the broker goes away again: the warning comes back, and is repeated
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");

        // then it is written again without a count (the one repeat was said), and its new repeat held back
        assertThat(messages()).hasSize(3);
        assertThat(messages().get(1)).contains("left out 1 repeats of a warning");
        assertThat(messages().get(2)).startsWith("[Consumer clientId=");
    }

    @Test
    void shouldSayNothingOfAWarningThatWasNotRepeated() {
        // given a warning written once, long ago, and one much repeated and written less than a minute ago
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");
        Logger admin = context.getLogger("org.apache.kafka.clients.admin.KafkaAdminClient");
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        now.addAndGet(120_000);
        for (int time = 0; time < 10; time++) {
            admin.warn("metadata of {} not available", "orders");
        }

        // when the warnings are swept
        now.addAndGet(59_999);
        filter.sweep();

        // then nothing is said: the first had no repeat, the second may still come back
        assertThat(messages()).hasSize(2);
    }

    @Test
    void shouldSweepOnAThreadOfItsOwnFromTheFirstRepeatUntilStopped() {
        // given the filter as the commands install it, on the JVM's clock
        LoggerContext commands = new LoggerContext();
        RepeatedKafkaWarnings timed = new RepeatedKafkaWarnings();
        timed.setContext(commands);
        timed.start();
        commands.addTurboFilter(timed);
        Logger network = commands.getLogger("org.apache.kafka.clients.NetworkClient");
        Set<Thread> before = sweepers();
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        Set<Thread> afterOne = sweepers();

        // when the warning is repeated, and then the filter stopped (the logging reset)
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        Set<Thread> started = sweepers();
        started.removeAll(before);
        commands.stop();

        // then the thread started with the first repeat held back, not before, and ended with the filter
        assertThat(afterOne).isEqualTo(before);
        assertThat(started).hasSize(1);
        Thread sweeper = started.iterator().next();
        assertThat(sweeper.isDaemon()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !sweeper.isAlive());
    }

    @Test
    void shouldSayHowLongItWasSinceTheWarningWasLastWritten() {
        // given a warning written, and repeated half a minute later
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        now.addAndGet(30_000);
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");

        // when it comes again two hours after it was written
        now.addAndGet(7_170_000);
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");

        // then the count says the two hours, not a minute
        assertThat(messages()).hasSize(3);
        assertThat(messages().get(1)).startsWith("org.apache.kafka.clients.NetworkClient left out 1 repeats of the "
                + "next warning in the 7200 s since it was last written");
    }

    @Test
    void shouldWriteAWarningWhoseArgumentCannotBeShownRatherThanThrow() {
        // given an argument whose text cannot be made
        Object broken = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text");
            }
        };
        Logger streams = context.getLogger("org.apache.kafka.streams.processor.internals.StreamTask");

        // when it is warned of
        streams.warn("task {} skipped a record", broken);

        // then the call returns, and the warning is written as logback writes it
        assertThat(written.list).hasSize(1);
    }

    @Test
    void shouldAlwaysWriteAWarningTooLongToRemember() {
        // given a warning longer than it remembers
        Logger admin = context.getLogger("org.apache.kafka.clients.admin.KafkaAdminClient");
        String huge = "x".repeat(RepeatedKafkaWarnings.LONGEST_KEY);

        // when it is repeated at once
        admin.warn("metadata {}", huge);
        admin.warn("metadata {}", huge);

        // then both are written
        assertThat(written.list).hasSize(2);
    }

    @Test
    void shouldNeverHoldBackAnErrorOrTheGuardsOwnWarnings() {
        // given Kafka's errors and the guard's own warnings, each repeated
        Logger streams = context.getLogger("org.apache.kafka.streams.processor.internals.StreamThread");
        Logger guard = context.getLogger("com.lockupguard.topology.RestoreProgress");

        // when each is logged three times at once
        for (int time = 0; time < 3; time++) {
            streams.error("stream-thread [{}] Failed to commit", "guard-1-StreamThread-1");
            guard.warn("restoring {} from offset {}", "holding-state", 3);
        }

        // then all six are written
        assertThat(messages()).hasSize(6);
    }

    @Test
    void shouldCountOnlyWarningsThatWouldBeWritten() {
        // given Kafka's clients at ERROR, as an operator quietening them might set them
        context.getLogger("org.apache.kafka").setLevel(Level.ERROR);
        Logger network = context.getLogger("org.apache.kafka.clients.NetworkClient");
        for (int time = 0; time < 10; time++) {
            network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        }

        // when they are back at WARN, a minute later
        context.getLogger("org.apache.kafka").setLevel(Level.WARN);
        now.addAndGet(60_000);
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");

        // then the warning is written without a count of repeats no one would have seen
        assertThat(messages()).hasSize(1).first().asString().startsWith("[Consumer clientId=");
    }

    @Test
    void shouldForgetEveryWarningRatherThanGrowWithoutBound() {
        // given as many different warnings as it remembers
        Logger consumer = context.getLogger("org.apache.kafka.clients.consumer.internals.ConsumerCoordinator");
        for (int offset = 0; offset < RepeatedKafkaWarnings.MOST_REMEMBERED; offset++) {
            consumer.warn("offset {} out of range", offset);
        }

        // when one more comes, and then the first again
        consumer.warn("offset {} out of range", -1);
        consumer.warn("offset {} out of range", 0);

        // then each was written: the first was forgotten with the others to make room
        assertThat(messages()).hasSize(RepeatedKafkaWarnings.MOST_REMEMBERED + 2);
    }

    @Test
    void shouldHoldBackRepeatsWhenTheCommandsLoggingIsSetUp() {
        // given the commands' own logging, in a context of its own
        LoggerContext commands = new LoggerContext();
        new StandardErrorLogging(name -> null, Map.<String, String>of()::get, Set.<String>of()::contains)
                .configure(commands);
        ListAppender<ILoggingEvent> stderr = new ListAppender<>();
        stderr.setContext(commands);
        stderr.start();
        commands.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(stderr);
        Logger network = commands.getLogger("org.apache.kafka.clients.NetworkClient");

        // when a warning is repeated at once
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");
        network.warn(UNREACHABLE, 1, "localhost/127.0.0.1:9092");

        // then it is written once
        assertThat(stderr.list).hasSize(1);
        commands.stop();
    }

    /** The sweeping threads of every filter in this JVM. */
    private static Set<Thread> sweepers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("lockup-guard-kafka-warning-repeats"))
                .collect(Collectors.toCollection(HashSet::new));
    }

    private List<String> messages() {
        return written.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
