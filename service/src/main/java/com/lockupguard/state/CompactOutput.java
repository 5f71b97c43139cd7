package com.lockupguard.state;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes a store value in the guard's compact encoding: variable-length zig-zag longs (as Avro and
 * protobuf write them), length-prefixed UTF-8 strings and byte arrays, single-byte codes. One
 * instance is reused for every value a processor writes; {@link #toByteArray()} copies the result out.
 */
final class CompactOutput {

    private byte[] bytes = new byte[256];
    private int size;

    CompactOutput reset() {
        size = 0;
        return this;
    }

    CompactOutput writeByte(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
        return this;
    }

    /** A long, zig-zag encoded so that small negative values are short too: 1 to 10 bytes. */
    CompactOutput writeLong(long value) {
        ensure(10);
        long zigZag = (value << 1) ^ (value >> 63);
        while ((zigZag & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((zigZag & 0x7F) | 0x80);
            zigZag >>>= 7;
        }
        bytes[size++] = (byte) zigZag;
        return this;
    }

    /** Whether an optional value follows: 1, or 0 for none. */
    CompactOutput writePresence(boolean present) {
        return writeByte(present ? 1 : 0);
    }

    /** An instant at millisecond precision, or null. */
    CompactOutput writeInstant(Instant instant) {
        return instant == null ? writePresence(false) : writePresence(true).writeLong(instant.toEpochMilli());
    }

    /** A long or null. */
    CompactOutput writeOptionalLong(Long value) {
        return value == null ? writePresence(false) : writePresence(true).writeLong(value);
    }

    /** A string or null. */
    CompactOutput writeOptionalString(String value) {
        return value == null ? writePresence(false) : writePresence(true).writeString(value);
    }

    CompactOutput writeString(String value) {
        return writeBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    CompactOutput writeBytes(byte[] value) {
        writeLong(value.length);
        return writeRaw(value);
    }

    CompactOutput writeRaw(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
