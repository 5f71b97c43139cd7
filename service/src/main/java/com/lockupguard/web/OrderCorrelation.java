package com.lockupguard.web;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The header that ties an order the API sends to its decision. An order id does not: two orders may
 * share one (a reused id is blocked, RULES.md section 4.2, and a retry is answered again), so each
 * submission carries an id of its own, and the guard's decision comes back with its order's headers.
 */
public final class OrderCorrelation {

    /** The header's name on an order and on its decision; its value a UTF-8 UUID. */
    public static final String HEADER = "lockup-guard.correlation-id";

    private OrderCorrelation() {
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static Headers headers(String correlationId) {
        return new RecordHeaders().add(HEADER, correlationId.getBytes(StandardCharsets.UTF_8));
    }

    /** The correlation id among {@code headers}, or null for a record the API did not send. */
    static String of(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
