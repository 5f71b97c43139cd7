package com.lockupguard.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scrapes built one at a time, shared by the callers asking meanwhile, never older than the call. */
class SharedScrapesTest {

    private final ExecutorService callers = Executors.newFixedThreadPool(9);
    /** Lets the first build end. */
    private final CountDownLatch letGo = new CountDownLatch(1);
    private final AtomicInteger builds = new AtomicInteger();
    /** What the scraped meter says: read when a build begins. */
    private final AtomicLong counted = new AtomicLong();

    @AfterEach
    void stop() {
        letGo.countDown();
        callers.shutdownNow();
    }

    /** A build that says its number and the count it read, the first one waiting to be let go after reading it. */
    private String build() {
        long seen = counted.get();
        int number = builds.incrementAndGet();
        if (number == 1) {
            try {
                letGo.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return "build " + number + " counted " + seen;
    }

    /** {@code scrapes} asked for from threads of their own while the first build waits, once all of them wait. */
    private List<Future<String>> askedWhileTheFirstIsBuilt(SharedScrapes scrapes, int count) {
        List<Thread> waiting = new CopyOnWriteArrayList<>();
        List<Future<String>> asked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            asked.add(callers.submit(() -> {
                waiting.add(Thread.currentThread());
                return scrapes.text();
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> waiting.size() == count
                && waiting.stream().allMatch(thread -> thread.getState() == Thread.State.WAITING));
        return asked;
    }

    @Test
    void shouldShareOneBuildAmongTheScrapesAskedForWhileAnotherIsBeingBuilt() throws Exception {
        // given a scrape being built
        SharedScrapes scrapes = new SharedScrapes(this::build);
        Future<String> first = callers.submit(scrapes::text);
        await().atMost(Duration.ofSeconds(10)).until(() -> builds.get() == 1);
        // when seven more are asked for meanwhile, and then the first ends
        List<Future<String>> others = askedWhileTheFirstIsBuilt(scrapes, 7);
        letGo.countDown();

        // then the seven share one build, the one after it
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("build 1 counted 0");
        for (Future<String> other : others) {
            assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("build 2 counted 0");
        }
        assertThat(builds).hasValue(2);
    }

    @Test
    void shouldAnswerAScrapeAskedForDuringABuildWithTextBuiltAfterItWasAsked() throws Exception {
        // given a scrape being built, which has read the count already
        SharedScrapes scrapes = new SharedScrapes(this::build);
        Future<String> first = callers.submit(scrapes::text);
        await().atMost(Duration.ofSeconds(10)).until(() -> builds.get() == 1);
        // when something is counted, and then a scrape asked for
        counted.incrementAndGet();
        List<Future<String>> asked = askedWhileTheFirstIsBuilt(scrapes, 1);
        letGo.countDown();

        // then that scrape shows the count, which the one under way had not
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("build 1 counted 0");
        assertThat(asked.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("build 2 counted 1");
    }

    @Test
    void shouldGiveAFailedBuildsFailureToItsCallersOnlyAndBuildTheNextAnew() throws Exception {
        // given a build that fails once let go
        Supplier<String> failingFirst = () -> {
            String text = build();
            if (text.startsWith("build 1 ")) {
                throw new IllegalStateException("a meter could not be read");
            }
            return text;
        };
        SharedScrapes scrapes = new SharedScrapes(failingFirst);
        Future<String> first = callers.submit(scrapes::text);
        await().atMost(Duration.ofSeconds(10)).until(() -> builds.get() == 1);
        // when a scrape is asked for while it is built, and it fails
        List<Future<String>> asked = askedWhileTheFirstIsBuilt(scrapes, 1);
        letGo.countDown();

        // then its caller has its failure, the one asked for meanwhile a build of its own, and so has the next
        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(asked.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("build 2 counted 0");
        assertThat(scrapes.text()).isEqualTo("build 3 counted 0");
    }

    @Test
    void shouldShowEveryCallerTheCountItMadeBeforeItAskedWhateverTheOthersDo() throws Exception {
        // given builds that say the count they read as they begin
        SharedScrapes scrapes = new SharedScrapes(() -> Long.toString(counted.get()));
        // when eight callers each count and then scrape, 2,000 times at once
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            loops.add(callers.submit(() -> {
                for (int n = 0; n < 2_000; n++) {
                    long mine = counted.incrementAndGet();
                    // then each scrape was read after its caller's count
                    assertThat(Long.parseLong(scrapes.text())).isGreaterThanOrEqualTo(mine);
                }
            }));
        }
        for (Future<?> loop : loops) {
            loop.get(60, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"runtime", "error", "checked"})
    void shouldFailEveryCallerSharingAFailedBuildWhateverItThrewAndBuildTheNextAnew(String kind) throws Exception {
        // given a second build that fails with a runtime exception, an error or a checked exception thrown unchecked
        Throwable thrown = switch (kind) {
            case "runtime" -> new IllegalStateException("a meter could not be read");
            case "error" -> new AssertionError("a meter could not be read");
            default -> new java.io.IOException("a meter could not be read");
        };
        SharedScrapes scrapes = new SharedScrapes(() -> {
            String text = build();
            if (text.startsWith("build 2 ")) {
                throw SharedScrapesTest.<RuntimeException>unchecked(thrown);
            }
            return text;
        });
        Future<String> first = callers.submit(scrapes::text);
        await().atMost(Duration.ofSeconds(10)).until(() -> builds.get() == 1);
        // when two scrapes are asked for while the first is built: the second builds, the third shares its build
        List<Future<String>> asked = askedWhileTheFirstIsBuilt(scrapes, 2);
        letGo.countDown();

        // then both have its failure, and the next scrape is built anew
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("build 1 counted 0");
        for (Future<String> sharing : asked) {
            assertThatThrownBy(() -> sharing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .rootCause().isSameAs(thrown);
        }
        assertThat(scrapes.text()).isEqualTo("build 3 counted 0");
    }

    /** {@code failure} thrown as if unchecked, as a library may throw a checked exception it does not declare. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T unchecked(Throwable failure) throws T {
        throw (T) failure;
    }

    @Test
    void shouldNeverBuildTwoScrapesAtOnce() throws Exception {
        // given builds that say how many run at once
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        SharedScrapes scrapes = new SharedScrapes(() -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.onSpinWait();
            running.decrementAndGet();
            return "text";
        });
        letGo.countDown();
        // when eight callers each scrape 2,000 times at once
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            loops.add(callers.submit(() -> {
                for (int n = 0; n < 2_000; n++) {
                    assertThat(scrapes.text()).isEqualTo("text");
                }
            }));
        }
        for (Future<?> loop : loops) {
            loop.get(60, TimeUnit.SECONDS);
        }
        // then no two builds ran at once
        assertThat(mostAtOnce).hasValue(1);
    }
}
