package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code produce --progress}: how far the sending has got, at most once per interval. */
class SendProgressTest {

    private long now;

    @Test
    void shouldSayHowFarTheSendingHasGotOncePerIntervalWithTheRate() {
        // given a timeline of 20,480 lines, said every 5 s, sent at 1,024 lines a second
        List<String> said = new ArrayList<>();
        SendProgress progress = new SendProgress(20_480, Duration.ofSeconds(5), () -> now, said::add);

        // when each line is sent, a second passing after every 1,024 of them
        for (int line = 1; line <= 20_480; line++) {
            progress.sent();
            if (line % 1_024 == 0) {
                now += Duration.ofSeconds(1).toNanos();
            }
        }

        // then it was said once in each 5 s, at the first look past it, with the count, the share and the rate
        assertThat(said).containsExactly("sent 6,144 of 20,480 lines (30 %), 1,229 lines/s",
                "sent 11,264 of 20,480 lines (55 %), 1,126 lines/s",
                "sent 16,384 of 20,480 lines (80 %), 1,092 lines/s");
    }

    @Test
    void shouldSayNothingOfASendingShorterThanTheInterval() {
        // given a timeline of 3,000 lines, said every 5 s
        List<String> said = new ArrayList<>();
        SendProgress progress = new SendProgress(3_000, Duration.ofSeconds(5), () -> now, said::add);

        // when all are sent within a second
        for (int line = 1; line <= 3_000; line++) {
            progress.sent();
        }
        now += Duration.ofSeconds(1).toNanos();

        // then nothing was said: the summary at the end says it all
        assertThat(said).isEmpty();
    }
}
