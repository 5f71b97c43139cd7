package com.lockupguard.timeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A timeline file read twice rather than held whole: a first reading says which lines cannot be sent and keeps the
 * {@link TimelineStamps} the preflight needs; a second reads the file again and hands each line that can be sent to
 * the producer. A parsed line takes about 1.5 KB, so holding a timeline of millions of orders took gigabytes; its
 * stamps take 16 bytes a record. A timeline that cannot be read twice (a pipe) is held, as before.
 */
public final class TimelineFile {

    /** Sends a line; interrupted, it stops the reading. */
    @FunctionalInterface
    public interface Sender {
        void send(TimelineEntry entry) throws InterruptedException;
    }

    /** The timeline changed between its two readings: what was checked is not what would be sent. */
    public static final class ChangedException extends IOException {
        ChangedException(String message) {
            super(message);
        }
    }

    private final Path file;
    private final TimelineStamps stamps;
    private final int refused;
    private final int sendable;
    private final List<TimelineEntry> held;
    private final List<Object> identity;

    private TimelineFile(Path file, TimelineStamps stamps, int refused, int sendable, List<TimelineEntry> held,
            List<Object> identity) {
        this.file = file;
        this.stamps = stamps;
        this.refused = refused;
        this.sendable = sendable;
        this.held = held;
        this.identity = identity;
    }

    /**
     * Reads {@code file} a first time: {@code warnings} hears what its lines hold that is ignored and each line a
     * guard may take in another order than the replay ({@link CrossTopicOrder}), {@code refusals} each line that
     * cannot be sent ({@code line N: ...}); the records it would send to {@code agreementsTopic} and
     * {@code ordersTopic} are stamped.
     */
    public static TimelineFile scan(Path file, String agreementsTopic, String ordersTopic,
            TimelineParser.Warnings warnings, Consumer<String> refusals) throws IOException {
        boolean rereadable = Files.isRegularFile(file);
        List<Object> identity = rereadable ? identity(file) : null;
        TimelineStamps stamps = new TimelineStamps(agreementsTopic, ordersTopic);
        List<TimelineEntry> held = rereadable ? null : new ArrayList<>();
        int[] counts = new int[2];
        CrossTopicOrder crossTopicOrder = new CrossTopicOrder();
        try (BufferedReader lines = TimelineInput.open(file)) {
            new TimelineReader(new ObjectMapper(), warnings).forEach(lines, entry -> {
                String refusal = SendableLines.refusal(entry);
                if (refusal != null) {
                    counts[0]++;
                    refusals.accept("line " + entry.lineNumber() + ": " + OneLine.of(refusal));
                    return;
                }
                String otherOrder = crossTopicOrder.warning(entry, stamps.add(entry));
                if (otherOrder != null) {
                    warnings.warn(entry.lineNumber(), OneLine.of(otherOrder));
                }
                counts[1]++;
                if (held != null) {
                    held.add(entry);
                }
            });
        }
        return new TimelineFile(file, stamps, counts[0], counts[1], held, identity);
    }

    /** The records of the lines that can be sent. */
    public TimelineStamps stamps() {
        return stamps;
    }

    /** How many lines can be sent. */
    public int sendable() {
        return sendable;
    }

    /** How many lines cannot be sent. */
    public int refused() {
        return refused;
    }

    /**
     * Hands each line that can be sent to {@code sender}, in order, reading the file again; fails with a
     * {@link ChangedException} before sending anything if the file is another one, or changed since the first
     * reading (its size or time), before sending a line that is not the one stamped then (its number and time: what
     * the preflight checked; its record, by hash), and at the end if lines stamped then are gone.
     */
    public void forEachSendable(Sender sender) throws IOException, InterruptedException {
        if (held != null) {
            for (TimelineEntry entry : held) {
                sender.send(entry);
            }
            return;
        }
        if (!identity(file).equals(identity)) {
            throw new ChangedException("the timeline changed after it was checked; nothing was sent");
        }
        int[] sent = new int[1];
        TimelineStamps.Walk checked = stamps.walk();
        try (BufferedReader lines = TimelineInput.open(file)) {
            // what each line holds that is ignored was said at the first reading
            new TimelineReader(new ObjectMapper(), (lineNumber, warning) -> { }).forEach(lines, entry -> {
                if (SendableLines.refusal(entry) == null) {
                    String change = checked.differs(entry);
                    if (change != null) {
                        throw new ChangedException("the timeline changed while it was sent (" + change + "); the "
                                + sent[0] + " line(s) before it were sent");
                    }
                    sent[0]++;
                    try {
                        sender.send(entry);
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException("interrupted at line " + entry.lineNumber());
                    }
                }
            });
        } catch (InterruptedIOException e) {
            InterruptedException interrupted = new InterruptedException(e.getMessage());
            interrupted.initCause(e);
            throw interrupted;
        }
        if (sent[0] != sendable) {
            throw new ChangedException("the timeline changed while it was sent: " + sendable + " line(s) were "
                    + "checked, and the " + sent[0] + " still there were sent");
        }
    }

    /** What tells one state of {@code file} from another: which file it is, its size and its time. */
    private static List<Object> identity(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return Arrays.asList(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
    }
}
