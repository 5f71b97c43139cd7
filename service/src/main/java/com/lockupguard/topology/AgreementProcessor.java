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
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies agreement versions to the holding-state store; dead-letters a version that is
 * invalid, keyed to another holding, or would move a calendar after sales, so that a
 * malformed agreement never replaces a good one. Every version, applied or not, is written to
 * the agreement audit with its outcome.
 */
final class AgreementProcessor implements Processor<String, Agreement, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(AgreementProcessor.class);

    private final LockupRules rules;
    private final LegacyStoreValues legacy;
    private final DecisionObserver observer;
    private final boolean publishPositions;
    private ProcessorContext<String, Object> context;
    private HoldingStores holdings;
    private PositionPublisher positions;

    AgreementProcessor(LockupRules rules, LegacyStoreValues legacy, DecisionObserver observer,
            boolean publishPositions) {
        this.rules = rules;
        this.legacy = legacy;
        this.observer = observer;
        this.publishPositions = publishPositions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.holdings = HoldingStores.holdingsOnly(context, new StateCodec(legacy));
        this.positions = PositionPublisher.of(rules, context, holdings, publishPositions);
    }

    @Override
    public void process(Record<String, Agreement> record) {
        Agreement agreement = record.value();
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
            reject(record, DeadLetterReason.KEY_MISMATCH, "record key '" + record.key()
                    + "' does not match the agreement's holding '" + holdingKey + "'");
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
        positions.store(holdingKey, stored, state, rules.position(state, at));
        audit(record, audit(record, AgreementOutcome.APPLIED, null, null, state.agreement()).setAppliedAt(at));
        LOG.debug("agreement for {} in force as version {}: {}", holdingKey, state.agreement().version(), terms);
    }

    /**
     * Writes a version that is not applied to the audit, with the version still in force, then throws it to the
     * dead-letter topic ({@link RejectedRecordException}).
     */
    private void reject(Record<String, Agreement> record, DeadLetterReason reason, String message) {
        RejectedRecordException refused = DeadLetters.refuse(record, reason, message, observer);
        StoredHolding inForce = record.key() == null ? null : holdings.holding(record.key());
        audit(record, audit(record, AgreementOutcome.REJECTED, AgreementRejection.valueOf(reason.name()), message,
                inForce == null ? null : inForce.state().agreement()));
        throw refused;
    }

    private AgreementAudit.Builder audit(Record<String, Agreement> record, AgreementOutcome outcome,
            AgreementRejection rejection, String message, AgreementInForce inForce) {
        AgreementAudit.Builder audit = AgreementAudit.newBuilder()
                .setOutcome(outcome)
                .setRejection(rejection)
                .setMessage(message)
                .setAgreement(record.value())
                .setAgreementVersion(inForce == null ? null : inForce.version())
                .setTermsHash(inForce == null ? null : inForce.termsHash())
                .setRecordTimestamp(Instant.ofEpochMilli(record.timestamp()));
        context.recordMetadata().ifPresent(source -> audit.setSourceTopic(source.topic())
                .setSourcePartition(source.partition()).setSourceOffset(source.offset()));
        return audit;
    }

    private void audit(Record<String, Agreement> record, AgreementAudit.Builder audit) {
        context.forward(new Record<String, Object>(record.key(), audit.build(), record.timestamp()),
                GuardTopology.AGREEMENT_AUDIT_SINK);
    }
}
