package com.lockupguard.state;

import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.Phase;
import com.lockupguard.rules.Position;
import com.lockupguard.rules.Window;
import java.time.LocalDate;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A position in the compact encoding, for the positions outbox: Kafka Streams' record cache holds
 * each holding's latest position as bytes until the commit, and only the one that survives is then
 * encoded as Avro for the positions topic. Never persisted (the outbox has no changelog and no
 * store behind its cache), so it carries no legacy format. Thread-safe: no state.
 */
public final class CompactPositionSerde implements Serde<Position> {

    @Override
    public Serializer<Position> serializer() {
        return (topic, position) -> position == null ? null : encode(position);
    }

    @Override
    public Deserializer<Position> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    static byte[] encode(Position p) {
        CompactOutput out = new CompactOutput().writeByte(StateCodec.COMPACT)
                .writeString(p.holding().investorId())
                .writeString(p.holding().securityId())
                .writeInstant(p.asOf())
                .writeByte(p.window().phase().ordinal())
                .writeLong(p.window().period())
                .writeByte(p.registered() ? 1 : 0)
                .writeLong(p.totalShares())
                .writeLong(p.soldToDate())
                .writeLong(p.reservedNow())
                .writeLong(p.contractCapacity())
                .writeLong(p.releasedToDate())
                .writeLong(p.availableNow())
                .writeInstant(p.nextReleaseAt())
                .writeOptionalLong(p.availableAtNextRelease())
                .writeInstant(p.firstReleaseAt())
                .writeInstant(p.secondReleaseAt())
                .writeLong(p.rule144Date().toEpochDay())
                .writeLong(p.agreementVersion())
                .writeOptionalString(p.termsHash());
        return out.toByteArray();
    }

    static Position decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != StateCodec.COMPACT) {
            throw new CorruptStoreValueException("not a compact position");
        }
        CompactInput in = new CompactInput(bytes, 1);
        HoldingKey holding = new HoldingKey(in.readString(), in.readString());
        java.time.Instant asOf = in.readInstant();
        Phase phase = Phase.values()[in.readByte()];
        long period = in.readLong();
        Window window = phase == Phase.PERIOD ? Window.period(period) : phase == Phase.FIRST ? Window.FIRST
                : Window.LOCKUP;
        Position position = new Position(holding, asOf, window, in.readByte() == 1, in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readInstant(),
                in.readOptionalLong("availableAtNextRelease"), in.readInstant(), in.readInstant(),
                LocalDate.ofEpochDay(in.readLong()), in.readLong(), in.readOptionalString("termsHash"));
        in.requireEnd();
        return position;
    }
}
