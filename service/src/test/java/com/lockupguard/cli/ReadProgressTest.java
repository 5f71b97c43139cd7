package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code export --progress}: how far the reading has got, at most once per interval. */
class ReadProgressTest {

    private long now;

    @Test
    void shouldSayHowFarEachTopicIsReadOncePerIntervalWithItsOwnRate() {
        // given a reading said every 5 s
        List<String> said = new ArrayList<>();
        ReadProgress progress = new ReadProgress(Duration.ofSeconds(5), () -> now, said::add);

        // when an audit of 12,000 records is read at 1,000 a second, then orders from offset 0 at 10,000 a second
        for (int second = 1; second <= 12; second++) {
            now += Duration.ofSeconds(1).toNanos();
            progress.reading("agreement-audit", second * 1_000L, 12_000);
        }
        for (int second = 0; second <= 6; second++) {
            progress.reading("orders", second * 10_000L, 100_000);
            now += Duration.ofSeconds(1).toNanos();
        }

        // then it was said at the first look past each 5 s, with the count, the share and the topic's own rate
        assertThat(said).containsExactly("read 5,000 of 12,000 records of agreement-audit (41 %), 1,000 records/s",
                "read 10,000 of 12,000 records of agreement-audit (83 %), 1,000 records/s",
                "read 30,000 of 100,000 records of orders (30 %), 10,000 records/s");
    }

    @Test
    void shouldSayNothingOfAReadingShorterThanTheInterval() {
        // given a reading said every 5 s
        List<String> said = new ArrayList<>();
        ReadProgress progress = new ReadProgress(Duration.ofSeconds(5), () -> now, said::add);

        // when all is read within 4 s, an empty topic among them
        progress.reading("agreement-audit", 0, 0);
        now += Duration.ofSeconds(4).toNanos();
        progress.reading("orders", 3_000, 3_000);

        // then nothing was said: the summary at the end says it all
        assertThat(said).isEmpty();
    }
}
