package com.lockupguard.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.contract.OrderMapper;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.InputPartitions;
import com.lockupguard.topology.RunningPartitions;
import com.lockupguard.topology.StoreNames;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
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
    private final InputPartitions inputs;
    private final String ordersTopic;
    private final BooleanSupplier threadWaits;
    private final HostInfo self;
    private final UnreachablePeers unreachable = new UnreachablePeers();
    private final RemoteGuards remote;
    private final LocalHoldings local;

    /**
     * {@code running}: the partitions whose task runs here, restored, which alone are read from this instance's
     * stores; {@code inputs}: how many partitions there are to list holdings of; {@code threadWaits}: whether a
     * failed stream thread waits to be replaced, its stores still open with what its aborted transaction wrote;
     * {@code peers}: how other instances are asked (https, credential).
     */
    public StreamsHoldingsQuery(KafkaStreams streams, RunningPartitions running, InputPartitions inputs,
            BooleanSupplier threadWaits, GuardTopics topics, HostInfo self, ObjectMapper json, Clock clock,
            PeerAccess peers) {
        this.streams = streams;
        this.running = running;
        this.inputs = inputs;
        this.ordersTopic = topics.orders().name();
        this.threadWaits = threadWaits;
        this.self = self;
        this.remote = new RemoteGuards(json, peers, unreachable);
        this.local = new LocalHoldings(name -> streams.store(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<String, byte[]>keyValueStore())), topics, json, clock);
    }

    /**
     * The other instances this one could not reach when it last asked them, in the past five minutes: for
     * {@code lockup_guard_api_peers_unreachable}.
     */
    public int unreachablePeers() {
        return unreachable.count();
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
    public ListAnswer all(boolean localOnly, String authorization) {
        ensureRunning();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                requireReadable("partition " + task.taskId().partition(), task.taskId().partition());
            }
        }
        boolean none = givenNoHolding(streams);
        Set<Integer> here = none ? new TreeSet<>() : activeHere();
        List<JsonArrayBytes> positions = new ArrayList<>();
        positions.add(none ? JsonArrayBytes.EMPTY : local.all());
        if (!none && !activeHere().equals(here)) {
            // a task came or went while the stores were read: the list may lack holdings it says it covers
            throw ApiException.notReady("this instance's partitions changed while its holdings were read "
                    + "(rebalancing); retry");
        }
        if (!localOnly) {
            List<HostInfo> others = new ArrayList<>();
            List<Set<Integer>> theirs = new ArrayList<>();
            Set<Integer> listed = new TreeSet<>(here);
            for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
                if (!instance.hostInfo().equals(self) && !instance.topicPartitions().isEmpty()) {
                    others.add(instance.hostInfo());
                    theirs.add(ordersPartitions(instance.topicPartitions()));
                    listed.addAll(theirs.get(theirs.size() - 1));
                }
            }
            requireEveryPartition(listed);
            // all at once: one instance that is slow to answer, or gone, costs one timeout, not one each
            List<RemoteGuards.Reply> replies = remote.getEach(others, "/api/holdings?local=true", authorization);
            // what each listed, by its own word: an instance this one takes for an owner may not own them yet (its
            // threads run with no task while the group rebalances) or any longer, and its list lacks their holdings
            Set<Integer> covered = new TreeSet<>(here);
            Set<Integer> twice = new TreeSet<>();
            for (int i = 0; i < replies.size(); i++) {
                RemoteGuards.Reply reply = replies.get(i);
                positions.add(reply.body());
                for (int partition : reply.partitions() != null ? reply.partitions() : theirs.get(i)) {
                    if (!covered.add(partition)) {
                        twice.add(partition);
                    }
                }
            }
            requireEveryPartition(covered);
            requireEachPartitionOnce(twice);
        }
        return new ListAnswer(positions, hostAndPort(self), localOnly ? here : null);
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
        // the key's partition as its producers chose it, and its owner among the instances, not as Kafka Streams
        // answers for the key: it counts the partitions its assignment names, which leaves out those of an instance
        // with no API (http.port=-1, no application.server), and so put keys on other partitions than their own
        int count = inputs.count();
        int partition = count > 0 ? InputPartitions.expectedPartition(holding.asString(), count) : metadata.partition();
        if (activeHere().contains(partition)) {
            requireReadable("holding " + holding, partition);
            return null;
        }
        HostInfo owner = count > 0 ? activeOwner(partition) : metadata.activeHost();
        if (owner.equals(self) || owner.equals(HostInfo.unavailable())) {
            throw ApiException.notReady("holding " + holding + " is on no instance this one can ask: the guard's "
                    + "instances are rebalancing, or the one that holds it serves no API (http.port=-1 there); retry");
        }
        if (localOnly) {
            // a forwarded request: its holding moved meanwhile, and the instance that forwarded it (which says
            // "retry" in its own words) asks again; a caller that asked this one only must ask without local=true
            throw ApiException.notReady("holding " + holding + " is on instance " + hostAndPort(owner) + ", not "
                    + "this one: local=true asks this one only (ask without it); retry");
        }
        return owner;
    }

    /** The instance with an API whose active task reads {@code partition} of the orders, or "unavailable". */
    private HostInfo activeOwner(int partition) {
        for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            if (instance.topicPartitions().contains(new TopicPartition(ordersTopic, partition))) {
                return instance.hostInfo();
            }
        }
        return HostInfo.unavailable();
    }

    /** The partitions of the orders whose task is active on this instance (running, or being restored). */
    private Set<Integer> activeHere() {
        Set<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                partitions.addAll(ordersPartitions(task.topicPartitions()));
            }
        }
        return partitions;
    }

    /** The numbers of the orders' partitions among {@code partitions}. */
    private Set<Integer> ordersPartitions(Set<TopicPartition> partitions) {
        return partitions.stream().filter(partition -> partition.topic().equals(ordersTopic))
                .map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /**
     * 503 unless {@code listed} (this instance's and those of the instances it can ask) holds every partition of the
     * inputs: a list without the holdings of an instance with no API, or of a partition between owners, is not all.
     */
    private void requireEveryPartition(Set<Integer> listed) {
        int count = inputs.count();
        List<Integer> missing = new ArrayList<>();
        for (int partition = 0; partition < count; partition++) {
            if (!listed.contains(partition)) {
                missing.add(partition);
            }
        }
        if (!missing.isEmpty()) {
            throw ApiException.notReady(holdingsOf(missing) + " are on no instance this one can ask: the guard's "
                    + "instances are rebalancing, or one serves no API (http.port=-1 there); retry");
        }
    }

    /**
     * 503 when two instances listed the holdings of one partition: one of them no longer owns it, and lists them as
     * they were (seen: an instance resumed after a pause past its session listed its old partitions beside their new
     * owners, 142 holdings of 100, for 0.6 s).
     */
    private static void requireEachPartitionOnce(Set<Integer> twice) {
        if (!twice.isEmpty()) {
            throw ApiException.notReady(holdingsOf(twice) + " were listed by two instances at once: the guard's "
                    + "instances are rebalancing; retry");
        }
    }

    /** "the holdings of partition(s) 0, 3", the subject of a 503 about {@code partitions}. */
    private static String holdingsOf(Collection<Integer> partitions) {
        return "the holdings of partition(s) " + partitions.stream().map(String::valueOf)
                .collect(Collectors.joining(", "));
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
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
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
