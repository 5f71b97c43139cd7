package com.lockupguard.timeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Reads a timeline, one JSON object per line ({@link JsonLines}: a line ends at a line feed), into entries numbered
 * as the file's lines are: a blank line is skipped but counted, so that every message names the line a user sees.
 * A byte order mark starting line 1 is dropped; a line that held bytes that are not UTF-8 ({@link TimelineInput}) is
 * unreadable.
 */
public final class TimelineReader {

    private static final String BYTE_ORDER_MARK = "\uFEFF";

    /** What is done with each entry as it is read. */
    @FunctionalInterface
    public interface EntryHandler {
        void accept(TimelineEntry entry) throws IOException;
    }

    /** Why a line longer than {@link JsonLines#LONGEST} is skipped. */
    static final String TOO_LONG = String.format(Locale.ROOT, "longer than %,d characters, the most a line may hold "
            + "(a binary file, or one with no line feeds?)", JsonLines.LONGEST);

    private final TimelineParser parser;

    /** A reader that logs its warnings (an unknown field, say). */
    public TimelineReader(ObjectMapper json) {
        this(json, TimelineParser.LOGGED);
    }

    /** A reader that tells {@code warnings} what a line holds that it ignores (an unknown field, say). */
    public TimelineReader(ObjectMapper json, TimelineParser.Warnings warnings) {
        this.parser = new TimelineParser(json, warnings);
    }

    /** Hands each entry of {@code lines} to {@code handler} as it is read. */
    public void forEach(BufferedReader lines, EntryHandler handler) throws IOException {
        forEach(lines, handler, () -> false);
    }

    /** Hands each entry of {@code lines} to {@code handler} as it is read, until the end or {@code stop} says so. */
    public void forEach(BufferedReader lines, EntryHandler handler, BooleanSupplier stop) throws IOException {
        JsonLines text = new JsonLines(lines);
        String line;
        int lineNumber = 0;
        while (!stop.getAsBoolean() && (line = text.next()) != null) {
            lineNumber++;
            Optional<TimelineEntry> entry = text.tooLong()
                    ? Optional.of(new TimelineEntry.UnreadableLine(lineNumber, TOO_LONG)) : entry(lineNumber, line);
            if (entry.isPresent()) {
                handler.accept(entry.get());
            }
        }
    }

    /** Every entry of {@code lines}. */
    public List<TimelineEntry> readAll(BufferedReader lines) throws IOException {
        List<TimelineEntry> entries = new ArrayList<>();
        forEach(lines, entries::add);
        return entries;
    }

    /** Every entry of {@code lines}, the first being line 1. */
    public List<TimelineEntry> parse(List<String> lines) {
        List<TimelineEntry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            entry(i + 1, lines.get(i)).ifPresent(entries::add);
        }
        return entries;
    }

    private Optional<TimelineEntry> entry(int lineNumber, String line) {
        if (lineNumber == 1 && line.startsWith(BYTE_ORDER_MARK)) {
            line = line.substring(BYTE_ORDER_MARK.length()); // an editor's UTF-8 signature, not part of the JSON
        }
        if (TimelineInput.isMalformed(line)) {
            return Optional.of(new TimelineEntry.UnreadableLine(lineNumber, "not valid UTF-8"));
        }
        return parser.parse(lineNumber, line);
    }
}
