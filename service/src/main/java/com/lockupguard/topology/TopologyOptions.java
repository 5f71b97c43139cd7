package com.lockupguard.topology;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * How a guard topology is built where it runs: the service (persistent stores, record caches,
 * partitions checked, ids forgotten after a retention) or the replay (in-memory stores, nothing
 * forgotten).
 *
 * @param punctuationInterval how often, in wall-clock time, passed window boundaries are published
 * @param inputPartitions     the inputs' partition count once known: an execution report on another
 *                            partition than its key's is dead-lettered
 * @param storage             where the stores keep their data
 * @param publishPositions    whether positions go to the positions topic (after every change and at window
 *                            boundaries); a replay that does not print them leaves them out
 */
public record TopologyOptions(Duration punctuationInterval, InputPartitions inputPartitions, Storage storage,
        boolean publishPositions) {

    /** How often, in wall-clock time, the guard publishes positions of holdings whose window boundary passed. */
    public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofSeconds(5);

    /** Where the stores keep their data. */
    public enum Storage {
        /** RocksDB, with a record cache in front: a holding written many times between commits is logged once. */
        PERSISTENT,
        /**
         * Memory, no record cache: for the replay, where the test driver commits after every record and the
         * state lives only as long as the process.
         */
        IN_MEMORY;

        KeyValueBytesStoreSupplier supplier(String name) {
            return this == PERSISTENT ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
        }

        boolean caches() {
            return this == PERSISTENT;
        }
    }

    public TopologyOptions {
        Objects.requireNonNull(punctuationInterval, "punctuationInterval");
        Objects.requireNonNull(inputPartitions, "inputPartitions");
        Objects.requireNonNull(storage, "storage");
    }

    /** The service's: persistent stores, default punctuation, partitions not (yet) checked. */
    public static TopologyOptions service() {
        return new TopologyOptions(DEFAULT_PUNCTUATION_INTERVAL, InputPartitions.unchecked(), Storage.PERSISTENT,
                true);
    }

    /** The replay's: in-memory stores; positions published only when asked for. */
    public static TopologyOptions replay(boolean publishPositions) {
        return new TopologyOptions(DEFAULT_PUNCTUATION_INTERVAL, InputPartitions.unchecked(), Storage.IN_MEMORY,
                publishPositions);
    }

    public TopologyOptions withPunctuationInterval(Duration interval) {
        return new TopologyOptions(interval, inputPartitions, storage, publishPositions);
    }

    public TopologyOptions withInputPartitions(InputPartitions partitions) {
        return new TopologyOptions(punctuationInterval, partitions, storage, publishPositions);
    }
}
