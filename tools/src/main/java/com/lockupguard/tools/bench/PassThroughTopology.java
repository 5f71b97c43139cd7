package com.lockupguard.tools.bench;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.topology.GuardTopics;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The limit the guard is measured against: the same input topic, serdes and processing
 * guarantee, each order turned into an approval without rules or stores. What this machine and
 * Kafka allow for one record in, one record out.
 */
final class PassThroughTopology {

    private PassThroughTopology() {
    }

    static Topology build(GuardTopics topics) {
        Topology topology = new Topology();
        topology.addSource("orders", topics.orders().keySerde().deserializer(), topics.orders().valueSerde().deserializer(),
                topics.orders().name());
        topology.addProcessor("approve-everything", () -> new Processor<String, ProposedOrder, String, Decision>() {
            private ProcessorContext<String, Decision> context;

            @Override
            public void init(ProcessorContext<String, Decision> context) {
                this.context = context;
            }

            @Override
            public void process(Record<String, ProposedOrder> record) {
                ProposedOrder order = record.value();
                context.forward(record.withValue(Decision.newBuilder().setOrderId(order.getOrderId())
                        .setInvestorId(order.getInvestorId()).setSecurityId(order.getSecurityId())
                        .setKind(order.getKind()).setQuantity(order.getQuantity())
                        .setOrderAt(Instant.ofEpochMilli(record.timestamp())).setOutcome(Outcome.APPROVED)
                        .setReasons(List.of()).build()));
            }
        }, "orders");
        topology.addSink("approved", topics.approved().name(), topics.approved().keySerde().serializer(),
                topics.approved().valueSerde().serializer(), "approve-everything");
        return topology;
    }
}
