package com.lockupguard.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.contract.OrderMapper;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.RunningPartitions;
import com.lockupguard.topology.StoreNames;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * Holdings through Kafka Streams' interactive queries: a holding owned by this instance is read
 * from its local stores ({@link LocalHoldings}); one owned by another is fetched from that instance
 * ({@code queryMetadataForKey}). While the group rebalances the answer is 503, never a wait.
 */
public final class StreamsHoldingsQuery implements HoldingsQuery {

    /** A stream thread's state, as {@link ThreadMetadata#threadState()} names it, once it has its tasks. */
    private static final String THREAD_RUNNING = "RUNNING";

    private final KafkaStreams streams;
    private final RunningPartitions running;
    private final BooleanSupplier threadWaits;
    private final HostInfo self;
    private final RemoteGuards remote;
    private final LocalHoldings local;
    private final ObjectMapper json;

    /**
     * {@code running}: the partitions whose task runs here, restored, which alone are read from this instance's
     * stores; {@code threadWaits}: whether a failed stream thread waits to be replaced, its stores still open with
     * what its aborted transaction wrote; {@code peers}: how other instances are asked (https, credential).
     */
    public StreamsHoldingsQuery(KafkaStreams streams, RunningPartitions running, BooleanSupplier threadWaits,
            GuardTopics topics, HostInfo self, ObjectMapper json, Clock clock, PeerAccess peers) {
        this.streams = streams;
        this.running = running;
        this.threadWaits = threadWaits;
        this.self = self;
        this.json = json;
        this.remote = new RemoteGuards(json, peers);
        this.local = new LocalHoldings(name -> streams.store(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<String, byte[]>keyValueStore())), topics, json, clock);
    }

    /**
     * Whether every stream thread of {@code streams} runs, with no active task: this instance was given no holding
     * (only standby tasks, warming up until a probing rebalance moves a task to it, or more instances than
     * partitions), so it has no holding of its own to answer for. Not while a thread waits for its group.
     */
    public static boolean givenNoHolding(KafkaStreams streams) {
        Set<ThreadMetadata> threads = streams.metadataForLocalThreads();
        return !threads.isEmpty() && threads.stream().allMatch(thread -> thread.activeTasks().isEmpty()
                && THREAD_RUNNING.equals(thread.threadState()));
    }

    @Override
    public Answer all(boolean localOnly, String authorization) {
        ensureRunning();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                requireReadable("partition " + task.taskId().partition(), task.taskId().partition());
            }
        }
        ArrayNode positions = givenNoHolding(streams) ? json.createArrayNode() : local.all();
        if (!localOnly) {
            List<HostInfo> others = new ArrayList<>();
            for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
                if (!instance.hostInfo().equals(self) && !instance.topicPartitions().isEmpty()) {
                    others.add(instance.hostInfo());
                }
            }
            // all at once: one instance that is slow to answer, or gone, costs one timeout, not one each
            remote.getEach(others, "/api/holdings?local=true", authorization)
                    .forEach(answer -> answer.forEach(positions::add));
        }
        return new Answer(positions, hostAndPort(self));
    }

    @Override
    public Answer one(HoldingKey holding, boolean localOnly, String authorization) {
        return fromOwner(holding, localOnly, authorization, "", local::one);
    }

    @Override
    public Answer reservations(HoldingKey holding, boolean localOnly, String authorization) {
        return fromOwner(holding, localOnly, authorization, "/reservations", local::reservations);
    }

    @Override
    public Answer agreement(HoldingKey holding, boolean localOnly, String authorization) {
        return fromOwner(holding, localOnly, authorization, "/agreement", local::agreement);
    }

    @Override
    public Answer order(HoldingKey holding, String orderId, boolean localOnly, String authorization) {
        return fromOwner(holding, localOnly, authorization, "/orders/" + encode(orderId),
                here -> local.order(here, orderId));
    }

    /** {@code here}'s answer when this instance owns {@code holding}, else its owner's to {@code path} of it. */
    private Answer fromOwner(HoldingKey holding, boolean localOnly, String authorization, String path,
            Function<HoldingKey, JsonNode> here) {
        HostInfo owner = otherOwner(holding, localOnly);
        if (owner != null) {
            return new Answer(remote.get(owner, remotePath(holding, path), authorization), hostAndPort(owner));
        }
        return new Answer(here.apply(holding), hostAndPort(self));
    }

    @Override
    public Answer whatIf(ProposedOrder order, String body, boolean localOnly, String authorization) {
        OrderRequest request = OrderMapper.toRequest(order);
        HoldingKey holding = request.holdingOrNull();
        if (holding == null || !request.isWellFormed()) {
            return new Answer(local.whatIf(order), hostAndPort(self));
        }
        HostInfo owner = otherOwner(holding, localOnly);
        if (owner != null) {
            return new Answer(remote.post(owner, "/api/what-if?local=true", body, authorization),
                    hostAndPort(owner));
        }
        return new Answer(local.whatIf(order), hostAndPort(self));
    }

    /**
     * The other instance that owns {@code holding}, or null when this one does; a forwarded request
     * ({@code localOnly}) is not forwarded again: the holding moved meanwhile.
     */
    private HostInfo otherOwner(HoldingKey holding, boolean localOnly) {
        KeyQueryMetadata metadata = owner(holding);
        HostInfo owner = metadata.activeHost();
        if (owner.equals(self)) {
            requireReadable("holding " + holding, metadata.partition());
            return null;
        }
        if (localOnly) {
            throw ApiException.notReady("holding " + holding + " moved to another instance; retry");
        }
        return owner;
    }

    /**
     * 503 unless this instance's stores of {@code partition} hold what their changelogs say, which Kafka Streams would
     * let a query read anyway: while its task is being restored (moved here, or revived after it was corrupted), and
     * while a failed stream thread waits to be replaced, its stores open with what its aborted transaction wrote.
     */
    private void requireReadable(String what, int partition) {
        if (threadWaits.getAsBoolean()) {
            throw ApiException.notReady("a stream thread of this instance failed and waits for the schema registry "
                    + "before it is replaced: the state of " + what + " is not read meanwhile; retry");
        }
        if (!running.isRunning(partition)) {
            throw ApiException.notReady("the state of " + what + " is being restored from its changelog on this "
                    + "instance; retry");
        }
    }

    private KeyQueryMetadata owner(HoldingKey holding) {
        ensureRunning();
        KeyQueryMetadata metadata = streams.queryMetadataForKey(StoreNames.HOLDING_STATE, holding.asString(),
                Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)
                || metadata.activeHost().equals(HostInfo.unavailable())) {
            // the latter: the holding's partition has no owner in the assignment Kafka Streams knows (yet)
            throw ApiException.notReady("the guard's instances are rebalancing; retry");
        }
        return metadata;
    }

    /** The path that asks the owner of {@code holding} for its {@code suffix}, to answer from its own stores. */
    private static String remotePath(HoldingKey holding, String suffix) {
        return "/api/holdings/" + encode(holding.investorId()) + "/" + encode(holding.securityId()) + suffix
                + "?local=true";
    }

    private void ensureRunning() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw ApiException.notReady("the guard is " + state + "; retry");
        }
    }

    private static String hostAndPort(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
