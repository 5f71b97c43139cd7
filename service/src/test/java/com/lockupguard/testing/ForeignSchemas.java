package com.lockupguard.testing;

import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/** Schemas a producer outside the project might register for the guard's inputs. */
public final class ForeignSchemas {

    private ForeignSchemas() {
    }

    /**
     * The guard's order as a producer of its own writes it: {@code com.acme.orders.ProposedOrder}, its id a string it
     * marks {@code uuid} (without the {@code avro.java.string} property of the generated class's schema, beside which
     * Avro ignores the logical type).
     */
    public static Schema ordersOfAnotherNamespaceWithUuidIds() {
        return new Schema.Parser().parse(ProposedOrder.getClassSchema().toString()
                .replace("\"namespace\":\"com.lockupguard.avro\"", "\"namespace\":\"com.acme.orders\"")
                .replace("\"orderId\",\"type\":[\"null\",{\"type\":\"string\",\"avro.java.string\":\"String\"}]",
                        "\"orderId\",\"type\":[\"null\",{\"type\":\"string\",\"logicalType\":\"uuid\"}]"));
    }

    /**
     * The guard's order with a field before its own that the guard does not know, and so skips: a chain of nodes,
     * each of which may hold the next (a record nested in itself, as a producer writes a list or a tree). A
     * compatible evolution: the field has a default.
     */
    public static Schema ordersWithAChain() {
        return new Schema.Parser().parse(ProposedOrder.getClassSchema().toString().replaceFirst("\"fields\":\\[",
                java.util.regex.Matcher.quoteReplacement("\"fields\":[{\"name\":\"chain\",\"type\":[\"null\","
                        + "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"next\","
                        + "\"type\":[\"null\",\"Node\"],\"default\":null}]}],\"default\":null},")));
    }

    /**
     * {@code order} written with {@link #ordersWithAChain()} under {@code schemaId}, in the wire format, its chain
     * {@code depth} nodes long: a byte a node.
     */
    public static byte[] orderWithAChain(int schemaId, ProposedOrder order, int depth) {
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, schemaId);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            for (int node = 0; node < depth; node++) {
                encoder.writeIndex(1); // the chain's first node, then each node's next
            }
            encoder.writeIndex(0); // the last node's next: null
            new SpecificDatumWriter<>(ProposedOrder.class).write(order, encoder); // the fields the guard reads
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
