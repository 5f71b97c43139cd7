package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.state.RocksDBMemory;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

        // when
        Optional<MemtableFit> fit = MemtableFit.of(config, 12);

        // then there is no share to fit
        assertThat(fit).isEmpty();
    }

    @Test
    @Timeout(10)
    void shouldSayThatNoBoundHoldsTheStoresOfAbsurdlyManyStandbysRatherThanOverflowOrSearchForever() {
        // given 10,000 partitions with 200 million standbys each, and with as many as an int holds
        // when
        MemtableFit many = MemtableFit.of(16 * MIB, 0.1, 10_000, 200_000_000);
        MemtableFit most = MemtableFit.of(Long.MAX_VALUE, 0.9, 10_000, Integer.MAX_VALUE);

        // then neither fits, neither count went negative, and no bound is named that would not hold them
        assertThat(many.fits()).isFalse();
        assertThat(many.describe()).endsWith("No bound holds them: lower num.standby.replicas");
        assertThat(most.stores()).isEqualTo(10_000L * 5 * (1L + Integer.MAX_VALUE));
        assertThat(most.fits()).isFalse();
        assertThat(most.describe()).endsWith("No bound holds them: lower num.standby.replicas");
    }

    @Test
    void shouldNameTheLargestBoundWhenOnlyItHoldsTheStores() {
        // given exactly as many stores as the largest bound holds at a ratio of 0.9
        long largest = RocksDBMemory.storesThatFit(Long.MAX_VALUE, 0.9);

        // when / then that bound holds them, and one more store is held by none
        long limit = RocksDBMemory.limitThatHolds(largest, 0.9);
        assertThat(limit).isPositive();
        assertThat(RocksDBMemory.storesThatFit(limit, 0.9)).isGreaterThanOrEqualTo(largest);
        assertThat(RocksDBMemory.limitThatHolds(largest + 1, 0.9)).isEqualTo(-1);
    }
}
