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
import com.lockupguard.rules.Ruling;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides each order: loads the holding's state and the order id's first decision, asks the
 * rules, stores what they say, and forwards exactly one decision to the approved or the
 * blocked topic. Records it cannot decide (no value, key of another holding) are dead-lettered.
 */
final class OrderProcessor implements Processor<String, ProposedOrder, String, Object> {

    private final LockupRules rules;
    private final Serializer<ProposedOrder> orderSerializer;
    private final DecisionObserver observer;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, HoldingState> holdings;
    private KeyValueStore<String, SeenOrder> seenOrders;
    private PositionPublisher positions;
    private final Duration punctuationInterval;

    OrderProcessor(LockupRules rules, Serializer<ProposedOrder> orderSerializer, DecisionObserver observer,
            Duration punctuationInterval) {
        this.rules = rules;
        this.orderSerializer = orderSerializer;
        this.observer = observer;
        this.punctuationInterval = punctuationInterval;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.holdings = context.getStateStore(StoreNames.HOLDING_STATE);
        this.seenOrders = context.getStateStore(StoreNames.SEEN_ORDERS);
        this.positions = new PositionPublisher(rules, context, holdings,
                context.getStateStore(StoreNames.RELEASE_SCHEDULE));
        // releases happen with or without orders: publish positions as window boundaries pass
        context.schedule(punctuationInterval, PunctuationType.WALL_CLOCK_TIME, positions::punctuate);
    }

    @Override
    public void process(Record<String, ProposedOrder> record) {
        if (record.value() == null) {
            deadLetter(record, DeadLetterReason.TOMBSTONE, "an order record without a value cannot be decided");
            return;
        }
        OrderRequest order = OrderMapper.toRequest(record.value());
        HoldingKey holding = order.holdingOrNull();
        if (holding != null && !holding.asString().equals(record.key())) {
            deadLetter(record, DeadLetterReason.KEY_MISMATCH, "record key '" + record.key()
                    + "' does not match the order's holding '" + holding + "'");
            return;
        }
        HoldingState state = null;
        String seenKey = null;
        SeenOrder seen = null;
        if (order.isWellFormed()) {
            state = holdings.get(holding.asString());
            seenKey = StoreNames.seenOrderKey(holding.asString(), order.orderId());
            seen = seenOrders.get(seenKey);
        }
        PriorOrder prior = seen == null ? null : HoldingStateMapper.toRules(seen);
        Ruling ruling = rules.decide(order, Instant.ofEpochMilli(record.timestamp()),
                state == null ? null : HoldingStateMapper.toRules(state), prior);

        if (ruling.stateAfter() != null) {
            positions.store(holding.asString(), state, ruling.stateAfter(), ruling.decision().position());
        }
        // a retry re-emits the stored record itself, marked as repeated: the first decision's content
        Decision decision = ruling.repeated()
                ? Decision.newBuilder(seen.getDecision()).setRepeated(true).build()
                : DecisionMapper.toAvro(ruling.decision());
        if (ruling.remember()) {
            seenOrders.put(seenKey, SeenOrder.newBuilder().setKind(record.value().getKind())
                    .setQuantity(order.quantity()).setDecision(decision).build());
        }
        boolean approved = ruling.decision().isApproved();
        context.forward(record.withValue(decision),
                approved ? GuardTopology.APPROVED_SINK : GuardTopology.BLOCKED_SINK);
        observer.decided(ruling.decision(), record.timestamp());
    }

    private void deadLetter(Record<String, ProposedOrder> record, DeadLetterReason reason, String message) {
        DeadLetters.send(context, record, orderSerializer, reason, message, observer);
    }
}
