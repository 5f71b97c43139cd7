package com.lockupguard.web;

import com.lockupguard.avro.Decision;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Headers;

/**
 * Who waits for which decision: each by the correlation id its order was sent with
 * ({@link OrderCorrelation}), so that two orders with one order id each get their own decision.
 */
final class DecisionWaiters {

    private final Map<String, CompletableFuture<Decision>> waiting = new ConcurrentHashMap<>();

    /** The decision of the order sent with {@code correlationId}, when it is read. */
    CompletableFuture<Decision> await(String correlationId) {
        CompletableFuture<Decision> decision = new CompletableFuture<>();
        waiting.put(correlationId, decision);
        decision.whenComplete((d, e) -> waiting.remove(correlationId, decision));
        return decision;
    }

    /** Hands {@code decision}, read with {@code headers}, to whoever waits for it, if anyone does. */
    void decided(Headers headers, Decision decision) {
        String correlationId = OrderCorrelation.of(headers);
        CompletableFuture<Decision> waiter = correlationId == null ? null : waiting.get(correlationId);
        if (waiter != null) {
            waiter.complete(decision);
        }
    }

    int size() {
        return waiting.size();
    }

    void cancelAll() {
        waiting.values().forEach(w -> w.cancel(false));
    }
}
