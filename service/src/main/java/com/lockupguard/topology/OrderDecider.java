package com.lockupguard.topology;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.SeenOrder;
import com.lockupguard.contract.DecisionMapper;
import com.lockupguard.contract.HoldingStateMapper;
import com.lockupguard.contract.OrderMapper;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.PriorOrder;
import com.lockupguard.rules.ReservationStatus;
import com.lockupguard.rules.Ruling;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decides each order: loads the holding's state and the order id's first decision, asks the
 * rules, stores what they say (an approval's reservation too), and forwards exactly one decision
 * to the approved or the blocked topic. An order it cannot decide (key of another holding) is
 * dead-lettered.
 */
final class OrderDecider {

    private final LockupRules rules;
    private final ProcessorContext<String, Object> context;
    private final HoldingStores stores;
    private final PositionPublisher positions;
    private final DecisionObserver observer;

    OrderDecider(LockupRules rules, ProcessorContext<String, Object> context, HoldingStores stores,
            PositionPublisher positions, DecisionObserver observer) {
        this.rules = rules;
        this.context = context;
        this.stores = stores;
        this.positions = positions;
        this.observer = observer;
    }

    void decide(Record<String, ProposedOrder> record, OrderEventsProcessor.DeadLetter deadLetter) {
        OrderRequest order = OrderMapper.toRequest(record.value());
        HoldingKey holding = order.holdingOrNull();
        if (holding != null && !holding.asString().equals(record.key())) {
            deadLetter.send(DeadLetterReason.KEY_MISMATCH, "record key '" + record.key()
                    + "' does not match the order's holding '" + holding + "'");
            return;
        }
        HoldingState state = null;
        String seenKey = null;
        SeenOrder seen = null;
        if (order.isWellFormed()) {
            state = stores.holdings().get(holding.asString());
            seenKey = StoreNames.idKey(holding.asString(), order.orderId());
            seen = stores.seenOrders().get(seenKey);
        }
        PriorOrder prior = seen == null ? null : HoldingStateMapper.toRules(seen);
        Ruling ruling = rules.decide(order, Instant.ofEpochMilli(record.timestamp()),
                state == null ? null : HoldingStateMapper.toRules(state), prior);

        if (ruling.stateAfter() != null) {
            positions.store(holding.asString(), state, ruling.stateAfter(), ruling.decision().position());
        }
        if (ruling.opened() != null) {
            stores.reservations().put(seenKey, HoldingStateMapper.toAvro(ruling.opened()));
        }
        // a retry re-emits the stored record itself, marked as repeated: the first decision's content
        Decision decision = ruling.repeated()
                ? Decision.newBuilder(seen.getDecision()).setRepeated(true).build()
                : DecisionMapper.toAvro(ruling.decision());
        if (ruling.remember()) {
            stores.seenOrders().put(seenKey, SeenOrder.newBuilder().setKind(record.value().getKind())
                    .setQuantity(order.quantity()).setDecision(decision)
                    .setReservation(ruling.opened() == null ? null : HoldingStateMapper.toAvro(ReservationStatus.OPEN))
                    .build());
        }
        com.lockupguard.rules.Decision decided = ruling.repeated()
                ? com.lockupguard.contract.DecisionMapper.toRules(decision) : ruling.decision();
        context.forward(record.withValue(decision),
                decided.isApproved() ? GuardTopology.APPROVED_SINK : GuardTopology.BLOCKED_SINK);
        observer.decided(decided, record.timestamp());
    }
}
