package com.lockupguard.serde;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Record keys read as UTF-8 text, and refused where they are not: Kafka's string deserializer puts U+FFFD in place of
 * such bytes, so that keys a Latin-1 producer wrote for two holdings ("Zoé/CBYI", "Zoë/CBYI") read as one, while the
 * producer's partitioner, which hashes the bytes, put them on partitions of their own. A refused key is a
 * {@link SerializationException}, and its record is dead-lettered as one that cannot be read.
 */
public final class Utf8KeyDeserializer implements Deserializer<String> {

    @Override
    public String deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        String notUtf8 = StrictUtf8Decoder.whereNotUtf8(data, 0, data.length);
        if (notUtf8 != null) {
            throw new SerializationException("the record key on '" + topic + "' is not UTF-8 (" + notUtf8 + "): keys "
                    + "are read as UTF-8 text, and with a replacement character, holdings whose keys differ only "
                    + "there would be one" + WireFormat.keyHint(data));
        }
        return new String(data, StandardCharsets.UTF_8);
    }
}
