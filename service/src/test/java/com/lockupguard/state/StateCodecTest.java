package com.lockupguard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.contract.HoldingStateMapper;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.rules.AgreementInForce;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.ArbitraryTerms;
import com.lockupguard.rules.Counters;
import com.lockupguard.rules.ExecutionKind;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.Outcome;
import com.lockupguard.rules.Reservation;
import com.lockupguard.rules.ReservationStatus;
import com.lockupguard.rules.Window;
import com.lockupguard.serde.SpecificAvroSerde;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StateCodecTest {

    private static final HoldingKey LETTER = new HoldingKey("dutchess", "CBYI");
    private static final Instant EFFECTIVE = Instant.parse("2003-07-10T20:30:00Z");

    private final String scope = "codec-" + UUID.randomUUID();
    private final StateCodec codec = new StateCodec(null);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    private static HoldingState holding(AgreementTerms terms, long version, Counters counters, Instant clock) {
        return new HoldingState(AgreementInForce.first(terms).asVersion(version), counters, clock);
    }

    private static AgreementTerms letter() {
        return AgreementTerms.letter(LETTER, LocalDate.parse("2003-04-28"), EFFECTIVE);
    }

    @Provide
    Arbitrary<AgreementTerms> terms() {
        return ArbitraryTerms.any();
    }

    @Property
    void shouldReadBackEveryHoldingItWrites(@ForAll @LongRange(min = 0, max = 675_675) long used,
            @ForAll @LongRange(min = -1, max = 40) long period, @ForAll @LongRange(min = 1, max = 1_000) long version,
            @ForAll boolean clocked, @ForAll("terms") AgreementTerms terms) {
        // given a holding with any counters, clock, version and terms (zone, totals, day counts, tranche mode,
        // Rule 144 months, registered or not)
        Counters counters = new Counters(used, used / 2, used / 3, period, used / 4, used / 7, used / 5, used / 6);
        StoredHolding stored = new StoredHolding(holding(terms, version, counters,
                clocked ? Instant.ofEpochMilli(1_057_000_000_123L + used) : null),
                clocked ? Instant.parse("2003-08-09T04:00:00Z") : null);
        // when it is written and read, by this codec and by a fresh one (nothing cached)
        byte[] value = codec.encode(stored);
        // then it is the same holding
        assertThat(codec.holding(value)).isEqualTo(stored);
        assertThat(new StateCodec(null).holding(value)).isEqualTo(stored);
        assertThat(value[0]).isEqualTo((byte) StateCodec.COMPACT_HOLDING_2);
    }

    @Test
    void shouldReadAHoldingWrittenBeforeThePreviousPeriodsTrancheWasCounted() {
        // given a holding-state value as the guard wrote it before the count (format 0x01), captured from that build
        byte[] written = HexFormat.of().parseHex("0104494b4d923929ca14664c7f1a817d58beff11fe77760b0e4a0553f007b38bae"
                + "0a70106475746368657373084342594994be0120416d65726963612f4e65775f596f726bb6bd52b40180b5183cbead133c0118"
                + "0180b5bfdec93d9ea83480b518a09c0102bead130080f1040180e6ededf03d018098cf9d833e");
        // when this guard reads it
        StoredHolding read = codec.holding(written);
        // then every field is there, and the previous period's tranche, which that guard did not keep, counts 0
        assertThat(read).isEqualTo(new StoredHolding(holding(letter(), 2,
                new Counters(428_559, 200_000, 10_000, 1, 158_559, 0, 0, 40_000),
                Instant.parse("2003-09-09T15:00:00Z")), Instant.parse("2003-10-08T04:00:00Z")));
        // and it is written back in this format, which the same reader reads
        byte[] rewritten = codec.encode(read);
        assertThat(rewritten[0]).isEqualTo((byte) StateCodec.COMPACT_HOLDING_2);
        assertThat(new StateCodec(null).holding(rewritten)).isEqualTo(read);
    }

    @Test
    void shouldRefuseAHoldingValueInNeitherFormat() {
        byte[] value = codec.encode(new StoredHolding(holding(letter(), 1, Counters.NONE, null), null));
        value[0] = 3;
        assertThatThrownBy(() -> codec.holding(value)).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("byte 0x03").hasMessageContaining("0x02, or 0x01");
    }

    @Test
    void shouldNameAFormatANewerGuardMayWriteAsSuchAndForeignBytesAsCorrupt() {
        // given values whose first byte is past each store's newest format: 0x03 for holding-state, 0x02 for the others
        byte[] holding = codec.encode(new StoredHolding(holding(letter(), 1, Counters.NONE, null), null));
        holding[0] = 3;
        byte[] execution = codec.encode(new RememberedExecution(ExecutionKind.FILL, "e2", 100_000L, 5));
        execution[0] = 2;

        // when read, then each is a newer guard's, naming the store, the byte and what this guard writes
        assertThatThrownBy(() -> codec.holding(holding)).isInstanceOf(NewerGuardStateException.class)
                .hasMessageStartingWith("holding-state value starts with byte 0x03, a format of a newer guard: this "
                        + "one writes 0x02, or 0x01");
        assertThatThrownBy(() -> codec.execution(execution)).isInstanceOf(NewerGuardStateException.class)
                .hasMessageStartingWith("seen-executions value starts with byte 0x02, a format of a newer guard");
        assertThatThrownBy(() -> codec.order(new byte[] {0x1f, 1}, "o-1"))
                .isInstanceOf(NewerGuardStateException.class);
        // and a first byte no guard's format will take is corrupt, as before
        assertThatThrownBy(() -> codec.order(new byte[] {0x20, 1}, "o-1"))
                .isInstanceOf(CorruptStoreValueException.class).isNotInstanceOf(NewerGuardStateException.class);
        assertThatThrownBy(() -> codec.holding(new byte[] {(byte) 0xff, 1}))
                .isInstanceOf(CorruptStoreValueException.class).isNotInstanceOf(NewerGuardStateException.class);
    }

    @Test
    void shouldShareTheCachedTermsAndCalendarBetweenReadsButKeepEachVersion() {
        // given one holding's state written at two agreement versions with the same terms
        byte[] atOne = codec.encode(new StoredHolding(holding(letter(), 1, Counters.NONE, null), null));
        byte[] atThree = codec.encode(new StoredHolding(holding(letter(), 3, Counters.NONE, null), null));
        // when both are read
        AgreementInForce one = codec.holding(atOne).state().agreement();
        AgreementInForce three = codec.holding(atThree).state().agreement();
        // then the terms were validated once and the calendar computed once; each keeps its version
        assertThat(three.terms()).isSameAs(one.terms());
        assertThat(three.calendar()).isSameAs(one.calendar());
        assertThat(one.version()).isEqualTo(1);
        assertThat(three.version()).isEqualTo(3);
    }

    @Test
    void shouldWriteAHoldingInFewerBytesThanItsAvroRecord() {
        // given the letter's holding after some sales
        StoredHolding stored = new StoredHolding(holding(letter(), 2,
                new Counters(320_000, 200_000, 0, 0, 120_000, 0, 0, 20_000),
                Instant.parse("2003-08-20T14:00:00Z")), Instant.parse("2003-09-08T04:00:00Z"));
        SpecificAvroSerde<com.lockupguard.avro.HoldingState> avroSerde = new SpecificAvroSerde<>(
                com.lockupguard.avro.HoldingState.class, InMemorySchemaRegistry.scope(scope));
        avroSerde.configure(Map.of("schema.registry.url", "mock://" + scope), false);
        com.lockupguard.avro.HoldingState avro = HoldingStateMapper.toAvro(stored.state());
        avro.setNextBoundaryAt(stored.nextBoundaryAt());
        // when
        int compact = codec.encode(stored).length;
        int asAvro = avroSerde.serializer().serialize("lockup-guard-holding-state-changelog", avro).length;
        // then (121 bytes against 158: the hash as 32 bytes instead of 64 hex characters, no union indexes)
        assertThat(compact).isLessThan(asAvro);
    }

    @Test
    void shouldReadBackAnOrderWithItsOpenReservationAndItsDecisionBytes() {
        byte[] decision = {0, 0, 0, 0, 9, 42, 43};
        Reservation open = new Reservation("e2", OrderKind.PUBLIC_SALE, Window.period(3), 100, 20, 120_000, 7,
                Instant.parse("2003-07-11T13:45:00Z"));
        RememberedOrder order = RememberedOrder.decided(OrderKind.PUBLIC_SALE, 120_000, Outcome.APPROVED, decision,
                open, 1_764_000_000_000L);

        RememberedOrder read = codec.order(codec.encode(order), "e2");

        assertThat(read.reservation()).isEqualTo(open);
        assertThat(read.status()).isEqualTo(ReservationStatus.OPEN);
        assertThat(read.decision()).containsExactly(decision);
        assertThat(read.prior()).isEqualTo(order.prior());
        assertThat(read.rememberedAt()).isEqualTo(1_764_000_000_000L);
        assertThat(codec.orderRetention(codec.encode(order), "o1"))
                .isEqualTo(new StateCodec.Retention(1_764_000_000_000L, true));
    }

    @Test
    void shouldReadBackClosedAndReservationlessOrders() {
        RememberedOrder blocked = RememberedOrder.decided(OrderKind.PRIVATE_TRANSFER, 5, Outcome.BLOCKED,
                new byte[] {1}, null, 10);
        Reservation open = new Reservation("e4", OrderKind.PUBLIC_SALE, Window.FIRST, 0, 0, 40_000, 0,
                Instant.parse("2003-07-12T14:00:00Z"));
        RememberedOrder cancelled = RememberedOrder.decided(OrderKind.PUBLIC_SALE, 40_000, Outcome.APPROVED,
                new byte[] {2}, open, 10).closed(ReservationStatus.CANCELLED, 20);

        assertThat(codec.order(codec.encode(blocked), "p").prior()).isEqualTo(blocked.prior());
        RememberedOrder read = codec.order(codec.encode(cancelled), "e4");
        assertThat(read.status()).isEqualTo(ReservationStatus.CANCELLED);
        assertThat(read.reservation()).isNull();
        assertThat(read.rememberedAt()).as("the retention runs from the close").isEqualTo(20);
        assertThat(codec.orderRetention(codec.encode(cancelled), "o1"))
                .isEqualTo(new StateCodec.Retention(20, false));
    }

    @Test
    void shouldFindNoOpenReservationWhenAnOlderGuardsReservationsStoreNoLongerHoldsIt() {
        // given an order an older guard approved, open, with its reservation kept in that guard's own store
        RememberedOrder older = new RememberedOrder(OrderKind.PUBLIC_SALE, 40_000, Outcome.APPROVED, new byte[] {1},
                ReservationStatus.OPEN, null, RememberedOrder.SINCE_UNKNOWN);
        // when that store holds nothing under the order's key
        Reservation open = codec.openReservation(older, "dutchess/CBYI/e4", "e4", key -> null);
        // then none is open, rather than the empty value failing as unreadable
        assertThat(open).isNull();
    }

    @Test
    void shouldReadBackExecutions() {
        RememberedExecution fill = new RememberedExecution(ExecutionKind.FILL, "e2", 100_000L, 5);
        RememberedExecution cancel = new RememberedExecution(ExecutionKind.CANCEL, "e2", null, 6);
        assertThat(codec.execution(codec.encode(fill))).isEqualTo(fill);
        assertThat(codec.execution(codec.encode(cancel))).isEqualTo(cancel);
    }

    @Test
    void shouldRefuseBytesItDidNotWrite() {
        byte[] good = codec.encode(new RememberedExecution(ExecutionKind.FILL, "e2", 100_000L, 5));
        assertThatThrownBy(() -> codec.execution(new byte[] {7, 1, 2}))
                .isInstanceOf(CorruptStoreValueException.class).hasMessageContaining("0x07");
        assertThatThrownBy(() -> codec.execution(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(CorruptStoreValueException.class).hasMessageContaining("early");
        assertThatThrownBy(() -> codec.execution(Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(CorruptStoreValueException.class).hasMessageContaining("left");
        assertThatThrownBy(() -> codec.execution(new byte[] {0, 0, 0, 0, 1}))
                .as("an older guard's Avro, with no way to read it").isInstanceOf(CorruptStoreValueException.class);
    }

    @Test
    void shouldRefuseAsCorruptAValueWhoseLengthIsNegativeOrRunsPastItsEnd() {
        // given seen-executions values whose order id's length is -1 (zig-zag 0x01), or 2 with 1 byte left
        byte[] negative = {1, 1, 0x01, 'e', '2'};
        byte[] pastTheEnd = {1, 1, 0x04, 'e'};
        // when read, then each is refused as a corrupt store value (which the sweeper walks past), not an index error
        assertThatThrownBy(() -> codec.execution(negative)).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("length of -1");
        assertThatThrownBy(() -> codec.execution(pastTheEnd)).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("length of 2");
    }

    @Test
    void shouldReadEachHoldingWithItsOwnTermsWhenOneCodecReadsSeveral() {
        // given two holdings under different terms, written by one codec
        StoredHolding registered = new StoredHolding(holding(letter(), 1, Counters.NONE, null), null);
        StoredHolding unregistered = new StoredHolding(holding(AgreementTerms.letter(new HoldingKey("other", "SEC"),
                LocalDate.parse("2003-04-28"), null), 1, Counters.NONE, null), null);
        byte[] first = codec.encode(registered);
        byte[] second = codec.encode(unregistered);
        StateCodec reader = new StateCodec(null);
        // when one fresh codec reads both, then the first again
        StoredHolding readFirst = reader.holding(first);
        StoredHolding readSecond = reader.holding(second);
        StoredHolding readFirstAgain = reader.holding(first);
        // then each has its own terms: the cache tells the terms hashes apart
        assertThat(readFirst).isEqualTo(registered);
        assertThat(readSecond).isEqualTo(unregistered);
        assertThat(readFirstAgain).isEqualTo(registered);
    }

    @Test
    void shouldRefuseToWriteAnAgreementWhoseTermsHashIsNotASha256() {
        // given
        StoredHolding stored = new StoredHolding(new HoldingState(new AgreementInForce(letter(), 1, "abcd"),
                Counters.NONE, null), null);
        // when / then
        assertThatThrownBy(() -> codec.encode(stored)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 bytes");
    }

    @Test
    void shouldRefuseAnOrderValueWithBytesLeftAfterIt() {
        // given
        byte[] written = codec.encode(RememberedOrder.decided(OrderKind.PUBLIC_SALE, 5, Outcome.BLOCKED,
                new byte[] {1}, null, 10));
        byte[] longer = Arrays.copyOf(written, written.length + 1);
        // when / then
        assertThatThrownBy(() -> codec.order(longer, "p")).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("left");
    }

    @Test
    void shouldRefuseEmptyValuesAndNameAnOlderGuardsAvroAsSuch() {
        // given
        byte[] avro = {0, 0, 0, 0, 1};
        // when / then
        assertThatThrownBy(() -> codec.execution(new byte[0])).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("starts with nothing");
        assertThatThrownBy(() -> codec.holding(new byte[0])).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("starts with nothing");
        assertThatThrownBy(() -> codec.execution(avro)).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("where none can be");
        assertThatThrownBy(() -> codec.order(avro, "p")).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("where none can be");
        assertThatThrownBy(() -> codec.orderRetention(avro, "o1")).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("where none can be");
    }

    @Test
    void shouldRefuseTheRetentionOfAnOpenOrderWhoseStatusWasDamagedRatherThanForgetItsReservation() {
        // given an open order, its status byte damaged from OPEN to FILLED, its reservation still in the rest
        Reservation open = new Reservation("e2", OrderKind.PUBLIC_SALE, Window.period(3), 100, 20, 120_000, 7,
                Instant.parse("2003-07-11T13:45:00Z"));
        byte[] value = codec.encode(RememberedOrder.decided(OrderKind.PUBLIC_SALE, 120_000, Outcome.APPROVED,
                new byte[] {1}, open, 10));
        byte[] filled = codec.encode(RememberedOrder.decided(OrderKind.PUBLIC_SALE, 120_000, Outcome.APPROVED,
                new byte[] {1}, open, 10).closed(ReservationStatus.FILLED, 20));
        byte[] damaged = value.clone();
        damaged[3] = filled[3];
        assertThat(damaged).isNotEqualTo(value);

        // when its retention is asked for (the id sweeper's question), then it is refused as the order would be, and
        // so kept, not judged forgettable by its head while the holding still counts its reserved shares
        assertThatThrownBy(() -> codec.orderRetention(damaged, "e2")).isInstanceOf(CorruptStoreValueException.class);
        assertThatThrownBy(() -> codec.order(damaged, "e2")).isInstanceOf(CorruptStoreValueException.class);
    }

    @Test
    void shouldRefuseAVariableLengthLongOfMoreThan64Bits() {
        // given ten bytes whose last carries more than the 64th bit, and the largest ten bytes can hold
        byte[] tooLong = {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0x02};
        byte[] longest = {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01};

        // when / then the first is refused, not read as another number, and the second read
        assertThatThrownBy(() -> new CompactInput(tooLong, 0).readLong())
                .isInstanceOf(CorruptStoreValueException.class).hasMessageContaining("more than 64 bits");
        assertThat(new CompactInput(longest, 0).readLong()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldRefuseAnOrderWhoseKindCodeNoGuardWrites() {
        // given an order value whose kind byte is 9
        byte[] value = codec.encode(RememberedOrder.decided(OrderKind.PUBLIC_SALE, 5, Outcome.BLOCKED,
                new byte[] {1}, null, 10));
        value[1] = 9;
        // when / then
        assertThatThrownBy(() -> codec.order(value, "p")).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("unknown order kind code 9");
    }

    @Test
    void shouldFindTheOpenReservationKeptWithTheOrderWithoutAnOlderStore() {
        // given
        Reservation open = new Reservation("e2", OrderKind.PUBLIC_SALE, Window.FIRST, 0, 0, 10, 0,
                Instant.parse("2003-07-11T13:45:00Z"));
        RememberedOrder order = RememberedOrder.decided(OrderKind.PUBLIC_SALE, 10, Outcome.APPROVED, new byte[] {1},
                open, 10);
        RememberedOrder older = new RememberedOrder(OrderKind.PUBLIC_SALE, 10, Outcome.APPROVED, new byte[] {1},
                ReservationStatus.OPEN, null, RememberedOrder.SINCE_UNKNOWN);
        // when / then
        assertThat(codec.openReservation(null, "dutchess/CBYI/e2", "e2", null)).isNull();
        assertThat(codec.openReservation(order, "dutchess/CBYI/e2", "e2", null)).isEqualTo(open);
        assertThat(order.hasReservationElsewhere()).isFalse();
        assertThat(older.hasReservationElsewhere()).isTrue();
        assertThat(RememberedOrder.decided(OrderKind.PUBLIC_SALE, 10, Outcome.BLOCKED, new byte[] {1}, null, 10)
                .hasReservationElsewhere()).as("no reservation at all").isFalse();
        assertThatThrownBy(() -> codec.openReservation(older, "dutchess/CBYI/e2", "e2", null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRememberOrdersAndExecutionsForTheirRetentionOnly() {
        // given
        RememberedOrder blocked = RememberedOrder.decided(OrderKind.PUBLIC_SALE, 5, Outcome.BLOCKED, new byte[] {1},
                null, 100);
        RememberedExecution fill = RememberedExecution.of(new com.lockupguard.rules.PriorExecution(ExecutionKind.FILL,
                "e2", 10L), 100);
        // when
        StateCodec.Retention retention = codec.orderRetention(codec.encode(blocked), "o1");
        // then
        assertThat(blocked.status()).isNull();
        assertThat(blocked.prior()).isEqualTo(new com.lockupguard.rules.PriorOrder(OrderKind.PUBLIC_SALE, 5,
                Outcome.BLOCKED, null));
        assertThat(retention).isEqualTo(new StateCodec.Retention(100, false));
        assertThat(retention.isForgettable(101)).isTrue();
        assertThat(retention.isForgettable(100)).as("remembered exactly the retention, not longer").isFalse();
        assertThat(new StateCodec.Retention(100, true).isForgettable(200)).as("open").isFalse();
        assertThat(new StateCodec.Retention(RememberedOrder.SINCE_UNKNOWN, false).isForgettable(200)).isFalse();
        assertThat(blocked.rememberedSince(50).rememberedAt()).isEqualTo(50);
        Reservation open = new Reservation("e2", OrderKind.PUBLIC_SALE, Window.FIRST, 0, 0, 10, 4,
                Instant.parse("2003-07-11T13:45:00Z"));
        RememberedOrder approved = RememberedOrder.decided(OrderKind.PUBLIC_SALE, 10, Outcome.APPROVED,
                new byte[] {1}, open, 100);
        assertThat(approved.withOpen(open)).isEqualTo(approved);
        assertThat(fill.prior()).isEqualTo(new com.lockupguard.rules.PriorExecution(ExecutionKind.FILL, "e2", 10L));
        assertThat(fill.isForgettable(101)).isTrue();
        assertThat(fill.isForgettable(100)).as("remembered exactly the retention, not longer").isFalse();
        assertThat(fill.rememberedSince(RememberedOrder.SINCE_UNKNOWN).isForgettable(200)).isFalse();
        assertThatThrownBy(() -> blocked.closed(ReservationStatus.OPEN, 200))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAVariableLengthLongOfMoreThanTenBytes() {
        // given a seen-executions value whose order id length runs on into an eleventh byte
        byte[] written = codec.encode(new RememberedExecution(ExecutionKind.FILL, "e2", 100_000L, 5));
        byte[] value = new byte[13];
        value[0] = written[0];
        value[1] = written[1];
        Arrays.fill(value, 2, 12, (byte) 0x80);
        value[12] = 0x01;
        // when / then
        assertThatThrownBy(() -> codec.execution(value)).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("runs over 10 bytes");
    }

    @Test
    void shouldNameTheStoreOfAValueThatEndsEarly() {
        // given a holding-state value cut short, as in a changelog damaged by hand
        byte[] written = codec.encode(new StoredHolding(holding(letter(), 1, Counters.NONE, null), null));
        byte[] shorter = Arrays.copyOf(written, 5);

        // when / then its refusal, which a dead letter carries, says which store it came from
        assertThatThrownBy(() -> new StateCodec(null).holding(shorter)).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageStartingWith("holding-state value cannot be read: the value ends ");
    }

    @Test
    void shouldRefuseAHoldingValueWithBytesLeftAfterIt() {
        byte[] written = codec.encode(new StoredHolding(holding(letter(), 1, Counters.NONE, null), null));
        byte[] longer = Arrays.copyOf(written, written.length + 1);
        assertThatThrownBy(() -> new StateCodec(null).holding(longer)).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("left");
    }

    @Test
    void shouldRefuseAWellFramedValueWhoseFieldsNoGuardWrites() {
        // given a holding whose reserved shares exceed its used ones, and a closed order that keeps a reservation
        byte[] holding = codec.encode(new StoredHolding(holding(letter(), 1, new Counters(5, 0, 0, -1, 0, 0, 0, 5),
                null), null));
        assertThat(holding[holding.length - 3]).as("reservedTotal 5, zig-zag").isEqualTo((byte) 10);
        holding[holding.length - 3] = 12;
        Reservation open = new Reservation("e2", OrderKind.PUBLIC_SALE, Window.FIRST, 0, 0, 100, 0,
                Instant.parse("2003-07-11T13:45:00Z"));
        byte[] order = codec.encode(RememberedOrder.decided(OrderKind.PUBLIC_SALE, 100, Outcome.APPROVED,
                new byte[] {1}, open, 10));
        order[3] = 2; // FILLED
        // when read, then each is refused as a value the store should not hold, not as a programming error
        assertThatThrownBy(() -> new StateCodec(null).holding(holding)).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("holding-state").hasMessageContaining("counters out of range");
        assertThatThrownBy(() -> codec.order(order, "e2")).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("seen-orders").hasMessageContaining("only an open reservation is kept");
    }

    @Property
    void shouldReadBackIdsAndCountsAtTheEdgesOfTheirRange(@ForAll("edges") long number, @ForAll("ids") String orderId) {
        // given an execution and an order whose numbers are at the edges of a long, and ids empty, long or not ASCII
        RememberedExecution execution = new RememberedExecution(ExecutionKind.FILL, orderId, number, number);
        Reservation open = new Reservation(orderId, OrderKind.PRIVATE_TRANSFER, Window.period(Long.MAX_VALUE),
                0, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, Instant.ofEpochMilli(number));
        RememberedOrder order = RememberedOrder.decided(OrderKind.PRIVATE_TRANSFER, number, Outcome.APPROVED,
                orderId.getBytes(java.nio.charset.StandardCharsets.UTF_8), open, number);
        // when written and read, then each is what was written
        assertThat(codec.execution(codec.encode(execution))).isEqualTo(execution);
        RememberedOrder read = codec.order(codec.encode(order), orderId);
        assertThat(read.reservation()).isEqualTo(open);
        assertThat(read.quantity()).isEqualTo(number);
        assertThat(read.rememberedAt()).isEqualTo(number);
        assertThat(read.decision()).containsExactly(order.decision());
        assertThat(codec.orderRetention(codec.encode(order), "o1"))
                .isEqualTo(new StateCodec.Retention(number, true));
    }

    @Provide
    Arbitrary<Long> edges() {
        return net.jqwik.api.Arbitraries.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, 63L, 64L, -64L, -65L,
                Integer.MAX_VALUE + 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<String> ids() {
        return net.jqwik.api.Arbitraries.of("", "x", "é\u0000\uD83D\uDE00", "i".repeat(70_000));
    }

    @Test
    void shouldRefuseAnOlderGuardsHoldingWhoseAgreementIsNoLongerValid() {
        // given an older guard's holding-state value (Avro) whose agreement this guard's checks refuse
        SpecificAvroSerde<com.lockupguard.avro.HoldingState> avroSerde = new SpecificAvroSerde<>(
                com.lockupguard.avro.HoldingState.class, InMemorySchemaRegistry.scope(scope));
        avroSerde.configure(Map.of("schema.registry.url", "mock://" + scope), false);
        com.lockupguard.avro.HoldingState avro = HoldingStateMapper.toAvro(holding(letter(), 1, Counters.NONE, null));
        avro.getAgreement().setTotalShares(0);
        byte[] older = avroSerde.serializer().serialize("lockup-guard-holding-state-changelog", avro);
        StateCodec upgraded = new StateCodec(new LegacyStoreValues(new LegacyStoreValues.Readers(
                avroSerde.deserializer(), (topic, bytes) -> null, (topic, bytes) -> null, (topic, bytes) -> null,
                decision -> new byte[0])));
        // when it is read, then it is refused as a store value this guard cannot read
        assertThatThrownBy(() -> upgraded.holding(older)).isInstanceOf(CorruptStoreValueException.class)
                .hasMessageContaining("holding-state").hasMessageContaining("totalShares");
    }
}
