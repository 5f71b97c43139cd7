package com.lockupguard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.SeenOrder;
import com.lockupguard.contract.ContractJson;
import com.lockupguard.contract.DecisionMapper;
import com.lockupguard.contract.HoldingStateMapper;
import com.lockupguard.contract.OrderMapper;
import com.lockupguard.contract.PositionMapper;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.PriorOrder;
import com.lockupguard.rules.Ruling;
import com.lockupguard.topology.StoreNames;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Holdings through Kafka Streams' interactive queries: a holding owned by this instance is read
 * from its local store; one owned by another is fetched from that instance
 * ({@code queryMetadataForKey}). While the group rebalances the answer is 503, never a wait.
 */
public final class StreamsHoldingsQuery implements HoldingsQuery {

    private final KafkaStreams streams;
    private final HostInfo self;
    private final RemoteGuards remote;
    private final ContractJson contracts;
    private final ObjectMapper json;
    private final Clock clock;
    private final LockupRules rules = new LockupRules();

    public StreamsHoldingsQuery(KafkaStreams streams, HostInfo self, ObjectMapper json, Clock clock) {
        this.streams = streams;
        this.self = self;
        this.json = json;
        this.clock = clock;
        this.remote = new RemoteGuards(json);
        this.contracts = new ContractJson(json);
    }

    @Override
    public Answer all(boolean localOnly) {
        ensureRunning();
        ArrayNode positions = json.createArrayNode();
        read(() -> {
            try (KeyValueIterator<String, HoldingState> all = store(StoreNames.HOLDING_STATE, HoldingState.class).all()) {
                all.forEachRemaining(entry -> positions.add(positionNow(entry.value)));
            }
            return null;
        });
        if (!localOnly) {
            for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
                if (!instance.hostInfo().equals(self) && !instance.topicPartitions().isEmpty()) {
                    remote.get(instance.hostInfo(), "/api/holdings?local=true").forEach(positions::add);
                }
            }
        }
        return new Answer(positions, hostAndPort(self));
    }

    @Override
    public Answer one(HoldingKey holding, boolean localOnly) {
        HostInfo owner = owner(holding);
        if (!owner.equals(self)) {
            if (localOnly) {
                throw ApiException.notReady("holding " + holding + " moved to another instance; retry");
            }
            return new Answer(remote.get(owner, "/api/holdings/" + encode(holding.investorId()) + "/"
                    + encode(holding.securityId()) + "?local=true"), hostAndPort(owner));
        }
        HoldingState state = read(() -> store(StoreNames.HOLDING_STATE, HoldingState.class).get(holding.asString()));
        if (state == null) {
            throw ApiException.notFound("no agreement for holding " + holding);
        }
        return new Answer(positionNow(state), hostAndPort(self));
    }

    @Override
    public Answer whatIf(ProposedOrder order, String body, boolean localOnly, String authorization) {
        OrderRequest request = OrderMapper.toRequest(order);
        HoldingKey holding = request.holdingOrNull();
        Instant now = clock.instant();
        if (holding == null || !request.isWellFormed()) {
            return new Answer(contracts.decision(DecisionMapper.toAvro(rules.decide(request, now, null, null)
                    .decision())), hostAndPort(self));
        }
        HostInfo owner = owner(holding);
        if (!owner.equals(self)) {
            if (localOnly) {
                throw ApiException.notReady("holding " + holding + " moved to another instance; retry");
            }
            return new Answer(remote.post(owner, "/api/what-if?local=true", body, authorization),
                    hostAndPort(owner));
        }
        HoldingState state = read(() -> store(StoreNames.HOLDING_STATE, HoldingState.class).get(holding.asString()));
        SeenOrder seen = read(() -> store(StoreNames.SEEN_ORDERS, SeenOrder.class)
                .get(StoreNames.idKey(holding.asString(), request.orderId())));
        PriorOrder prior = seen == null ? null : HoldingStateMapper.toRules(seen);
        Ruling ruling = rules.decide(request, now, state == null ? null : HoldingStateMapper.toRules(state), prior);
        return new Answer(contracts.decision(DecisionMapper.toAvro(ruling.decision())), hostAndPort(self));
    }

    private HostInfo owner(HoldingKey holding) {
        ensureRunning();
        KeyQueryMetadata metadata = streams.queryMetadataForKey(StoreNames.HOLDING_STATE, holding.asString(),
                Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw ApiException.notReady("the guard's instances are rebalancing; retry");
        }
        return metadata.activeHost();
    }

    private com.fasterxml.jackson.databind.node.ObjectNode positionNow(HoldingState stored) {
        com.lockupguard.rules.HoldingState state = HoldingStateMapper.toRules(stored);
        return contracts.position(PositionMapper.toAvro(rules.position(state, state.evaluationTime(clock.instant()))));
    }

    private void ensureRunning() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw ApiException.notReady("the guard is " + state + "; retry");
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, Class<V> type) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    /** A read of local stores; a store that migrates meanwhile (a rebalance) fails the read lazily: 503. */
    private static <T> T read(java.util.function.Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw ApiException.notReady("the guard's stores are moving between instances (rebalancing): "
                    + e.getMessage() + "; retry");
        }
    }

    private static String hostAndPort(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
