package com.lockupguard.topology;

import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A supplier of byte stores named {@code name}, reported to metrics as {@code metricsScope}, each made by
 * {@code create}.
 */
record BytesStoreSupplier(String name, String metricsScope, Supplier<KeyValueStore<Bytes, byte[]>> create)
        implements KeyValueBytesStoreSupplier {

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
        return create.get();
    }
}
