package com.lockupguard.serde;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.Reason;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;

/**
 * Writes a {@link Decision} (and the {@link Position} in it, or one alone) in Avro binary, byte for
 * byte as {@code SpecificDatumWriter} writes it with the generated classes' schemas — every decision
 * and position the guard sends goes through here, and the generic writer, which resolves every union
 * and converts every logical type by reflection-like lookups, was a tenth of the stream thread.
 * Used only for exactly those schemas ({@link #forSchema}); a test holds it to the generic writer's
 * bytes, so a field added to the schemas without being added here fails the build.
 */
final class DecisionEncoder {

    /** A hand-written encoder of one record type. */
    interface RecordEncoder {
        void encode(Object record, Encoder out) throws IOException;
    }

    private static final RecordEncoder DECISION = (record, out) -> decision((Decision) record, out);
    private static final RecordEncoder POSITION = (record, out) -> position((Position) record, out);

    private DecisionEncoder() {
    }

    /** The hand-written encoder of records with {@code schema}, or null where the generic writer must do. */
    static RecordEncoder forSchema(Schema schema) {
        if (schema == Decision.getClassSchema()) {
            return DECISION;
        }
        if (schema == Position.getClassSchema()) {
            return POSITION;
        }
        return null;
    }

    static void decision(Decision d, Encoder out) throws IOException {
        nullableString(out, d.getOrderId());
        nullableString(out, d.getInvestorId());
        nullableString(out, d.getSecurityId());
        if (d.getKind() == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeEnum(d.getKind().ordinal());
        }
        nullableLong(out, d.getQuantity());
        out.writeLong(millis(d.getOrderAt()));
        out.writeEnum(d.getOutcome().ordinal());
        List<Reason> reasons = d.getReasons();
        out.writeArrayStart();
        out.setItemCount(reasons.size());
        for (Reason reason : reasons) {
            out.startItem();
            out.writeEnum(reason.ordinal());
        }
        out.writeArrayEnd();
        nullableLong(out, d.getMaxAllowedNow());
        nullableInstant(out, d.getEvaluatedAt());
        if (d.getPosition() == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            position(d.getPosition(), out);
        }
        nullableLong(out, d.getAgreementVersion());
        nullableString(out, d.getTermsHash());
        out.writeBoolean(d.getRepeated());
    }

    static void position(Position p, Encoder out) throws IOException {
        out.writeString(p.getInvestorId());
        out.writeString(p.getSecurityId());
        out.writeLong(millis(p.getAsOf()));
        out.writeEnum(p.getPhase().ordinal());
        nullableLong(out, p.getPeriod());
        out.writeBoolean(p.getRegistered());
        out.writeLong(p.getTotalShares());
        out.writeLong(p.getSoldToDate());
        out.writeLong(p.getContractCapacity());
        out.writeLong(p.getReleasedToDate());
        out.writeLong(p.getAvailableNow());
        nullableInstant(out, p.getNextReleaseAt());
        nullableLong(out, p.getAvailableAtNextRelease());
        out.writeLong(millis(p.getFirstReleaseAt()));
        out.writeLong(millis(p.getSecondReleaseAt()));
        out.writeInt((int) p.getRule144Date().toEpochDay());
        nullableLong(out, p.getAgreementVersion());
        nullableString(out, p.getTermsHash());
        out.writeLong(p.getReservedNow());
    }

    private static void nullableString(Encoder out, CharSequence value) throws IOException {
        if (value == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeString(value.toString());
        }
    }

    private static void nullableLong(Encoder out, Long value) throws IOException {
        if (value == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeLong(value);
        }
    }

    private static void nullableInstant(Encoder out, Instant value) throws IOException {
        if (value == null) {
            out.writeIndex(0);
        } else {
            out.writeIndex(1);
            out.writeLong(millis(value));
        }
    }

    /** timestamp-millis as Avro's TimestampMillisConversion writes it. */
    private static long millis(Instant instant) {
        return instant.toEpochMilli();
    }
}
