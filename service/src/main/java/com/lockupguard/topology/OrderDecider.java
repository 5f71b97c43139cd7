package com.lockupguard.topology;

import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.contract.DecisionMapper;
import com.lockupguard.contract.OrderMapper;
import com.lockupguard.rules.Decision;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.Ruling;
import com.lockupguard.state.RememberedOrder;
import com.lockupguard.state.StoredHolding;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decides each order: loads the holding's state and what is remembered of the order id, asks the
 * rules, stores what they say (an approval's reservation with the order id), and forwards exactly
 * one decision to the approved or the blocked topic — encoded once, the same bytes that are
 * remembered for a retry. An order it cannot decide (key of another holding) is dead-lettered.
 */
final class OrderDecider {

    private final LockupRules rules;
    private final ProcessorContext<String, Object> context;
    private final HoldingStores stores;
    private final PositionPublisher positions;
    private final DecisionWire wire;
    private final DecisionObserver observer;
    private final SendLimit limit;
    private final InputPartitions inputPartitions;
    private final OrderStamps orderStamps;

    OrderDecider(LockupRules rules, ProcessorContext<String, Object> context, HoldingStores stores,
            PositionPublisher positions, DecisionWire wire, DecisionObserver observer, SendLimit limit,
            InputPartitions inputPartitions, OrderStamps orderStamps) {
        this.rules = rules;
        this.context = context;
        this.stores = stores;
        this.positions = positions;
        this.wire = wire;
        this.observer = observer;
        this.limit = limit;
        this.inputPartitions = inputPartitions;
        this.orderStamps = orderStamps;
    }

    void decide(Record<String, ProposedOrder> record, OrderEventsProcessor.DeadLetter deadLetter) {
        OrderRequest order = OrderMapper.toRequest(record.value());
        HoldingKey holding = order.holdingOrNull();
        if (holding != null && !holding.isKey(record.key())) {
            deadLetter.send(DeadLetterReason.KEY_MISMATCH, KeyMismatch.reason(record.key(), "the order", holding));
            return;
        }
        // decided on another partition's task, it would be decided without the holding's state, and remembered
        // where a resend on the right partition never looks: one order id, two answers
        String misplaced = holding == null ? null : inputPartitions.misplaced("the order", record.key(), context);
        if (misplaced != null) {
            deadLetter.send(DeadLetterReason.WRONG_PARTITION, misplaced);
            return;
        }
        StoredHolding stored = null;
        String idKey = null;
        RememberedOrder remembered = null;
        if (order.isWellFormed()) {
            stored = stores.holding(record.key());
            idKey = StoreNames.idKey(record.key(), order.orderId());
            remembered = stores.order(idKey, order.orderId());
        }
        Ruling ruling = rules.decide(order, Instant.ofEpochMilli(record.timestamp()),
                stored == null ? null : stored.state(), remembered == null ? null : remembered.prior());
        if (ruling.repeated()) {
            // a retry gets the stored first decision, marked as repeated, and changes nothing
            com.lockupguard.avro.Decision again = wire.repeated(remembered.decision(), remembered.outcome());
            byte[] encoded = wire.encode(again);
            if (fits(record, encoded, deadLetter)) {
                forward(record, encoded, DecisionMapper.toRules(again), true);
            }
            return;
        }
        Decision decision = ruling.decision();
        // first what can fail (the registry may refuse or be away): an order that gets no decision, dead-lettered
        // by the processing handler, must change nothing, or its shares would be counted and a resend counted again
        byte[] encoded = wire.encode(decision, record.value().getKind());
        if (!fits(record, encoded, deadLetter)) {
            return;
        }
        if (ruling.stateAfter() != null) {
            positions.store(record.key(), stored, ruling.stateAfter(), decision.position());
        }
        if (ruling.remember()) {
            stores.put(idKey, RememberedOrder.decided(order.kind(), order.quantity(), decision.outcome(), encoded,
                    ruling.opened(), orderStamps.rememberedFrom(context.currentSystemTimeMs(), record.timestamp())));
        }
        forward(record, encoded, decision, false);
    }

    /**
     * Whether the decision can be sent: else the order is dead-lettered, undecided and changing nothing. Only an
     * invalid order that only just fitted on its topic can meet this, its id most of its bytes (the blocked decision
     * repeats the id): headers that leave no room for an answer are refused before ({@link OrderEventsProcessor}).
     */
    private boolean fits(Record<String, ProposedOrder> record, byte[] encoded,
            OrderEventsProcessor.DeadLetter deadLetter) {
        if (limit.fits(record.key(), encoded, record.headers())) {
            return true;
        }
        deadLetter.send(DeadLetterReason.DECISION_TOO_LARGE, "its decision would be "
                + SendLimit.size(SendLimit.bytes(record.key()), encoded, record.headers())
                + " bytes with the order's key and headers, more than " + limit.describe()
                + " lets the guard send: the order is not decided and changes nothing");
        return false;
    }

    private void forward(Record<String, ProposedOrder> record, byte[] encoded, Decision decision, boolean repeated) {
        context.forward(record.withValue(encoded),
                decision.isApproved() ? GuardTopology.APPROVED_SINK : GuardTopology.BLOCKED_SINK);
        observer.decided(decision, record.timestamp(), repeated);
    }
}
