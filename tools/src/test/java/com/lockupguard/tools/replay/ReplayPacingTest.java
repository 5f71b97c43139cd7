package com.lockupguard.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplayPacingTest {

    private static final String AGREEMENT = "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\","
            + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\","
            + "\"effectiveAt\":\"2003-07-10T16:30:00-04:00\"}";

    private static String order(String id) {
        return "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"" + id + "\",\"investorId\":"
                + "\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1}";
    }

    /** A writer that keeps apart what it was given and what it was asked to flush. */
    private static final class FlushedWriter extends Writer {
        private final StringBuilder pending = new StringBuilder();
        private final StringBuilder flushed = new StringBuilder();

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            pending.append(chars, offset, length);
        }

        @Override
        public synchronized void flush() {
            flushed.append(pending);
            pending.setLength(0);
        }

        @Override
        public void close() {
        }

        synchronized List<String> flushedLines() {
            return flushed.toString().lines().toList();
        }
    }

    @Test
    void shouldFlushEachAnswerOfALiveStreamBeforeTheStreamEnds() throws Exception {
        // given a stream that has sent an agreement and an order, and stays open
        PipedWriter feed = new PipedWriter();
        BufferedReader stream = new BufferedReader(new PipedReader(feed));
        FlushedWriter out = new FlushedWriter();
        CompletableFuture<Replay.Result> replay = CompletableFuture.supplyAsync(() -> {
            try {
                return new Replay(null).run(stream, new PrintWriter(out), new PrintWriter(new StringWriter()),
                        new Replay.Pacing(true, () -> false));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        feed.write(AGREEMENT + "\n" + order("e1") + "\n");
        feed.flush();
        // when the replay has read them
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (out.flushedLines().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // then the order's answer is out while the stream is still open
        assertThat(replay).isNotDone();
        assertThat(out.flushedLines()).singleElement().asString().startsWith("{\"orderId\":\"e1\"");
        feed.close();
        assertThat(replay.get(30, TimeUnit.SECONDS).orders()).isEqualTo(1);
    }

    @Test
    void shouldStopBetweenTwoLinesWhenAskedAndWriteOutEveryCompleteAnswer() throws Exception {
        // given a timeline of an agreement and five orders, and a stop asked once three lines are read
        String timeline = String.join("\n", AGREEMENT, order("a"), order("b"), order("c"), order("d"), order("e"));
        AtomicInteger asked = new AtomicInteger();
        FlushedWriter out = new FlushedWriter();
        // when the file is replayed, output flushed only at the end
        Replay.Result result = new Replay(null).run(new BufferedReader(new StringReader(timeline)),
                new PrintWriter(out), new PrintWriter(new StringWriter()),
                new Replay.Pacing(false, () -> asked.incrementAndGet() > 3));
        // then the answers to the two orders read are out, whole, and nothing after them, and the result names the
        // line the replay stopped after
        assertThat(result.orders()).isEqualTo(2);
        assertThat(result.lastLineTaken()).isEqualTo(3);
        assertThat(out.flushedLines()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{\"orderId\":")
                .endsWith("}"));
    }
}
