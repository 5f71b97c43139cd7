package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
