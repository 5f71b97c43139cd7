package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.state.RocksDBMemory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whether the memtables' share of the RocksDB bound holds a block of every store an instance may hold. */
class MemtableFitTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void shouldSayWhenTheMemtablesShareCannotHoldABlockOfEveryStoreTheInstanceMayHold() {
        // given a 16 MiB bound, whose 8 MiB for memtables hold a 128 KiB block of 56 stores
        // when an instance may hold 12 partitions' 5 stores
        MemtableFit twelve = MemtableFit.of(16 * MIB, 0.5, 12, 0);

        // then the bound is said too small for 60 stores, with the least that would hold them, and that one does
        assertThat(twelve.fits()).isFalse();
        assertThat(twelve.describe()).startsWith("rocksdb.memory.bytes=16777216 holds the memtables of 56 RocksDB "
                + "stores, and this instance may hold 60 (12 partitions, 5 stores each, standbys included): with "
                + "more of them written to").contains("Raise it to at least 18874368 (18 MiB),");
        assertThat(RocksDBMemory.storesThatFit(18874368, 0.5)).isGreaterThanOrEqualTo(60);
        assertThat(RocksDBMemory.storesThatFit(18874368 - MIB, 0.5)).isLessThan(60);
    }

    @Test
    void shouldFitElevenPartitionsButNotTwelveWithAStandbyInSixteenMib() {
        // given the same 16 MiB bound
        // when an instance may hold 11 partitions' stores (55), or 12 partitions' with a standby each (120)
        // then the first fit, and the describing says so without a warning; the second does not
        assertThat(MemtableFit.of(16 * MIB, 0.5, 11, 0).fits()).isTrue();
        assertThat(MemtableFit.of(16 * MIB, 0.5, 11, 0).describe()).doesNotContain("Raise");
        assertThat(MemtableFit.of(16 * MIB, 0.5, 12, 1).fits()).isFalse();
    }

    @Test
    void shouldHoldTwelvePartitionsWithAStandbyEachByDefaultButNotNinety() {
        // given the default configuration: a 256 MiB bound, half of it for memtables, one standby
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1"));

        // when an instance may hold 12 partitions, or 90
        // then 12 partitions' 120 stores fit many times over (896), and 90's 900 do not
        assertThat(MemtableFit.of(config, 12)).hasValueSatisfying(fit -> {
            assertThat(fit.fits()).isTrue();
            assertThat(fit.stores()).isEqualTo(120);
            assertThat(fit.storesThatFit()).isEqualTo(896);
        });
        assertThat(MemtableFit.of(config, 90)).hasValueSatisfying(fit -> assertThat(fit.fits()).isFalse());
    }

    @Test
    void shouldSayNothingOfAnUnboundedRocksDb() {
        // given RocksDB's memory left to Kafka Streams' per-store defaults
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "rocksdb.memory.bytes", "-1"));

        // when, then there is no share to fit
        assertThat(MemtableFit.of(config, 12)).isEmpty();
    }
}
