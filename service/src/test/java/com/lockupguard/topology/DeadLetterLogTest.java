package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.testing.CapturedLogs;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DeadLetterLogTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final DeadLetterLog lines = new DeadLetterLog(LoggerFactory.getLogger(DeadLetterLogTest.class),
            clock::get);

    @Test
    void shouldSayTheFirstDeadLettersOfAMinuteOneByOneAndCountTheRestOfARun() {
        try (CapturedLogs logged = CapturedLogs.of(DeadLetterLogTest.class)) {
            // when a producer sends 30,000 records that cannot be read within a minute
            for (int i = 0; i < 30_000; i++) {
                int offset = i;
                lines.warn(DeadLetterReason.UNDECODABLE, () -> "record at orders-0@" + offset + " cannot be read");
            }

            // then the first 20 are said, then that the rest are counted, and nothing more within the minute
            assertThat(logged.messages()).hasSize(DeadLetterLog.LINES_PER_MINUTE + 1)
                    .startsWith("record at orders-0@0 cannot be read")
                    .contains("record at orders-0@19 cannot be read")
                    .doesNotContain("record at orders-0@20 cannot be read")
                    .last().asString().isEqualTo("20 records dead-lettered (UNDECODABLE) within a minute: more in "
                            + "that minute are counted, not logged one by one");

            // and the first dead letter after the minute says how many were held back, and is said itself
            clock.addAndGet(DeadLetterLog.MINUTE_MS);
            lines.warn(DeadLetterReason.UNDECODABLE, () -> "record at orders-0@30000 cannot be read");
            assertThat(logged.messages()).endsWith("29980 more record(s) dead-lettered (UNDECODABLE) in the minute "
                    + "after the 20 said were not logged one by one: lockup_guard_dead_letters_total counts them, and "
                    + "the dead-letter topic holds each with its error", "record at orders-0@30000 cannot be read");
        }
    }

    @Test
    void shouldSayHowManyARunThatStoppedHeldBackOnceItsMinuteIsOver() {
        try (CapturedLogs logged = CapturedLogs.of(DeadLetterLogTest.class)) {
            // given a run of 100 tombstones that stops
            for (int i = 0; i < 100; i++) {
                lines.warn(DeadLetterReason.TOMBSTONE, () -> "tombstone");
            }

            // when the punctuation asks within the minute, and then after it, twice
            lines.sayHeldBack();
            int withinTheMinute = logged.messages().size();
            clock.addAndGet(DeadLetterLog.MINUTE_MS);
            lines.sayHeldBack();
            lines.sayHeldBack();

            // then the count is said once, after the minute; the next tombstone starts a minute of its own
            assertThat(withinTheMinute).isEqualTo(DeadLetterLog.LINES_PER_MINUTE + 1);
            assertThat(logged.messages()).hasSize(DeadLetterLog.LINES_PER_MINUTE + 2).last().asString()
                    .startsWith("80 more record(s) dead-lettered (TOMBSTONE) in the minute after the 20 said");
            lines.warn(DeadLetterReason.TOMBSTONE, () -> "tombstone again");
            assertThat(logged.messages()).last().isEqualTo("tombstone again");
        }
    }

    @Test
    void shouldSayADeadLetterOfAnotherReasonThoughOneReasonIsHeldBack() {
        try (CapturedLogs logged = CapturedLogs.of(DeadLetterLogTest.class)) {
            // given a run of unreadable records past the minute's lines
            for (int i = 0; i < 100; i++) {
                lines.warn(DeadLetterReason.UNDECODABLE, () -> "unreadable");
            }

            // when an order on the wrong partition comes within the same minute
            lines.warn(DeadLetterReason.WRONG_PARTITION, () -> "misplaced");

            // then it is said
            assertThat(logged.messages()).last().isEqualTo("misplaced");
        }
    }

    @Test
    void shouldSayEveryDeadLetterOfARateBelowTheLimit() {
        try (CapturedLogs logged = CapturedLogs.of(DeadLetterLogTest.class)) {
            // when one bad record comes every 10 s for ten minutes
            for (int i = 0; i < 60; i++) {
                lines.warn(DeadLetterReason.TOMBSTONE, () -> "tombstone");
                clock.addAndGet(10_000);
            }

            // then each is said, and no line says any was held back
            assertThat(logged.messages()).hasSize(60).containsOnly("tombstone");
        }
    }
}
