package com.lockupguard.serde;

import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the record.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    public static void writeHeader(byte[] target, int schemaId) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    /**
     * What to add to a refusal of a record key that starts as this format does (a zero byte, a schema id, more):
     * that a schema registry serde wrote it, where the guard's keys are plain UTF-8 text; nothing for another key.
     */
    public static String keyHint(byte[] key) {
        if (key == null || key.length <= HEADER_SIZE || key[0] != MAGIC_BYTE) {
            return "";
        }
        return " (it starts as a schema registry serde writes a key, a zero byte and schema id "
                + readSchemaId(key, "") + ": the guard's keys are plain UTF-8 text, investorId/securityId, as "
                + "Kafka's StringSerializer writes them)";
    }

    /** The schema id in {@code data}'s header; fails with a clear message on a wrong or short header. */
    public static int readSchemaId(byte[] data, String topic) {
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("record on '" + topic + "' has " + data.length
                    + " bytes, fewer than the 5-byte Confluent wire-format header: it was not written by an "
                    + "Avro serializer with a schema registry");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(Locale.ROOT,
                    "record on '%s' starts with byte 0x%02x, not the "
                    + "Confluent magic byte 0x00: it was not written by an Avro serializer with a schema registry",
                    topic, data[0]));
        }
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }
}
