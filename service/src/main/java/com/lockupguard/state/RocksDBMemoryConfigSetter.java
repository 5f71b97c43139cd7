package com.lockupguard.state;

import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * What Kafka Streams runs as each RocksDB store opens ({@code rocksdb.config.setter}): the store shares its guard's
 * {@link RocksDBMemory}, then the user's own setter, if one was given, sees the options and may change them. Kafka
 * Streams makes one per store.
 */
public final class RocksDBMemoryConfigSetter implements RocksDBConfigSetter {

    private RocksDBConfigSetter user;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        RocksDBMemory.from(configs).bound(storeName, options);
        if (configs.get(RocksDBMemory.USER_CONFIG_SETTER_CONFIG) instanceof Class<?> userClass) {
            user = (RocksDBConfigSetter) Utils.newInstance(userClass);
            user.setConfig(storeName, options, configs);
        }
    }

    /** Closes the user's setter's objects; the shared memory is not the store's to close. */
    @Override
    public void close(String storeName, Options options) {
        if (user != null) {
            user.close(storeName, options);
        }
    }
}
