package com.lockupguard.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/** Converts a record to another, compatible schema the way a reader would: Avro schema resolution. */
final class SchemaResolution {

    private SchemaResolution() {
    }

    /** {@code record} as a generic record of {@code target}: fields matched by name, defaults filled in. */
    static Object convert(GenericContainer record, Schema target) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<>(record.getSchema()).write(record, encoder);
        encoder.flush();
        GenericDatumReader<Object> reader = new GenericDatumReader<>(record.getSchema(), target, GenericData.get());
        return reader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
