package com.lockupguard.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One JSON array as its bytes, whose elements are sent joined with other arrays' as one array, never parsed into a
 * tree. The list of every holding's position is about 560 bytes of JSON a holding, and several times that as
 * Jackson's tree: built as one, 100,000 holdings took a 512 MB heap out of memory.
 */
final class JsonArrayBytes {

    static final JsonArrayBytes EMPTY = written(new byte[] {'[', ']'});

    private final byte[] bytes;
    /** The first byte after the array's {@code [}. */
    private final int from;
    /** The array's {@code ]}. */
    private final int to;

    private JsonArrayBytes(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.from = from;
        this.to = to;
    }

    /** An array this instance wrote: {@code [}, the elements, {@code ]}, nothing around them. */
    static JsonArrayBytes written(byte[] bytes) {
        if (bytes.length < 2 || bytes[0] != '[' || bytes[bytes.length - 1] != ']') {
            throw new IllegalArgumentException("not an array as written: " + bytes.length + " bytes");
        }
        return new JsonArrayBytes(bytes, 1, bytes.length - 1);
    }

    /** {@code bytes} read from elsewhere: refused unless they are one JSON array, whitespace around it allowed. */
    static JsonArrayBytes read(JsonFactory factory, byte[] bytes) throws IOException {
        try (JsonParser parser = factory.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new JsonParseException(parser, "not a JSON array");
            }
            int open = Math.toIntExact(parser.currentTokenLocation().getByteOffset());
            parser.skipChildren(); // reads every element through, so that a broken one is refused here
            int close = Math.toIntExact(parser.currentTokenLocation().getByteOffset());
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "more than one JSON array");
            }
            return new JsonArrayBytes(bytes, open + 1, close);
        }
    }

    boolean isEmpty() {
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The elements of {@code arrays}, in their order, as one JSON array, read from the arrays' own bytes. */
    static InputStream joined(List<JsonArrayBytes> arrays) {
        List<InputStream> pieces = new ArrayList<>();
        pieces.add(piece("["));
        for (JsonArrayBytes array : arrays) {
            if (!array.isEmpty()) {
                if (pieces.size() > 1) {
                    pieces.add(piece(","));
                }
                pieces.add(new ByteArrayInputStream(array.bytes, array.from, array.to - array.from));
            }
        }
        pieces.add(piece("]"));
        return new SequenceInputStream(Collections.enumeration(pieces));
    }

    private static InputStream piece(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The array as it was written or read. */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
