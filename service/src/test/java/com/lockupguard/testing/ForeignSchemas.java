package com.lockupguard.testing;

import com.lockupguard.avro.ProposedOrder;
import org.apache.avro.Schema;

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
}
