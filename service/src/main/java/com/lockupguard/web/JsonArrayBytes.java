package com.lockupguard.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One JSON array as its bytes, whose elements are sent joined with other arrays' as one array, never parsed into a
 * tree. The list of every holding's position is about 560 bytes of JSON a holding, and several times that as
 * Jackson's tree: built as one, 100,000 holdings took a 512 MB heap out of memory. Written here, it is kept in chunks
 * ({@link Output}), never copied whole as a growing buffer is.
 */
final class JsonArrayBytes {

    static final JsonArrayBytes EMPTY = new JsonArrayBytes(List.of());

    /** The bytes between the array's {@code [} and {@code ]}, in order. */
    private final List<ByteBuffer> inner;

    private JsonArrayBytes(List<ByteBuffer> inner) {
        this.inner = inner;
    }

    /** An array this instance wrote: {@code [}, the elements, {@code ]}, nothing around them. */
    static JsonArrayBytes written(byte[] bytes) {
        if (bytes.length < 2 || bytes[0] != '[' || bytes[bytes.length - 1] != ']') {
            throw new IllegalArgumentException("not an array as written: " + bytes.length + " bytes");
        }
        return new JsonArrayBytes(List.of(ByteBuffer.wrap(bytes, 1, bytes.length - 2)));
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
            return new JsonArrayBytes(List.of(ByteBuffer.wrap(bytes, open + 1, close - open - 1)));
        }
    }

    boolean isEmpty() {
        for (ByteBuffer slice : inner) {
            for (int i = slice.position(); i < slice.limit(); i++) {
                byte b = slice.get(i);
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                    return false;
                }
            }
        }
        return true;
    }

    /** The elements of {@code arrays}, in their order, as one JSON array, read from the arrays' own bytes. */
    static InputStream joined(List<JsonArrayBytes> arrays) {
        List<InputStream> pieces = new ArrayList<>();
        pieces.add(piece("["));
        boolean first = true;
        for (JsonArrayBytes array : arrays) {
            if (!array.isEmpty()) {
                if (!first) {
                    pieces.add(piece(","));
                }
                first = false;
                for (ByteBuffer slice : array.inner) {
                    pieces.add(new ByteArrayInputStream(slice.array(), slice.arrayOffset() + slice.position(),
                            slice.remaining()));
                }
            }
        }
        pieces.add(piece("]"));
        return new SequenceInputStream(Collections.enumeration(pieces));
    }

    private static InputStream piece(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The array's text, {@code [} and {@code ]} around its elements. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("[");
        for (ByteBuffer slice : inner) {
            text.append(StandardCharsets.UTF_8.decode(slice.duplicate()));
        }
        return text.append(']').toString();
    }

    /** Where an array is written: chunks of a megabyte, none copied as more come. */
    static final class Output extends OutputStream {

        private static final int CHUNK = 1 << 20;

        private final List<byte[]> chunks = new ArrayList<>();
        private int used = CHUNK; // of the last chunk: none yet

        @Override
        public void write(int b) {
            if (used == CHUNK) {
                chunks.add(new byte[CHUNK]);
                used = 0;
            }
            chunks.get(chunks.size() - 1)[used++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                if (used == CHUNK) {
                    chunks.add(new byte[CHUNK]);
                    used = 0;
                }
                int taken = Math.min(length, CHUNK - used);
                System.arraycopy(bytes, offset, chunks.get(chunks.size() - 1), used, taken);
                used += taken;
                offset += taken;
                length -= taken;
            }
        }

        /** What was written, which must be one array with nothing around it, as written by a JSON generator. */
        JsonArrayBytes array() {
            List<ByteBuffer> slices = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                slices.add(ByteBuffer.wrap(chunks.get(i), 0, i == chunks.size() - 1 ? used : CHUNK));
            }
            ByteBuffer first = slices.isEmpty() ? null : slices.get(0);
            ByteBuffer last = slices.isEmpty() ? null : slices.get(slices.size() - 1);
            if (first == null || !first.hasRemaining() || first.get(0) != '[' || !last.hasRemaining()
                    || last.get(last.limit() - 1) != ']' || (slices.size() == 1 && first.remaining() < 2)) {
                throw new IllegalStateException("not an array as written");
            }
            first.position(1);
            last.limit(last.limit() - 1);
            return new JsonArrayBytes(List.copyOf(slices));
        }
    }
}
