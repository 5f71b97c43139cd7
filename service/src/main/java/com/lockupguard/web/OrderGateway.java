package com.lockupguard.web;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ProposedOrder;
import java.util.concurrent.CompletableFuture;

/** Where the pre-trade check sends an order and gets its decision back. */
public interface OrderGateway {

    /** Sends {@code order} to the guard; completes with its decision as the guard commits it. */
    CompletableFuture<Decision> submit(ProposedOrder order);
}
