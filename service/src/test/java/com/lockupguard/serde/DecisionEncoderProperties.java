package com.lockupguard.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Phase;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/** The hand-written encoder writes exactly what Avro's generic writer writes, for any decision and position. */
class DecisionEncoderProperties {

    @Property(tries = 2000)
    void shouldWriteADecisionAsTheGenericWriterDoes(@ForAll("decisions") Decision decision) throws IOException {
        assertThat(hand(out -> DecisionEncoder.decision(decision, out)))
                .isEqualTo(generic(decision, new SpecificDatumWriter<>(Decision.getClassSchema())));
    }

    @Property(tries = 2000)
    void shouldWriteAPositionAsTheGenericWriterDoes(@ForAll("positions") Position position) throws IOException {
        assertThat(hand(out -> DecisionEncoder.position(position, out)))
                .isEqualTo(generic(position, new SpecificDatumWriter<>(Position.getClassSchema())));
    }

    @Property(tries = 10)
    void shouldBeUsedForExactlyTheGeneratedSchemas() {
        assertThat(DecisionEncoder.forSchema(Decision.getClassSchema())).isNotNull();
        assertThat(DecisionEncoder.forSchema(Position.getClassSchema())).isNotNull();
        assertThat(DecisionEncoder.forSchema(new org.apache.avro.Schema.Parser()
                .parse(Decision.getClassSchema().toString()))).as("an equal schema from elsewhere").isNull();
    }

    private interface Writing {
        void to(BinaryEncoder out) throws IOException;
    }

    private static byte[] hand(Writing writing) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().binaryEncoder(bytes, null);
        writing.to(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static <T> byte[] generic(T record, SpecificDatumWriter<T> writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().binaryEncoder(bytes, null);
        writer.write(record, out);
        out.flush();
        return bytes.toByteArray();
    }

    private static <T> Arbitrary<T> orNull(Arbitrary<T> values) {
        return values.injectNull(0.3);
    }

    private static Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(-62_000_000_000_000L, 253_000_000_000_000L).map(Instant::ofEpochMilli);
    }

    private static Arbitrary<String> texts() {
        return Arbitraries.strings().all().ofMaxLength(80);
    }

    @Provide
    Arbitrary<Position> positions() {
        Arbitrary<Long> longs = Arbitraries.longs();
        return Combinators.combine(fields(texts(), texts(), instants(), Arbitraries.of(Phase.class),
                orNull(longs), Arbitraries.of(true, false), longs, longs, longs, longs, longs, orNull(instants()),
                orNull(longs), instants(), instants(),
                Arbitraries.longs().between(-700_000, 2_900_000).map(LocalDate::ofEpochDay), orNull(longs),
                orNull(texts()), longs)).as(v -> Position.newBuilder()
                        .setInvestorId((String) v.get(0)).setSecurityId((String) v.get(1)).setAsOf((Instant) v.get(2))
                        .setPhase((Phase) v.get(3)).setPeriod((Long) v.get(4)).setRegistered((Boolean) v.get(5))
                        .setTotalShares((Long) v.get(6)).setSoldToDate((Long) v.get(7))
                        .setContractCapacity((Long) v.get(8)).setReleasedToDate((Long) v.get(9))
                        .setAvailableNow((Long) v.get(10)).setNextReleaseAt((Instant) v.get(11))
                        .setAvailableAtNextRelease((Long) v.get(12)).setFirstReleaseAt((Instant) v.get(13))
                        .setSecondReleaseAt((Instant) v.get(14)).setRule144Date((LocalDate) v.get(15))
                        .setAgreementVersion((Long) v.get(16)).setTermsHash((String) v.get(17))
                        .setReservedNow((Long) v.get(18)).build());
    }

    @Provide
    Arbitrary<Decision> decisions() {
        Arbitrary<Long> longs = Arbitraries.longs();
        return Combinators.combine(fields(orNull(texts()), orNull(texts()), orNull(texts()),
                orNull(Arbitraries.of(OrderKind.class)), orNull(longs), instants(), Arbitraries.of(Outcome.class),
                Arbitraries.of(Reason.class).list().ofMaxSize(12), orNull(longs), orNull(instants()),
                orNull(positions()), orNull(longs), orNull(texts()), Arbitraries.of(true, false)))
                .as(v -> Decision.newBuilder()
                        .setOrderId((String) v.get(0)).setInvestorId((String) v.get(1))
                        .setSecurityId((String) v.get(2)).setKind((OrderKind) v.get(3)).setQuantity((Long) v.get(4))
                        .setOrderAt((Instant) v.get(5)).setOutcome((Outcome) v.get(6))
                        .setReasons(castList(v.get(7))).setMaxAllowedNow((Long) v.get(8))
                        .setEvaluatedAt((Instant) v.get(9)).setPosition((Position) v.get(10))
                        .setAgreementVersion((Long) v.get(11)).setTermsHash((String) v.get(12))
                        .setRepeated((Boolean) v.get(13)).build());
    }

    @SuppressWarnings("unchecked")
    private static List<Arbitrary<Object>> fields(Arbitrary<?>... fields) {
        return java.util.Arrays.stream(fields).map(field -> (Arbitrary<Object>) field).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Reason> castList(Object value) {
        return (List<Reason>) value;
    }
}
