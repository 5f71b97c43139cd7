package com.lockupguard.topology;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * How a guard topology is built where it runs: the service (persistent stores, record caches,
 * changelogs, partitions checked, ids forgotten after a retention) or the replay (in-memory stores,
 * nothing logged, nothing forgotten).
 *
 * @param punctuationInterval how often, in wall-clock time, passed window boundaries are published
 * @param inputPartitions     the inputs' partition count once known: an execution report on another
 *                            partition than its key's is dead-lettered
 * @param storage             where the stores keep their data
 * @param publishPositions    whether positions go to the positions topic (at most once per holding per commit, and
 *                            at window boundaries); a replay that does not print them leaves them out
 * @param idRetention         how long order and execution ids are remembered, in wall-clock time since the guard
 *                            first saw them (an id whose reservation closed: since it closed), or since the broker
 *                            stamped them when that is later ({@link OrderStamps}); null for forever.
 *                            Open reservations are never forgotten.
 * @param emptiedState        what rebuilds a task restored into an empty store from the middle of its changelog
 *                            (persistent stores only)
 * @param running             the partitions whose task runs here, restored: those whose stores queries may read
 * @param orderStamps         who stamps the orders topic's records, once the start has read the topic
 */
public record TopologyOptions(Duration punctuationInterval, InputPartitions inputPartitions, Storage storage,
        boolean publishPositions, Duration idRetention, EmptiedStateRepair emptiedState, RunningPartitions running,
        OrderStamps orderStamps) {

    /** How often, in wall-clock time, the guard publishes positions of holdings whose window boundary passed. */
    public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofSeconds(5);
    /**
     * How long ids are remembered by default: 180 days, as long as good-till-cancel orders commonly live (large
     * US brokers such as Schwab and Fidelity cancel them after 180 calendar days). A retry or a late report of an
     * order comes within its life; an order still open after that keeps its id anyway, since an open reservation
     * is never forgotten, and one that closes is remembered for the retention again from its close.
     */
    public static final Duration DEFAULT_ID_RETENTION = Duration.ofDays(180);

    /** Where the stores keep their data. */
    public enum Storage {
        /**
         * RocksDB, each store with a changelog; the holding state and the positions outbox with a record cache in
         * front, so that a holding written many times between commits is logged (and its position published) once.
         */
        PERSISTENT,
        /**
         * Memory, no record cache, no changelog: for the replay, where the test driver commits after every record
         * and the state lives only as long as the process. Stores read and written by key are hash maps (a scan sorts
         * them first); the one scanned at every punctuation is Kafka Streams' sorted in-memory store.
         */
        IN_MEMORY;

        /** @param scanned whether the topology scans the store by key range as often as it reads it */
        KeyValueBytesStoreSupplier supplier(String name, boolean scanned) {
            if (this == PERSISTENT) {
                return Stores.persistentKeyValueStore(name);
            }
            return scanned ? Stores.inMemoryKeyValueStore(name) : HashedMemoryStore.supplier(name);
        }

        boolean caches() {
            return this == PERSISTENT;
        }

        boolean logs() {
            return this == PERSISTENT;
        }

        /**
         * Whether the stores may hold what an older guard wrote (restored from its changelogs): then the store where
         * an older guard kept open reservations is read too. Fresh in-memory stores never do.
         */
        boolean mayHoldOlderValues() {
            return this == PERSISTENT;
        }
    }

    public TopologyOptions {
        Objects.requireNonNull(punctuationInterval, "punctuationInterval");
        Objects.requireNonNull(inputPartitions, "inputPartitions");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(emptiedState, "emptiedState");
        Objects.requireNonNull(running, "running");
        Objects.requireNonNull(orderStamps, "orderStamps");
        if (idRetention != null && (idRetention.isNegative() || idRetention.isZero())) {
            throw new IllegalArgumentException("an id retention is positive, or null for forever: " + idRetention);
        }
    }

    /** The service's: persistent stores, default punctuation and id retention, partitions not (yet) checked. */
    public static TopologyOptions service() {
        return new TopologyOptions(DEFAULT_PUNCTUATION_INTERVAL, InputPartitions.unchecked(), Storage.PERSISTENT,
                true, DEFAULT_ID_RETENTION, new EmptiedStateRepair(), new RunningPartitions(), new OrderStamps());
    }

    /** The replay's: in-memory stores, ids remembered forever; positions published only when asked for. */
    public static TopologyOptions replay(boolean publishPositions) {
        return new TopologyOptions(DEFAULT_PUNCTUATION_INTERVAL, InputPartitions.unchecked(), Storage.IN_MEMORY,
                publishPositions, null, new EmptiedStateRepair(), new RunningPartitions(), new OrderStamps());
    }

    public TopologyOptions withPunctuationInterval(Duration interval) {
        return new TopologyOptions(interval, inputPartitions, storage, publishPositions, idRetention, emptiedState,
                running, orderStamps);
    }

    public TopologyOptions withInputPartitions(InputPartitions partitions) {
        return new TopologyOptions(punctuationInterval, partitions, storage,
                publishPositions, idRetention, emptiedState, running, orderStamps);
    }

    /** @param retention how long ids are remembered; null for forever */
    public TopologyOptions withIdRetention(Duration retention) {
        return new TopologyOptions(punctuationInterval, inputPartitions, storage,
                publishPositions, retention, emptiedState, running, orderStamps);
    }

    public TopologyOptions withStorage(Storage otherStorage) {
        return new TopologyOptions(punctuationInterval, inputPartitions, otherStorage,
                publishPositions, idRetention, emptiedState, running, orderStamps);
    }
}
