package com.lockupguard.timeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens a timeline, a file or a stream, with one decoding policy: bytes that are not UTF-8 make their line
 * unreadable ({@code line N: ... not valid UTF-8}, skipped, as {@link TimelineReader} reports it); they neither stop
 * the read nor turn silently into U+FFFD.
 */
public final class TimelineInput {

    /**
     * What the decoder puts in place of bytes that are not UTF-8: a low surrogate. Valid UTF-8 decodes to one only
     * as the second half of a pair (U+1F3FF is U+D83C U+DFFF), never alone (a JSON escape {@code \udfff} is six
     * ASCII characters), so a line holding it without a high surrogate before it is known to be malformed.
     */
    static final char MALFORMED = '\uDFFF';

    private TimelineInput() {
    }

    /** The lines of {@code in}, decoded as UTF-8 under the policy above. */
    public static BufferedReader open(InputStream in) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith(String.valueOf(MALFORMED));
        return new BufferedReader(new InputStreamReader(in, decoder));
    }

    /** The lines of {@code file}, decoded as UTF-8 under the policy above. */
    public static BufferedReader open(Path file) throws IOException {
        return open(Files.newInputStream(file));
    }

    /** Whether {@code line}, read through {@link #open}, held bytes that are not UTF-8. */
    static boolean isMalformed(String line) {
        // on an all-Latin-1 line (the usual JSON line) indexOf returns at once, without a scan
        for (int at = line.indexOf(MALFORMED); at >= 0; at = line.indexOf(MALFORMED, at + 1)) {
            if (at == 0 || !Character.isHighSurrogate(line.charAt(at - 1))) {
                return true;
            }
        }
        return false;
    }

    /** Why a timeline could not be read, for a message that names the file already: "no such file", say. */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason();
        }
        // a file system's message names the file: on one line, whatever its name holds
        return OneLine.of(e.getMessage() == null ? e.toString() : e.getMessage());
    }
}
