package com.lockupguard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.rules.AgreementInForce;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.Counters;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.Position;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactPositionSerdeTest {

    private static final AgreementTerms LETTER = AgreementTerms.letter(new HoldingKey("dutchess", "CBYI"),
            LocalDate.parse("2003-04-28"), Instant.parse("2003-07-10T20:30:00Z"));

    private final CompactPositionSerde serde = new CompactPositionSerde();
    private final LockupRules rules = new LockupRules();

    @Test
    void shouldReadBackPositionsInEveryWindowAndWithoutANextRelease() {
        // given positions in the lock-up, the first window and a period, and one sold out
        HoldingState fresh = HoldingState.fresh(LETTER);
        HoldingState soldOut = new HoldingState(AgreementInForce.first(LETTER),
                new Counters(675_675, 200_000, 0, 3, 158_559, 0, 0, 0), null);
        Position lockup = rules.position(fresh, Instant.parse("2003-06-01T14:00:00Z"));
        Position unversioned = new Position(lockup.holding(), lockup.asOf(), lockup.window(), false, 1, 0, 0, 0, 0,
                0, null, null, null, null, lockup.rule144Date(), 0, null);
        List<Position> positions = List.of(lockup,
                rules.position(fresh, Instant.parse("2003-07-11T14:00:00Z")),
                rules.position(fresh, Instant.parse("2003-09-10T14:00:00Z")),
                rules.position(soldOut, Instant.parse("2004-01-01T14:00:00Z")),
                unversioned);
        // when / then
        for (Position position : positions) {
            byte[] bytes = serde.serializer().serialize("outbox", position);
            assertThat(serde.deserializer().deserialize("outbox", bytes)).isEqualTo(position);
        }
        assertThat(positions.get(3).nextReleaseAt()).isNull();
    }

    @Test
    void shouldPassNullThroughAndRefuseBytesItDidNotWrite() {
        // given
        byte[] written = serde.serializer().serialize("outbox",
                rules.position(HoldingState.fresh(LETTER), Instant.parse("2003-07-11T14:00:00Z")));
        byte[] longer = java.util.Arrays.copyOf(written, written.length + 1);
        // when / then
        assertThat(serde.serializer().serialize("outbox", null)).isNull();
        assertThat(serde.deserializer().deserialize("outbox", null)).isNull();
        assertThatThrownBy(() -> serde.deserializer().deserialize("outbox", new byte[0]))
                .isInstanceOf(CorruptStoreValueException.class);
        byte[] otherFormat = written.clone();
        otherFormat[0] = 2;
        assertThatThrownBy(() -> serde.deserializer().deserialize("outbox", otherFormat))
                .isInstanceOf(CorruptStoreValueException.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("outbox", longer))
                .isInstanceOf(CorruptStoreValueException.class);
    }

    @Test
    void shouldGrowItsBufferForAByteRightAfterAStringThatFilledIt() {
        // given ids that fill the first 256 bytes exactly: format byte, 1 + 8, 2 + 244 (lengths are zig-zag varints)
        AgreementTerms terms = AgreementTerms.letter(new HoldingKey("dutchess", "S".repeat(244)),
                LocalDate.parse("2003-04-28"), null);
        Position position = rules.position(HoldingState.fresh(terms), Instant.parse("2003-07-11T14:00:00Z"));
        // when
        byte[] bytes = serde.serializer().serialize("outbox", position);
        // then
        assertThat(serde.deserializer().deserialize("outbox", bytes)).isEqualTo(position);
    }
}
