package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineReaderTest {

    private static final String ORDER = "{\"type\":\"order\",\"at\":\"2003-07-11T09:45:00-04:00\",\"orderId\":\"e2\","
            + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1}";
    private final TimelineReader reader = new TimelineReader(new ObjectMapper());

    @Test
    void shouldNumberEntriesAsTheFileNumbersItsLinesBlankOnesIncluded() throws IOException {
        // given a timeline with blank lines before and between its entries
        String timeline = "\n" + ORDER + "\n   \n\nnot json\n" + ORDER + "\n";
        // when it is read from a file or parsed from its lines
        List<TimelineEntry> read = reader.readAll(new BufferedReader(new StringReader(timeline)));
        List<TimelineEntry> parsed = reader.parse(List.of(timeline.split("\n", -1)));
        // then each entry carries its own line's number
        assertThat(read).extracting(TimelineEntry::lineNumber).containsExactly(2, 5, 6);
        assertThat(parsed).extracting(TimelineEntry::lineNumber).containsExactly(2, 5, 6);
        assertThat(read.get(1)).isInstanceOf(TimelineEntry.UnreadableLine.class);
    }

    @Test
    void shouldReportALineOfBlanksThatJsonDoesNotCountAsWhitespaceRatherThanPassItOver() {
        // given lines of a tab and spaces, of a vertical tab, of a file separator, of U+2028 and of an ideographic space
        List<String> lines = List.of(" \t ", "\u000b", "\u001c", "\u2028", "\u3000");
        // when
        List<TimelineEntry> parsed = reader.parse(lines);
        // then only the first is blank; each of the others is a line that is not JSON, said by its number
        assertThat(parsed).extracting(TimelineEntry::lineNumber).containsExactly(2, 3, 4, 5);
        assertThat(parsed).allSatisfy(entry -> assertThat(entry).isInstanceOf(TimelineEntry.UnreadableLine.class));
    }

    @Test
    void shouldReportALineThatIsNotUtf8AndReadTheOthersFromAFileAsFromAStream(@TempDir Path dir) throws IOException {
        // given a timeline whose second line holds a Latin-1 byte, as a file and as a stream
        byte[] bytes = concat(utf8(ORDER + "\n{\"x\":\"soci"), new byte[] {(byte) 0xE9}, utf8("t\u00e9\"}\n" + ORDER));
        Path file = Files.write(dir.resolve("latin1.jsonl"), bytes);
        // when
        List<TimelineEntry> fromFile;
        try (BufferedReader lines = TimelineInput.open(file)) {
            fromFile = reader.readAll(lines);
        }
        List<TimelineEntry> fromStream = reader.readAll(TimelineInput.open(new ByteArrayInputStream(bytes)));
        // then both read lines 1 and 3 and report line 2, by its number
        for (List<TimelineEntry> read : List.of(fromFile, fromStream)) {
            assertThat(read).extracting(TimelineEntry::lineNumber).containsExactly(1, 2, 3);
            assertThat(read.get(0)).isInstanceOf(TimelineEntry.OrderLine.class);
            assertThat(read.get(1)).isEqualTo(new TimelineEntry.UnreadableLine(2, "not valid UTF-8"));
            assertThat(read.get(2)).isInstanceOf(TimelineEntry.OrderLine.class);
        }
    }

    @Test
    void shouldReadCharactersOutsideTheBasicPlaneWhoseSecondHalfIsTheMarkOfABadByte() throws IOException {
        // given an order whose id is U+1F3FF, written in UTF-16 as a pair ending in U+DFFF, and one with a bad byte
        String skinTone = new String(Character.toChars(0x1F3FF));
        byte[] bytes = concat(utf8(ORDER.replace("\"e2\"", "\"" + skinTone + "\"") + "\n{\"x\":\"" + skinTone),
                new byte[] {(byte) 0xE9}, utf8("\"}\n"));
        // when
        List<TimelineEntry> read = reader.readAll(TimelineInput.open(new ByteArrayInputStream(bytes)));
        // then the valid character is read, and only the bad byte makes its line unreadable
        assertThat(read.get(0)).isInstanceOfSatisfying(TimelineEntry.OrderLine.class,
                line -> assertThat(line.order().getOrderId()).isEqualTo(skinTone));
        assertThat(read.get(1)).isEqualTo(new TimelineEntry.UnreadableLine(2, "not valid UTF-8"));
    }

    @Test
    void shouldTakeACarriageReturnInsideALineAsWhitespaceNotAsTheLinesEnd() throws IOException {
        // given an order with a bare CR between two fields (JSON whitespace), a line that is not JSON, CRLF endings
        String crInside = ORDER.replace(",\"investorId\"", ",\r\"investorId\"");
        byte[] bytes = utf8(crInside + "\r\n{bad\r\n" + ORDER + "\r\n");
        // when
        List<TimelineEntry> read = reader.readAll(TimelineInput.open(new ByteArrayInputStream(bytes)));
        // then the first line is one order, and the lines keep the numbers grep -n gives them
        assertThat(read).extracting(TimelineEntry::lineNumber).containsExactly(1, 2, 3);
        assertThat(read.get(0)).isInstanceOfSatisfying(TimelineEntry.OrderLine.class,
                line -> assertThat(line.order().getInvestorId()).isEqualTo("dutchess"));
        assertThat(read.get(1)).isInstanceOf(TimelineEntry.UnreadableLine.class);
        assertThat(read.get(2)).isInstanceOf(TimelineEntry.OrderLine.class);
    }

    @Test
    void shouldReadTheFirstLineOfAFileStartingWithAByteOrderMark() throws IOException {
        // given a timeline an editor saved with a UTF-8 signature
        byte[] bytes = utf8("\uFEFF" + ORDER + "\n" + ORDER + "\n");
        // when
        List<TimelineEntry> read = reader.readAll(TimelineInput.open(new ByteArrayInputStream(bytes)));
        // then line 1 is an order like line 2
        assertThat(read).hasSize(2).allSatisfy(entry -> assertThat(entry).isInstanceOf(TimelineEntry.OrderLine.class));
    }

    @Test
    void shouldReportALineTooLongToKeepWithoutHoldingItAndReadTheNext() throws IOException {
        // given a first line of 64 Mi characters and one more (a binary file, say), then an order
        long longLine = JsonLines.LONGEST + 1L;
        Reader timeline = new LongLineThen(longLine, "\n" + ORDER + "\n");
        // when
        List<TimelineEntry> read = reader.readAll(new BufferedReader(timeline));
        // then the long line is reported by its number and why, and the order after it is read
        assertThat(read).hasSize(2);
        assertThat(read.get(0)).isEqualTo(new TimelineEntry.UnreadableLine(1, "longer than 67,108,864 characters, "
                + "the most a line may hold (a binary file, or one with no line feeds?)"));
        assertThat(read.get(1)).isInstanceOf(TimelineEntry.OrderLine.class).extracting(TimelineEntry::lineNumber)
                .isEqualTo(2);
    }

    @Test
    void shouldSayThatAMissingTimelineDoesNotExist(@TempDir Path dir) {
        // given a path to no file
        Path missing = dir.resolve("nope.jsonl");
        // when / then
        assertThatThrownBy(() -> TimelineInput.open(missing)).isInstanceOfSatisfying(IOException.class,
                e -> assertThat(TimelineInput.describe(e)).isEqualTo("no such file"));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
