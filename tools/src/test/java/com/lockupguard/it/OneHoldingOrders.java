package com.lockupguard.it;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** A timeline of many orders of one holding, for the tests that stop a command while it sends or reads them. */
final class OneHoldingOrders {

    private OneHoldingOrders() {
    }

    /** {@code count} orders of one holding, {@code o1} to {@code o<count>}, a millisecond apart from now. */
    static Path write(Path file, int count) throws Exception {
        Instant start = Instant.now();
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 1; i <= count; i++) {
                out.write("{\"type\":\"order\",\"at\":\"" + start.plusMillis(i) + "\",\"orderId\":\"o" + i
                        + "\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\","
                        + "\"quantity\":1}\n");
            }
        }
        return file;
    }
}
