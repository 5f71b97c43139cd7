package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesTest {

    @Test
    void shouldEndLinesAtLineFeedsDroppingTheCarriageReturnOfACrlf() throws IOException {
        // given LF and CRLF endings, a bare CR inside a line, blank lines and a last line with no end
        String text = "a\nb\r\nc\rd\n\n\r\ne";
        // when / then
        assertThat(lines(new StringReader(text))).containsExactly("a", "b", "c\rd", "", "", "e");
    }

    @Test
    void shouldReadNothingFromAnEmptyTextAndNoLastLineAfterAFinalLineFeed() throws IOException {
        assertThat(lines(new StringReader(""))).isEmpty();
        assertThat(lines(new StringReader("x\n"))).containsExactly("x");
        assertThat(lines(new StringReader("\n"))).containsExactly("");
    }

    @Test
    void shouldReadLinesLongerThanItsBufferAndACrlfSplitAcrossTwoReads() throws IOException {
        // given a line of 20,000 characters, then one whose CR ends one read and whose LF starts the next
        String longLine = "x".repeat(20_000);
        String text = longLine + "\n" + "y".repeat(8_191 - 20_001 % 8_192) + "\r\nz";
        // when read whole, and a character at a time (a pipe that hands over what it has)
        List<String> whole = lines(new StringReader(text));
        List<String> trickled = lines(new OneCharAtATime(text));
        // then both give the same lines, the CR dropped
        assertThat(whole).hasSize(3);
        assertThat(whole.get(0)).isEqualTo(longLine);
        assertThat(whole.get(1)).doesNotContain("\r").matches("y+");
        assertThat(whole.get(2)).isEqualTo("z");
        assertThat(trickled).isEqualTo(whole);
    }

    @Test
    void shouldSkipALineLongerThanTheLongestKeptAndReadTheNextOne() throws IOException {
        // given lines one character longer than the longest kept, within one read and across many, a last one with no
        // line feed, and lines exactly as long as the longest (a CRLF's CR not counted)
        int longest = 10_000;
        String fits = "f".repeat(longest);
        String text = "x".repeat(longest + 1) + "\n" + fits + "\r\n" + "s".repeat(11) + "\n" + fits + "\n"
                + "y".repeat(longest + 1);
        for (Reader in : List.of(new StringReader(text), new OneCharAtATime(text))) {
            // when
            JsonLines lines = new JsonLines(in, longest);
            List<String> read = new ArrayList<>();
            List<Boolean> tooLong = new ArrayList<>();
            for (String line = lines.next(); line != null; line = lines.next()) {
                read.add(line);
                tooLong.add(lines.tooLong());
            }
            // then the long ones are returned empty and said to be too long; the others are whole
            assertThat(read).containsExactly("", fits, "s".repeat(11), fits, "");
            assertThat(tooLong).containsExactly(true, false, false, false, true);
        }
    }

    @Test
    void shouldSkipAShortLineLongerThanASmallLongestWithinOneRead() throws IOException {
        // given a longest of 3 characters, and lines that fit in one read
        JsonLines lines = new JsonLines(new StringReader("abcd\nabc\r\n"), 3);
        // when / then
        assertThat(lines.next()).isEmpty();
        assertThat(lines.tooLong()).isTrue();
        assertThat(lines.next()).isEqualTo("abc");
        assertThat(lines.tooLong()).isFalse();
        assertThat(lines.next()).isNull();
    }

    @Test
    void shouldSkipALineManyReadsLongerThanTheLongestWithoutHoldingWhatItSkips() throws IOException {
        // given a longest of 10,000 characters, and a line of 4,000,000 (a binary file, say) made as it is read
        int longest = 10_000;
        JsonLines lines = new JsonLines(new LongLineThen(4_000_000, "\nnext\n"), longest);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        // when it is read
        long before = threads.getCurrentThreadAllocatedBytes();
        String skipped = lines.next();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // then it is returned empty, said to be too long, having taken far less memory than the line (8 MB as
        // text): what it skips is not kept; and the line after it is read whole
        assertThat(skipped).isEmpty();
        assertThat(lines.tooLong()).isTrue();
        assertThat(allocated).isLessThan(1024 * 1024);
        assertThat(lines.next()).isEqualTo("next");
        assertThat(lines.tooLong()).isFalse();
        assertThat(lines.next()).isNull();
    }

    private static List<String> lines(Reader in) throws IOException {
        JsonLines text = new JsonLines(in);
        List<String> lines = new ArrayList<>();
        for (String line = text.next(); line != null; line = text.next()) {
            lines.add(line);
        }
        return lines;
    }

    /** A reader that hands over one character per read, as a slow pipe can. */
    private static final class OneCharAtATime extends Reader {
        private final String text;
        private int at;

        OneCharAtATime(String text) {
            this.text = text;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (at == text.length()) {
                return -1;
            }
            buffer[offset] = text.charAt(at++);
            return 1;
        }

        @Override
        public void close() {
        }
    }
}
