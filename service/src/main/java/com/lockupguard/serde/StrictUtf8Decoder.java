package com.lockupguard.serde;

import com.lockupguard.rules.QuotedText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary decoder, but a string whose bytes are not UTF-8 is refused ({@link NotUtf8Exception}) where Avro puts
 * U+FFFD in their place. Avro strings are UTF-8; a producer that writes an id in Latin-1 ("Zoé" as 5A 6F E9) would
 * otherwise have it read as "Zo" and U+FFFD, the same id as every other that differs only in such a byte: two investors
 * one holding, two orders one order id.
 */
final class StrictUtf8Decoder extends Decoder {

    /** A string's bytes that are not UTF-8. */
    static final class NotUtf8Exception extends IOException {
        private static final long serialVersionUID = 1L;

        NotUtf8Exception(String message) {
            super(message);
        }
    }

    /** How much of a refused string its message repeats: it is the sender's, and goes into logs and headers. */
    private static final int SHOWN_CHARS = 64;

    private BinaryDecoder in;
    private boolean bytesAreText;
    private final Utf8 scratch = new Utf8();

    /**
     * This decoder, reading {@code length} bytes of {@code data} from {@code offset}. With {@code bytesAreText}, bytes
     * are checked as strings are: a reader whose schema holds no bytes asks for bytes only where the writer's bytes
     * are promoted to the reader's string (skipped fields are skipped, not read), which Avro decodes leniently.
     */
    StrictUtf8Decoder on(byte[] data, int offset, int length, boolean bytesAreText) {
        in = DecoderFactory.get().binaryDecoder(data, offset, length, in);
        this.bytesAreText = bytesAreText;
        return this;
    }

    /** Whether every byte has been read. */
    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        Utf8 read = in.readString(old);
        requireUtf8(read.getBytes(), 0, read.getByteLength());
        return read;
    }

    @Override
    public String readString() throws IOException {
        return readString(scratch).toString();
    }

    /** Refuses the {@code length} bytes of {@code bytes} from {@code offset} unless they are UTF-8. */
    static void requireUtf8(byte[] bytes, int offset, int length) throws NotUtf8Exception {
        String notUtf8 = whereNotUtf8(bytes, offset, length);
        if (notUtf8 != null) {
            throw new NotUtf8Exception("a string that is not UTF-8 (" + notUtf8 + "): Avro strings are UTF-8, and "
                    + "read with a replacement character, ids that differ only there would be one");
        }
    }

    /**
     * Where the {@code length} bytes of {@code bytes} from {@code offset} stop being UTF-8, with the text as UTF-8
     * reads it, a replacement character where they stop ({@code byte 3 of 4 is 0xe9; read as UTF-8, ...}); null
     * when they are UTF-8.
     */
    static String whereNotUtf8(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) { // not ASCII: only now is the whole string checked
                ByteBuffer rest = ByteBuffer.wrap(bytes, i, offset + length - i);
                try {
                    StandardCharsets.UTF_8.newDecoder().decode(rest);
                    return null;
                } catch (CharacterCodingException e) {
                    int bad = rest.position(); // where the decoder stopped: the first byte that is not UTF-8
                    String shown = shown(new String(bytes, offset, length, StandardCharsets.UTF_8));
                    return "byte " + (bad - offset + 1) + " of " + length + " is 0x"
                            + Integer.toHexString(bytes[bad] & 0xff) + "; read as UTF-8, \"" + shown + "\"";
                }
            }
        }
        return null;
    }

    /** At most {@value #SHOWN_CHARS} characters of {@code text}, its control characters escaped. */
    private static String shown(String text) {
        String shown = QuotedText.controlsEscaped(text.substring(0, Math.min(text.length(), SHOWN_CHARS)));
        return text.length() > SHOWN_CHARS ? shown + '…' : shown;
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void skipString() throws IOException {
        in.skipString();
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        ByteBuffer read = in.readBytes(old);
        if (bytesAreText) {
            requireUtf8(read.array(), read.arrayOffset() + read.position(), read.remaining());
        }
        return read;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipBytes();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return in.readArrayStart();
    }

    @Override
    public long arrayNext() throws IOException {
        return in.arrayNext();
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return in.readMapStart();
    }

    @Override
    public long mapNext() throws IOException {
        return in.mapNext();
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
