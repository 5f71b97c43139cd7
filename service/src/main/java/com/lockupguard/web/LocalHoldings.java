package com.lockupguard.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.contract.ContractJson;
import com.lockupguard.contract.DecisionMapper;
import com.lockupguard.contract.HoldingStateMapper;
import com.lockupguard.contract.OrderMapper;
import com.lockupguard.contract.PositionMapper;
import com.lockupguard.rules.AgreementInForce;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.Reservation;
import com.lockupguard.rules.Ruling;
import com.lockupguard.rules.TermsFingerprint;
import com.lockupguard.state.CorruptStoreValueException;
import com.lockupguard.state.NewerGuardStateException;
import com.lockupguard.state.RememberedOrder;
import com.lockupguard.state.StateCodec;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.RegistryOutage;
import com.lockupguard.topology.StoreNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers from the holdings whose stores this instance has: positions now, what-if decisions and
 * open reservations, computed at the server's clock. A store that moves away meanwhile (a
 * rebalance) fails the answer with 503; a holding without an agreement is 404.
 */
final class LocalHoldings {

    private static final Logger LOG = LoggerFactory.getLogger(LocalHoldings.class);
    private static final int SHOWN_UNREADABLE = 10;

    /** The guard's local stores by name ({@link com.lockupguard.topology.StoreNames}), values as stored. */
    interface Stores {
        ReadOnlyKeyValueStore<String, byte[]> store(String name);
    }

    private static final Comparator<Reservation> OLDEST_FIRST = Comparator.comparing(Reservation::openedAt)
            .thenComparing(Reservation::orderId);

    private final Stores stores;
    private final GuardTopics topics;
    private final ObjectMapper json;
    private final ContractJson contracts;
    private final Clock clock;
    private final LockupRules rules = new LockupRules();
    /** The holdings the last list left out as unreadable, so that a dashboard's every refresh does not log them. */
    private final AtomicReference<Set<String>> lastUnreadable = new AtomicReference<>(Set.of());

    LocalHoldings(Stores stores, GuardTopics topics, ObjectMapper json, Clock clock) {
        this.stores = stores;
        this.topics = topics;
        this.json = json;
        this.contracts = new ContractJson(json);
        this.clock = clock;
    }

    /**
     * The position now of every holding in this instance's stores. A holding whose stored state cannot be read (foreign
     * or damaged bytes) is left out, and logged when the set of such holdings changes, rather than failing the list of
     * every other: its records are dead-lettered as they come, and its own position is a 500.
     */
    JsonArrayBytes all() {
        JsonArrayBytes.Output positions = new JsonArrayBytes.Output();
        StateCodec codec = topics.stateCodec();
        Map<String, String> unreadable = new TreeMap<>();
        try (JsonGenerator list = json.createGenerator(positions)) {
            list.writeStartArray();
            read(() -> {
                try (KeyValueIterator<String, byte[]> all = holdings().all()) {
                    all.forEachRemaining(entry -> {
                        try {
                            // one position at a time: the list is never a tree (JsonArrayBytes)
                            list.writeTree(positionNow(codec.holding(entry.value).state()));
                        } catch (CorruptStoreValueException e) {
                            if (RegistryOutage.causes(e) || RegistryOutage.refusal(e).isPresent()) {
                                throw e; // not the value: the registry that reads an older guard's values
                            }
                            unreadable.put(entry.key, e.getMessage());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e); // not from memory
                        }
                    });
                }
                return null;
            });
            list.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reportUnreadable(unreadable);
        return positions.array();
    }

    private void reportUnreadable(Map<String, String> unreadable) {
        Set<String> holdingKeys = Set.copyOf(unreadable.keySet());
        if (holdingKeys.equals(lastUnreadable.getAndSet(holdingKeys))) {
            return; // two lists at once: only the one that changed the set says it
        }
        if (!unreadable.isEmpty()) {
            Map.Entry<String, String> first = unreadable.entrySet().iterator().next();
            LOG.error("{} holding(s) left out of the list of positions: their stored state cannot be read ({}; {}: "
                    + "{})", unreadable.size(), shownKeys(unreadable.keySet()), first.getKey(), first.getValue());
        }
    }

    /** The first {@value #SHOWN_UNREADABLE} holding keys, and how many more. */
    private static String shownKeys(Set<String> keys) {
        String shown = keys.stream().limit(SHOWN_UNREADABLE).collect(Collectors.joining(", "));
        return keys.size() > SHOWN_UNREADABLE ? shown + " and " + (keys.size() - SHOWN_UNREADABLE) + " more" : shown;
    }

    ObjectNode one(HoldingKey holding) {
        return positionNow(state(holding, topics.stateCodec()));
    }

    /**
     * The decision {@code order} would get now from the holding's state, recording nothing. Where the
     * state counts shares used, it counts the open reservations' too (RULES.md section 9), so an approval
     * not yet filled leaves less for the next order.
     */
    ObjectNode whatIf(ProposedOrder proposed) {
        OrderRequest order = OrderMapper.toRequest(proposed);
        Instant now = clock.instant();
        HoldingKey holding = order.holdingOrNull();
        if (holding == null || !order.isWellFormed()) {
            return contracts.decision(DecisionMapper.toAvro(rules.decide(order, now, null, null).decision(),
                    proposed.getKind()));
        }
        StateCodec codec = topics.stateCodec();
        byte[] stored = read(() -> holdings().get(holding.asString()));
        RememberedOrder remembered = remembered(codec, holding, order.orderId());
        Ruling ruling = rules.decide(order, now, stored == null ? null : read(() -> codec.holding(stored)).state(),
                remembered == null ? null : remembered.prior());
        if (ruling.repeated()) {
            // answered as the resend would be: the first decision, marked as repeated
            return contracts.decision(Decision.newBuilder(firstDecision(remembered)).setRepeated(true).build());
        }
        return contracts.decision(DecisionMapper.toAvro(ruling.decision(), proposed.getKind()));
    }

    /**
     * The holding's open reservations, oldest first, each with its {@code ageSeconds} at the server's clock
     * (negative for one opened by a forward-dated order).
     */
    ArrayNode reservations(HoldingKey holding) {
        StateCodec codec = topics.stateCodec();
        ArrayNode answer = json.createArrayNode();
        if (state(holding, codec).counters().reservedTotal() == 0) {
            return answer; // reservedTotal is the sum of the open reservations' rests
        }
        String prefix = StoreNames.idPrefix(holding.asString());
        List<Reservation> open = read(() -> {
            List<Reservation> found = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> entries = stores.store(StoreNames.SEEN_ORDERS)
                    .prefixScan(prefix, new StringSerializer())) {
                while (entries.hasNext()) {
                    KeyValue<String, byte[]> entry = entries.next();
                    String orderId = entry.key.substring(prefix.length());
                    Reservation reservation = codec.openReservation(codec.order(entry.value, orderId), entry.key,
                            orderId, key -> stores.store(StoreNames.RESERVATIONS).get(key));
                    if (reservation != null) {
                        found.add(reservation);
                    }
                }
            }
            return found;
        });
        open.sort(OLDEST_FIRST);
        for (Reservation reservation : open) {
            answer.add(reservationNow(reservation));
        }
        return answer;
    }

    /**
     * What became of order {@code orderId}: its first {@code decision} as written (a resend gets it again, marked
     * repeated), {@code reservationStatus} ({@code OPEN}, {@code FILLED}, {@code CANCELLED}; null for an order that
     * opened none) and, while open, the {@code reservation} as {@link #reservations} lists it. 404 for an id the
     * holding's state does not hold.
     */
    ObjectNode order(HoldingKey holding, String orderId) {
        StateCodec codec = topics.stateCodec();
        RememberedOrder remembered = remembered(codec, holding, orderId);
        if (remembered == null) {
            throw ApiException.notFound("order " + orderId + " of holding " + holding + " is not known here: not "
                    + "decided yet, decided INVALID_ORDER (not remembered), never sent, or forgotten after "
                    + "order.ids.retention.ms");
        }
        ObjectNode answer = json.createObjectNode().put("investorId", holding.investorId())
                .put("securityId", holding.securityId()).put("orderId", orderId);
        answer.set("decision", contracts.decision(firstDecision(remembered)));
        answer.put("reservationStatus", remembered.status() == null ? null : remembered.status().name());
        String key = StoreNames.idKey(holding.asString(), orderId);
        Reservation open = read(() -> codec.openReservation(remembered, key, orderId,
                reservationKey -> stores.store(StoreNames.RESERVATIONS).get(reservationKey)));
        answer.set("reservation", open == null ? null : reservationNow(open));
        return answer;
    }

    /** What the holding's state remembers of order {@code orderId}, or null. */
    private RememberedOrder remembered(StateCodec codec, HoldingKey holding, String orderId) {
        byte[] seen = read(() -> stores.store(StoreNames.SEEN_ORDERS).get(StoreNames.idKey(holding.asString(),
                orderId)));
        return seen == null ? null : read(() -> codec.order(seen, orderId));
    }

    /** The order's first decision, as written to its topic (either topic's deserializer reads it). */
    private Decision firstDecision(RememberedOrder remembered) {
        return topics.approved().valueSerde().deserializer().deserialize(topics.approved().name(),
                remembered.decision());
    }

    private ObjectNode reservationNow(Reservation reservation) {
        return contracts.reservation(reservation.orderId(), HoldingStateMapper.toAvro(reservation))
                .put("ageSeconds", Duration.between(reservation.openedAt(), clock.instant()).getSeconds());
    }

    /**
     * The agreement in force: {@code agreementVersion}, {@code termsHash}, {@code canonicalTerms} (the exact text
     * whose SHA-256 is the hash) and {@code terms} (the same, as an object).
     */
    ObjectNode agreement(HoldingKey holding) {
        AgreementInForce inForce = state(holding, topics.stateCodec()).agreement();
        String canonical = TermsFingerprint.canonicalText(inForce.terms());
        ObjectNode answer = json.createObjectNode().put("investorId", holding.investorId())
                .put("securityId", holding.securityId()).put("agreementVersion", inForce.version())
                .put("termsHash", inForce.termsHash()).put("canonicalTerms", canonical);
        try {
            answer.set("terms", json.readTree(canonical));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the canonical terms are JSON", e);
        }
        return answer;
    }

    private HoldingState state(HoldingKey holding, StateCodec codec) {
        byte[] stored = read(() -> holdings().get(holding.asString()));
        if (stored == null) {
            throw ApiException.notFound("no agreement for holding " + holding);
        }
        return read(() -> codec.holding(stored)).state();
    }

    private ReadOnlyKeyValueStore<String, byte[]> holdings() {
        return stores.store(StoreNames.HOLDING_STATE);
    }

    /**
     * The position now, with the agreement's {@code timeZone}: its release dates are dates in that zone, which the
     * position's instants do not say (Tokyo's first release date, 07-27, is 07-26 15:00 UTC).
     */
    private ObjectNode positionNow(HoldingState state) {
        return contracts.position(PositionMapper.toAvro(rules.position(state, state.evaluationTime(clock.instant()))))
                .put("timeZone", state.agreement().terms().timeZone());
    }

    /**
     * A read of local stores; a store that migrates meanwhile (a rebalance) fails the read, lazily too: 503. So does
     * a value an older guard wrote while the schema registry that reads it cannot be reached.
     */
    private static <T> T read(Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw ApiException.notReady("the guard's stores are moving between instances (rebalancing): "
                    + e.getMessage() + "; retry");
        } catch (CorruptStoreValueException e) {
            if (RegistryOutage.causes(e)) {
                throw ApiException.notReady("the schema registry, which reads what an older guard stored, cannot "
                        + "be reached; retry");
            }
            if (e instanceof NewerGuardStateException) {
                // the guard stops once it decides for that holding: an instance of the newer version answers
                throw ApiException.notReady(e.getMessage() + ": ask an instance of the newer version");
            }
            throw e;
        }
    }
}
