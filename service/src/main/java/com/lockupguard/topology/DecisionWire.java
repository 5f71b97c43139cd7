package com.lockupguard.topology;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.contract.DecisionMapper;
import com.lockupguard.rules.Outcome;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Decisions in the wire format of the topic they go to — orders-approved or orders-blocked, by
 * outcome: each is encoded once, and the same bytes are both sent and remembered with the order id,
 * so that a retry is answered with exactly them, marked as repeated.
 */
final class DecisionWire {

    private final String approvedTopic;
    private final String blockedTopic;
    private final Serializer<Decision> serializer;
    private final Deserializer<Decision> deserializer;

    DecisionWire(GuardTopics topics) {
        this.approvedTopic = topics.approved().name();
        this.blockedTopic = topics.blocked().name();
        this.serializer = topics.approved().valueSerde().serializer();
        this.deserializer = topics.approved().valueSerde().deserializer();
    }

    /** The topic a decision with {@code outcome} goes to. */
    String topic(Outcome outcome) {
        return outcome == Outcome.APPROVED ? approvedTopic : blockedTopic;
    }

    /** The decision of an order whose kind was {@code received}: one this guard does not know is kept as sent. */
    byte[] encode(com.lockupguard.rules.Decision decision, OrderKind received) {
        return encode(DecisionMapper.toAvro(decision, received));
    }

    byte[] encode(Decision decision) {
        return serializer.serialize(topic(DecisionMapper.toRules(decision.getOutcome())), decision);
    }

    Decision decode(byte[] wire, Outcome outcome) {
        return deserializer.deserialize(topic(outcome), wire);
    }

    /** A first decision emitted again for a retry: the same content, marked as repeated. */
    Decision repeated(byte[] first, Outcome outcome) {
        Decision decision = decode(first, outcome);
        decision.setRepeated(true);
        return decision;
    }
}
