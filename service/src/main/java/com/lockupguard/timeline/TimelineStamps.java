package com.lockupguard.timeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.zip.CRC32C;

/**
 * The {@code at}, line number and content's hash of every record a timeline sends, per target topic: all that
 * {@link TimelinePreflight} needs of a timeline, and what tells its second reading from the first, in 16 bytes a
 * record. {@code produce} checks a timeline of millions
 * of lines with it, and reads the file again to send it, rather than hold its parsed lines (about 1.5 KB each).
 */
public final class TimelineStamps {

    /** The {@code at} of a record that has none: the producer stamps it with its own time. */
    static final long NO_AT = Long.MIN_VALUE;

    /** How many of a topic's records match, and the line of the first of them (0 when none does). */
    record Matches(int count, int firstLine) {
    }

    /** One topic's records, in the timeline's order. */
    static final class Records {
        private long[] at = new long[64];
        private int[] lines = new int[64];
        private int[] contents = new int[64];
        private int size;

        void add(long atMillis, int line, int content) {
            if (size == at.length) {
                at = Arrays.copyOf(at, size * 2);
                lines = Arrays.copyOf(lines, size * 2);
                contents = Arrays.copyOf(contents, size * 2);
            }
            at[size] = atMillis;
            lines[size] = line;
            contents[size] = content;
            size++;
        }

        /** The records with an {@code at} that {@code affected} holds for. */
        Matches matching(LongPredicate affected) {
            int count = 0;
            int firstLine = 0;
            for (int i = 0; i < size; i++) {
                if (at[i] != NO_AT && affected.test(at[i]) && count++ == 0) {
                    firstLine = lines[i];
                }
            }
            return new Matches(count, firstLine);
        }
    }

    private final String agreementsTopic;
    private final String ordersTopic;
    private final Map<String, Records> byTopic = new LinkedHashMap<>();
    private final LineTimes times = new LineTimes();

    /** Empty stamps for a timeline sent to {@code agreementsTopic} and {@code ordersTopic}. */
    public TimelineStamps(String agreementsTopic, String ordersTopic) {
        this.agreementsTopic = agreementsTopic;
        this.ordersTopic = ordersTopic;
    }

    /** The stamps of {@code entries}. */
    public static TimelineStamps of(String agreementsTopic, String ordersTopic, List<TimelineEntry> entries) {
        TimelineStamps stamps = new TimelineStamps(agreementsTopic, ordersTopic);
        entries.forEach(stamps::add);
        return stamps;
    }

    /**
     * Adds {@code entry} to its topic's records: an agreement to the agreements topic, an order or an execution
     * report to the orders topic; any other line is not sent, and not added. The time it is stamped with, or null.
     */
    public Instant add(TimelineEntry entry) {
        Instant at = times.of(entry);
        String topic = topicOf(entry);
        if (topic != null) {
            byTopic.computeIfAbsent(topic, t -> new Records()).add(millis(at), entry.lineNumber(), content(entry));
        }
        return at;
    }

    /**
     * The CRC-32C of the record {@code entry} would send, in Avro's binary encoding: a line edited in place, its
     * length, line and time kept, is told from the one checked for certain when the edit spans at most four bytes of
     * the record (a CRC finds every such burst), and but for one edit in four billion otherwise. (Avro's own hash, a
     * sum of 31-multiples, missed an id's "Aa" edited to "BB", and a security's and a quantity's edits that cancel
     * out, in a review.)
     */
    private static int content(TimelineEntry entry) {
        try {
            ByteBuffer encoded;
            if (entry instanceof TimelineEntry.AgreementLine line) {
                encoded = line.agreement().toByteBuffer();
            } else if (entry instanceof TimelineEntry.OrderLine line) {
                encoded = line.order().toByteBuffer();
            } else if (entry instanceof TimelineEntry.ExecutionLine line) {
                encoded = line.report().toByteBuffer();
            } else {
                return 0;
            }
            CRC32C crc = new CRC32C();
            crc.update(encoded);
            return (int) crc.getValue();
        } catch (IOException | RuntimeException e) {
            // a record Avro cannot encode (a field out of its type's range) is refused before it is sent
            return 0;
        }
    }

    /** The topic {@code entry} is sent to; null for a line that is not sent. */
    private String topicOf(TimelineEntry entry) {
        if (entry instanceof TimelineEntry.AgreementLine) {
            return agreementsTopic;
        }
        return entry instanceof TimelineEntry.OrderLine || entry instanceof TimelineEntry.ExecutionLine
                ? ordersTopic : null;
    }

    /** The topics the timeline sends records to. */
    public Set<String> topics() {
        return byTopic.keySet();
    }

    /**
     * A walk through the records in the order they were added, for a second reading of the timeline: each line it
     * would send is checked to be the one stamped, at the same time, before it is sent.
     */
    final class Walk {
        private final Map<String, Integer> next = new LinkedHashMap<>();
        private final LineTimes times = new LineTimes();

        /** Why {@code entry} is not the next record stamped for its topic; null when it is. */
        String differs(TimelineEntry entry) {
            String topic = topicOf(entry);
            Records records = byTopic.get(topic);
            int index = next.merge(topic, 1, Integer::sum) - 1;
            if (records == null || index >= records.size) {
                return "line " + entry.lineNumber() + " was not there when it was checked";
            }
            if (records.lines[index] != entry.lineNumber()) {
                return "line " + entry.lineNumber() + " was line " + records.lines[index] + " when it was checked";
            }
            if (records.at[index] != millis(times.of(entry))) {
                return "line " + entry.lineNumber() + " has another `at` than when it was checked";
            }
            if (records.contents[index] != content(entry)) {
                return "line " + entry.lineNumber() + " holds another record than when it was checked";
            }
            return null;
        }
    }

    /** A walk from the first record. */
    Walk walk() {
        return new Walk();
    }

    /** The records the timeline sends to {@code topic}. */
    Records of(String topic) {
        return byTopic.getOrDefault(topic, new Records());
    }

    /** The records of {@code entries}, in their order, as if all were sent to one topic. */
    static Records recordsOf(List<TimelineEntry> entries) {
        return TimelineStamps.of("", "", entries).of("");
    }

    private static long millis(Instant at) {
        return at == null ? NO_AT : at.toEpochMilli();
    }
}
