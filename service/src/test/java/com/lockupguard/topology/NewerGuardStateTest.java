package com.lockupguard.topology;

import static com.lockupguard.topology.TopologyFixture.HOLDING;
import static com.lockupguard.topology.TopologyFixture.WALL_CLOCK_START;
import static com.lockupguard.topology.TopologyFixture.at;
import static com.lockupguard.topology.TopologyFixture.letter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.avro.OrderKind;
import com.lockupguard.state.NewerGuardStateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State a newer guard wrote, in a format this one does not know: a newer instance in the group (a rolling upgrade),
 * or this older one started on the newer one's state. Older guards dead-lettered, or dropped, every record of such a
 * holding and committed past it, silently; this one stops instead, so that a newer instance decides the record.
 */
class NewerGuardStateTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldStopRatherThanDecideOrDeadLetterAnOrderOfAHoldingANewerGuardWrote() {
        try (TopologyFixture guard = new TopologyFixture(stateDir)) {
            // given a holding whose state a newer guard rewrote in a format of its own
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            KeyValueStore<String, byte[]> holdings = guard.driver.getKeyValueStore(StoreNames.HOLDING_STATE);
            byte[] newer = Arrays.copyOf(holdings.get(HOLDING), holdings.get(HOLDING).length);
            newer[0] = 0x03;
            holdings.put(HOLDING, newer);

            // when an order of that holding comes, then the stream thread fails on it, naming the newer guard
            assertThatThrownBy(() -> guard.orders.pipeInput(HOLDING,
                    TopologyFixture.order("o-1", OrderKind.PUBLIC_SALE, 10), at("2003-07-28T10:00:00-04:00")))
                    .hasRootCauseInstanceOf(NewerGuardStateException.class)
                    .hasStackTraceContaining("holding-state value starts with byte 0x03, a format of a newer guard");

            // and the order is neither decided nor dead-lettered: the newer instance decides it
            assertThat(guard.drainDecisions()).isEmpty();
            assertThat(guard.drainDeadLetters()).isEmpty();
        }
    }

    @Test
    void shouldStopRatherThanDropTheScheduleOfAHoldingANewerGuardWrote() {
        try (TopologyFixture guard = new TopologyFixture(stateDir)) {
            // given a holding on the release schedule whose state a newer guard rewrote
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            guard.positions.readValuesToList();
            KeyValueStore<String, byte[]> holdings = guard.driver.getKeyValueStore(StoreNames.HOLDING_STATE);
            byte[] newer = Arrays.copyOf(holdings.get(HOLDING), holdings.get(HOLDING).length);
            newer[0] = 0x05;
            holdings.put(HOLDING, newer);
            KeyValueStore<String, String> schedule = guard.driver.getKeyValueStore(StoreNames.RELEASE_SCHEDULE);
            int scheduled = count(schedule);

            // when the wall clock passes the First Release, then the punctuation fails on it
            assertThatThrownBy(() -> guard.driver.advanceWallClockTime(Duration.between(WALL_CLOCK_START,
                    at("2003-07-27T00:00:05-04:00")))).hasRootCauseInstanceOf(NewerGuardStateException.class);

            // and the holding keeps its schedule entry, which an unreadable holding's would lose
            assertThat(count(schedule)).isEqualTo(scheduled).isPositive();
        }
    }

    private static int count(KeyValueStore<String, String> store) {
        int n = 0;
        try (var all = store.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }
}
