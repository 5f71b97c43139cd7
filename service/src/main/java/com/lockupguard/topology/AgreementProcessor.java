package com.lockupguard.topology;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.AgreementAudit;
import com.lockupguard.avro.AgreementOutcome;
import com.lockupguard.avro.AgreementRejection;
import com.lockupguard.contract.AgreementMapper;
import com.lockupguard.rules.AgreementInForce;
import com.lockupguard.rules.AgreementProposal;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.AgreementUpdate;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.SupportedTime;
import com.lockupguard.state.LegacyStoreValues;
import com.lockupguard.state.StateCodec;
import com.lockupguard.state.StoredHolding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies agreement versions to the holding-state store; dead-letters a version that is
 * invalid, keyed to another holding, or would move a calendar after sales, so that a
 * malformed agreement never replaces a good one. Every version, applied or not, is written to
 * the agreement audit with its outcome, but one whose key leaves no room for its audit record
 * (dead-lettered only).
 */
final class AgreementProcessor implements Processor<String, Agreement, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(AgreementProcessor.class);

    /** The longest rejection message the audit repeats, in chars: a rejection may quote the field it refuses. */
    static final int AUDIT_MESSAGE_CHARS = 1_024;
    /** The most bytes of text an audited version may hold and still be repeated in full by its audit record. */
    static final int AUDIT_AGREEMENT_TEXT_BYTES = 16 * 1024;

    private final LockupRules rules;
    private final LegacyStoreValues legacy;
    private final DecisionObserver observer;
    private final boolean publishPositions;
    private final InputPartitions inputPartitions;
    private final EmptiedStateRepair emptiedState;
    private final Serializer<AgreementAudit> audits;
    private final String auditTopic;
    private final DeadLetterLog deadLetterLines;
    private ProcessorContext<String, Object> context;
    private HoldingStores holdings;
    private PositionPublisher positions;
    private SendLimit limit;

    AgreementProcessor(LockupRules rules, LegacyStoreValues legacy, DecisionObserver observer,
            boolean publishPositions, InputPartitions inputPartitions, EmptiedStateRepair emptiedState,
            GuardTopics.Topic<String, AgreementAudit> audits, DeadLetterLog deadLetterLines) {
        this.rules = rules;
        this.legacy = legacy;
        this.deadLetterLines = deadLetterLines;
        this.observer = observer;
        this.publishPositions = publishPositions;
        this.inputPartitions = inputPartitions;
        this.emptiedState = emptiedState;
        this.audits = audits.valueSerde().serializer();
        this.auditTopic = audits.name();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.holdings = HoldingStores.holdingsOnly(context, new StateCodec(legacy));
        this.positions = PositionPublisher.of(rules, context, holdings, publishPositions);
        this.limit = SendLimit.of(context.appConfigs());
    }

    @Override
    public void process(Record<String, Agreement> record) {
        emptiedState.throwIfEmptied(context.taskId());
        DeadLetters.dropErrorHeaders(record.headers()); // before the positions it moves take them
        Agreement agreement = record.value();
        if (!limit.leavesRoomForAnswer(record.key(), record.headers())) {
            // the audit record is keyed as the version is, and carries its headers: one the producer refuses would
            // fail the task for good
            throw DeadLetters.refuse(record, DeadLetterReason.KEY_OR_HEADERS_TOO_LARGE, "its key and headers take "
                    + SendLimit.size(SendLimit.bytes(record.key()), null, record.headers()) + " bytes, which "
                    + "leaves no room for its audit record within " + limit.describe()
                    + ": not audited or applied", observer, deadLetterLines, context);
        }
        if (agreement == null) {
            reject(record, DeadLetterReason.TOMBSTONE, "an agreement cannot be deleted by a tombstone: "
                    + "ending an agreement is a manual compliance action");
            return;
        }
        Instant recordAt = Instant.ofEpochMilli(record.timestamp());
        if (!SupportedTime.contains(recordAt)) {
            reject(record, DeadLetterReason.INVALID_AGREEMENT, "invalid agreement, previous version stays in force: "
                    + "its record time " + recordAt + " is outside the years 1970 to 9999");
            return;
        }
        AgreementProposal.Check check = AgreementMapper.toProposal(agreement).check();
        if (check instanceof AgreementProposal.Invalid invalid) {
            reject(record, DeadLetterReason.INVALID_AGREEMENT, "invalid agreement, previous version stays in "
                    + "force: " + invalid.reason());
            return;
        }
        AgreementTerms terms = ((AgreementProposal.Valid) check).terms();
        String holdingKey = terms.holding().asString();
        if (!holdingKey.equals(record.key())) {
            reject(record, DeadLetterReason.KEY_MISMATCH,
                    KeyMismatch.reason(record.key(), "the agreement", holdingKey));
            return;
        }
        // applied on another partition's task, the holding's orders would never meet it (UNKNOWN_AGREEMENT), and
        // orders on that partition would be decided against a second copy of the holding
        String misplaced = inputPartitions.misplaced("the agreement", record.key(), context);
        if (misplaced != null) {
            reject(record, DeadLetterReason.WRONG_PARTITION, misplaced);
            return;
        }
        StoredHolding stored = holdings.holding(holdingKey);
        AgreementUpdate update = rules.applyAgreement(stored == null ? null : stored.state(), terms);
        if (update instanceof AgreementUpdate.Rejected rejected) {
            reject(record, DeadLetterReason.CALENDAR_LOCKED, rejected.reason());
            return;
        }
        HoldingState state = ((AgreementUpdate.Applied) update).state();
        Instant at = state.evaluationTime(Instant.ofEpochMilli(record.timestamp()));
        // first what can fail (the registry may refuse the audit's schema): a version whose audit cannot be encoded,
        // dead-lettered by the processing handler, must not be in force, or sent again it would be applied again
        byte[] audit = encode(audit(record, AgreementOutcome.APPLIED, null, null, state.agreement()).setAppliedAt(at));
        positions.store(holdingKey, stored, state, rules.position(state, at));
        send(record, audit);
        LOG.debug("agreement for {} in force as version {}: {}", holdingKey, state.agreement().version(), terms);
    }

    /**
     * Writes a version that is not applied to the audit, with the version still in force, then throws it to the
     * dead-letter topic ({@link RejectedRecordException}).
     */
    private void reject(Record<String, Agreement> record, DeadLetterReason reason, String message) {
        RejectedRecordException refused = DeadLetters.refuse(record, reason, message, observer, deadLetterLines,
                context);
        StoredHolding inForce = record.key() == null ? null : holdings.holding(record.key());
        send(record, encode(audit(record, AgreementOutcome.REJECTED, AgreementRejection.valueOf(reason.name()),
                message, inForce == null ? null : inForce.state().agreement())));
        throw refused;
    }

    private AgreementAudit.Builder audit(Record<String, Agreement> record, AgreementOutcome outcome,
            AgreementRejection rejection, String message, AgreementInForce inForce) {
        AgreementAudit.Builder audit = AgreementAudit.newBuilder()
                .setOutcome(outcome)
                .setRejection(rejection)
                .setMessage(bounded(message, record.value()))
                .setAgreement(repeatable(record.value()) ? record.value() : null)
                .setAgreementVersion(inForce == null ? null : inForce.version())
                .setTermsHash(inForce == null ? null : inForce.termsHash())
                .setRecordTimestamp(Instant.ofEpochMilli(record.timestamp()))
                .setProcessedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()));
        context.recordMetadata().ifPresent(source -> audit.setSourceTopic(source.topic())
                .setSourcePartition(source.partition()).setSourceOffset(source.offset()));
        return audit;
    }

    /**
     * Whether the audit may repeat {@code agreement} in full: a version whose text (ids, zone) is larger than any
     * valid one can be is not, so that its audit record stays within what the producer sends; the audit's source
     * topic, partition and offset say where it is.
     */
    private static boolean repeatable(Agreement agreement) {
        return agreement == null || textBytes(agreement) <= AUDIT_AGREEMENT_TEXT_BYTES;
    }

    private static long textBytes(Agreement agreement) {
        return utf8Bytes(agreement.getInvestorId()) + utf8Bytes(agreement.getSecurityId())
                + utf8Bytes(agreement.getTimeZone());
    }

    private static long utf8Bytes(CharSequence text) {
        return text == null ? 0 : text.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code message} cut to {@value #AUDIT_MESSAGE_CHARS} chars, saying so when the version is not repeated. */
    private static String bounded(String message, Agreement agreement) {
        if (message == null) {
            return null;
        }
        String cut = DeadLetters.brief(message, AUDIT_MESSAGE_CHARS);
        return repeatable(agreement) ? cut : cut + "; the version itself (" + textBytes(agreement)
                + " bytes of text) is too large to repeat here: read it at the source offset";
    }

    /**
     * Sends the encoded {@code audit} with the version's timestamp and headers: who sent a version, and why, travels
     * in the headers its producer gives it ({@code changed-by}, say), which the compacted agreements topic forgets. Not
     * the headers an earlier dead-lettering added, when the version is sent again from the dead-letter topic: {@link
     * #process} took those out first.
     */
    private void send(Record<String, Agreement> record, byte[] audit) {
        context.forward(new Record<String, Object>(record.key(), audit, record.timestamp(), record.headers()),
                GuardTopology.AGREEMENT_AUDIT_SINK);
    }

    private byte[] encode(AgreementAudit.Builder audit) {
        return audits.serialize(auditTopic, audit.build());
    }
}
