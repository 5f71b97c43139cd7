package com.lockupguard.topology;

import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.contract.ExecutionMapper;
import com.lockupguard.rules.ExecutionRequest;
import com.lockupguard.rules.ExecutionResult;
import com.lockupguard.rules.ExecutionRuling;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.Reservation;
import com.lockupguard.state.RememberedExecution;
import com.lockupguard.state.RememberedOrder;
import com.lockupguard.state.StoredHolding;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Applies each execution report (RULES.md section 9): loads the holding's state, what it remembers
 * of the execution id and the order id, and the order's open reservation; asks the rules; stores
 * what they say; and forwards exactly one result to execution-results, the alert (if any) to
 * compliance-alerts, and an invalid, conflicting or agreement-less report to the dead-letter topic.
 * A report keyed to another holding, or on a partition other than its key's, is only dead-lettered; so is an
 * invalid one whose result, repeating its ids as received, would be too large to send.
 */
final class ExecutionApplier {

    private static final String INVALID_MESSAGE = "an execution report needs valid executionId, orderId, investorId "
            + "and securityId, a kind of FILL or CANCEL, and for a FILL a quantity from 1 to 10^15";

    private final LockupRules rules;
    private final ProcessorContext<String, Object> context;
    private final HoldingStores stores;
    private final PositionPublisher positions;
    private final DecisionObserver observer;
    private final InputPartitions inputPartitions;
    private final OrderStamps orderStamps;
    private final SendLimit limit;
    private final Serializer<ReportResult> results;
    private final String resultsTopic;
    private final Serializer<ComplianceAlert> alerts;
    private final String alertsTopic;

    ExecutionApplier(LockupRules rules, ProcessorContext<String, Object> context, HoldingStores stores,
            PositionPublisher positions, DecisionObserver observer, InputPartitions inputPartitions,
            SendLimit limit, GuardTopics.Topic<String, ReportResult> results,
            GuardTopics.Topic<String, ComplianceAlert> alerts, OrderStamps orderStamps) {
        this.rules = rules;
        this.context = context;
        this.stores = stores;
        this.positions = positions;
        this.observer = observer;
        this.inputPartitions = inputPartitions;
        this.orderStamps = orderStamps;
        this.limit = limit;
        this.results = results.valueSerde().serializer();
        this.resultsTopic = results.name();
        this.alerts = alerts.valueSerde().serializer();
        this.alertsTopic = alerts.name();
    }

    void apply(Record<String, ExecutionReport> record, OrderEventsProcessor.DeadLetter deadLetter) {
        ExecutionRequest report = ExecutionMapper.toRequest(record.value());
        HoldingKey holding = report.holdingOrNull();
        if (holding != null && !holding.isKey(record.key())) {
            deadLetter.send(DeadLetterReason.KEY_MISMATCH, KeyMismatch.reason(record.key(), "the report", holding));
            return;
        }
        String misplaced = holding == null ? null : inputPartitions.misplaced("the report", record.key(), context);
        if (misplaced != null) {
            deadLetter.send(DeadLetterReason.WRONG_PARTITION, misplaced);
            return;
        }
        Instant at = Instant.ofEpochMilli(record.timestamp());
        StoredHolding stored = null;
        RememberedExecution seen = null;
        RememberedOrder order = null;
        Reservation reservation = null;
        String executionKey = null;
        String orderKey = null;
        if (report.isWellFormed()) {
            String holdingKey = record.key();
            executionKey = StoreNames.idKey(holdingKey, report.executionId());
            orderKey = StoreNames.idKey(holdingKey, report.orderId());
            stored = stores.holding(holdingKey);
            seen = stores.execution(executionKey);
            order = stores.order(orderKey, report.orderId());
            reservation = stores.openReservation(orderKey, report.orderId(), order);
        }
        ExecutionRuling ruling = rules.applyExecution(report, at, stored == null ? null : stored.state(),
                seen == null ? null : seen.prior(), order == null ? null : order.prior(), reservation);

        // first what can fail (the registry may refuse a schema): a report whose result or alert cannot be encoded,
        // dead-lettered by the processing handler, must change nothing, or its shares would be counted without an
        // answer, its resend answered DUPLICATE, and a breach's alert never raised
        byte[] result = results.serialize(resultsTopic, ExecutionMapper.toResult(record.value(), at, ruling));
        if (ruling.result() == ExecutionResult.INVALID && !fits(record, result, deadLetter)) {
            observer.reported(report, ruling, record.timestamp());
            return;
        }
        byte[] alert = ruling.alert() == null ? null
                : alerts.serialize(alertsTopic, ExecutionMapper.toAlert(report, at, ruling));
        if (ruling.result() == ExecutionResult.APPLIED) {
            long now = orderStamps.rememberedFrom(context.currentSystemTimeMs(), record.timestamp());
            positions.store(record.key(), stored, ruling.stateAfter(), ruling.position());
            stores.put(executionKey, RememberedExecution.of(report.remembered(), now));
            ExecutionRuling.ReservationChange change = ruling.reservation();
            if (change != null && order != null) {
                stores.update(orderKey, order, change.after() != null ? order.withOpen(change.after())
                        : order.closed(change.status(), now));
            }
        }
        context.forward(record.withValue(result), GuardTopology.EXECUTION_RESULTS_SINK);
        if (alert != null) {
            context.forward(record.withValue(alert), GuardTopology.COMPLIANCE_ALERTS_SINK);
        }
        if (ruling.result().isDeadLettered()) {
            deadLetter.send(deadLetterReason(ruling.result()), deadLetterMessage(report, ruling.result()));
        }
        observer.reported(report, ruling, record.timestamp());
    }

    /**
     * Whether an invalid report's result can be sent: else the report is dead-lettered without one. Its ids, repeated
     * as received, are unbounded (a valid report's are at most 256 code points each), so one that only just fitted on
     * the orders topic has a result the producer would refuse, failing the task on this report for good.
     */
    private boolean fits(Record<String, ExecutionReport> record, byte[] encoded,
            OrderEventsProcessor.DeadLetter deadLetter) {
        if (limit.fits(record.key(), encoded, record.headers())) {
            return true;
        }
        deadLetter.send(DeadLetterReason.INVALID_EXECUTION, INVALID_MESSAGE + "; its result, which repeats the "
                + "report's ids as received, would be " + SendLimit.size(SendLimit.bytes(record.key()), encoded,
                record.headers()) + " bytes with the report's key and headers, more than " + limit.describe()
                + " lets the guard send: no result is sent");
        return false;
    }

    private static DeadLetterReason deadLetterReason(ExecutionResult result) {
        return switch (result) {
            case INVALID -> DeadLetterReason.INVALID_EXECUTION;
            case DUPLICATE_EXECUTION_ID -> DeadLetterReason.DUPLICATE_EXECUTION_ID;
            case UNKNOWN_AGREEMENT -> DeadLetterReason.UNKNOWN_AGREEMENT;
            case APPLIED, DUPLICATE -> throw new IllegalArgumentException(result + " is not dead-lettered");
        };
    }

    private static String deadLetterMessage(ExecutionRequest report, ExecutionResult result) {
        return switch (result) {
            case INVALID -> INVALID_MESSAGE;
            case DUPLICATE_EXECUTION_ID -> "execution id '" + report.executionId() + "' was applied before with "
                    + "other content; the first report stands";
            case UNKNOWN_AGREEMENT -> "no agreement for holding '" + report.holdingOrNull() + "'";
            case APPLIED, DUPLICATE -> throw new IllegalArgumentException(result + " is not dead-lettered");
        };
    }
}
