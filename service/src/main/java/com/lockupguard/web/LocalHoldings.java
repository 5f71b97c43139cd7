package com.lockupguard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.avro.OpenReservation;
import com.lockupguard.avro.SeenOrder;
import com.lockupguard.contract.ContractJson;
import com.lockupguard.contract.DecisionMapper;
import com.lockupguard.contract.HoldingStateMapper;
import com.lockupguard.contract.PositionMapper;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.PriorOrder;
import com.lockupguard.rules.Ruling;
import com.lockupguard.topology.StoreNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers from the holdings whose stores this instance has: positions now, what-if decisions and
 * open reservations, computed at the server's clock. A store that moves away meanwhile (a
 * rebalance) fails the answer with 503; a holding without an agreement is 404.
 */
final class LocalHoldings {

    /** The guard's local stores by name ({@link com.lockupguard.topology.StoreNames}). */
    interface Stores {
        <V> ReadOnlyKeyValueStore<String, V> store(String name);
    }

    private static final Comparator<OpenReservationAt> OLDEST_FIRST = Comparator
            .comparing((OpenReservationAt r) -> r.reservation().getOpenedAt())
            .thenComparing(OpenReservationAt::orderId);

    private record OpenReservationAt(String orderId, OpenReservation reservation) {
    }

    private final Stores stores;
    private final ObjectMapper json;
    private final ContractJson contracts;
    private final Clock clock;
    private final LockupRules rules = new LockupRules();

    LocalHoldings(Stores stores, ObjectMapper json, Clock clock) {
        this.stores = stores;
        this.json = json;
        this.contracts = new ContractJson(json);
        this.clock = clock;
    }

    /** The position now of every holding in this instance's stores. */
    ArrayNode all() {
        ArrayNode positions = json.createArrayNode();
        read(() -> {
            try (KeyValueIterator<String, HoldingState> all = holdings().all()) {
                all.forEachRemaining(entry -> positions.add(positionNow(entry.value)));
            }
            return null;
        });
        return positions;
    }

    ObjectNode one(HoldingKey holding) {
        return positionNow(state(holding));
    }

    /**
     * The decision {@code order} would get now from the holding's state, recording nothing. Where the
     * state counts shares used, it counts the open reservations' too (RULES.md section 9), so an approval
     * not yet filled leaves less for the next order.
     */
    ObjectNode whatIf(OrderRequest order) {
        Instant now = clock.instant();
        HoldingKey holding = order.holdingOrNull();
        if (holding == null || !order.isWellFormed()) {
            return contracts.decision(DecisionMapper.toAvro(rules.decide(order, now, null, null).decision()));
        }
        HoldingState state = read(() -> holdings().get(holding.asString()));
        SeenOrder seen = read(() -> stores.<SeenOrder>store(StoreNames.SEEN_ORDERS)
                .get(StoreNames.idKey(holding.asString(), order.orderId())));
        PriorOrder prior = seen == null ? null : HoldingStateMapper.toRules(seen);
        Ruling ruling = rules.decide(order, now, state == null ? null : HoldingStateMapper.toRules(state), prior);
        return contracts.decision(ruling.repeated() ? seen.getDecision() : DecisionMapper.toAvro(ruling.decision()));
    }

    /**
     * The holding's open reservations, oldest first, each with its {@code ageSeconds} at the server's clock
     * (negative for one opened by a forward-dated order).
     */
    ArrayNode reservations(HoldingKey holding) {
        state(holding);
        String prefix = StoreNames.idPrefix(holding.asString());
        List<OpenReservationAt> open = read(() -> {
            List<OpenReservationAt> found = new ArrayList<>();
            try (KeyValueIterator<String, OpenReservation> entries = stores.<OpenReservation>store(
                    StoreNames.RESERVATIONS).prefixScan(prefix, new StringSerializer())) {
                while (entries.hasNext()) {
                    KeyValue<String, OpenReservation> entry = entries.next();
                    found.add(new OpenReservationAt(entry.key.substring(prefix.length()), entry.value));
                }
            }
            return found;
        });
        open.sort(OLDEST_FIRST);
        Instant now = clock.instant();
        ArrayNode answer = json.createArrayNode();
        for (OpenReservationAt reservation : open) {
            answer.add(contracts.reservation(reservation.orderId(), reservation.reservation())
                    .put("ageSeconds", Duration.between(reservation.reservation().getOpenedAt(), now).getSeconds()));
        }
        return answer;
    }

    private HoldingState state(HoldingKey holding) {
        HoldingState state = read(() -> holdings().get(holding.asString()));
        if (state == null) {
            throw ApiException.notFound("no agreement for holding " + holding);
        }
        return state;
    }

    private ReadOnlyKeyValueStore<String, HoldingState> holdings() {
        return stores.store(StoreNames.HOLDING_STATE);
    }

    private ObjectNode positionNow(HoldingState stored) {
        com.lockupguard.rules.HoldingState state = HoldingStateMapper.toRules(stored);
        return contracts.position(PositionMapper.toAvro(rules.position(state, state.evaluationTime(clock.instant()))));
    }

    /** A read of local stores; a store that migrates meanwhile (a rebalance) fails the read, lazily too: 503. */
    private static <T> T read(Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw ApiException.notReady("the guard's stores are moving between instances (rebalancing): "
                    + e.getMessage() + "; retry");
        }
    }
}
