package com.lockupguard.state;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/** Reads what {@link CompactOutput} wrote; a value that ends early or runs over fails with {@link CorruptStoreValueException}. */
final class CompactInput {

    private final byte[] bytes;
    private int position;

    CompactInput(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.position = offset;
    }

    int readByte() {
        require(1);
        return bytes[position++] & 0xFF;
    }

    long readLong() {
        long zigZag = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            if (shift == 63 && (b & 0x7E) != 0) {
                // the tenth byte carries the 64th bit alone: any other would be dropped, and the number misread
                throw new CorruptStoreValueException("a variable-length long holds more than 64 bits");
            }
            zigZag |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (zigZag >>> 1) ^ -(zigZag & 1);
            }
        }
        throw new CorruptStoreValueException("a variable-length long runs over 10 bytes");
    }

    int readLength() {
        long length = readLong();
        if (length < 0 || length > bytes.length - position) {
            throw new CorruptStoreValueException("a length of " + length + " with " + (bytes.length - position)
                    + " bytes left");
        }
        return (int) length;
    }

    /** Whether an optional {@code what} follows, as {@link CompactOutput#writePresence} wrote it. */
    boolean readPresence(String what) {
        return switch (readByte()) {
            case 0 -> false;
            case 1 -> true;
            default -> throw new CorruptStoreValueException(what + "'s presence byte is neither 0 nor 1");
        };
    }

    Instant readInstant() {
        return readPresence("an instant") ? Instant.ofEpochMilli(readLong()) : null;
    }

    Long readOptionalLong(String what) {
        return readPresence(what) ? readLong() : null;
    }

    String readOptionalString(String what) {
        return readPresence(what) ? readString() : null;
    }

    String readString() {
        int length = readLength();
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    byte[] readBytes() {
        return readRaw(readLength());
    }

    byte[] readRaw(int length) {
        require(length);
        byte[] value = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return value;
    }

    /** Skips {@code length} bytes. */
    void skip(int length) {
        require(length);
        position += length;
    }

    /** Fails unless every byte was read: a value with bytes left is not what this version wrote. */
    void requireEnd() {
        if (position != bytes.length) {
            throw new CorruptStoreValueException((bytes.length - position) + " bytes left after the value");
        }
    }

    private void require(int count) {
        if (count > bytes.length - position) {
            throw new CorruptStoreValueException("the value ends " + (count - (bytes.length - position))
                    + " bytes early");
        }
    }
}
