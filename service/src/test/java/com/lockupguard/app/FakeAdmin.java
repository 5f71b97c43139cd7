package com.lockupguard.app;

import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsResult;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ListTopicsResult;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ListTransactionsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.internals.KafkaFutureImpl;

/**
 * An {@link Admin} that answers, from memory, the few requests the start-up checks make: its topics, their
 * settings and what the principal may do on them, and who wrote them. What it is not told to answer fails the test.
 */
final class FakeAdmin {

    /** A topic on the fake cluster: its partitions, settings and the operations the principal may do on it. */
    static final class Topic {
        final String name;
        final int partitions;
        final Uuid id = Uuid.randomUuid();
        final Map<String, String> configs = new HashMap<>();
        Set<AclOperation> authorized = Set.of();
        RuntimeException describeFailure;
        RuntimeException describeConfigsFailure;

        Topic(String name, int partitions) {
            this.name = name;
            this.partitions = partitions;
        }
    }

    final Map<String, Topic> topics = new LinkedHashMap<>();
    /** Topics the guard asked to create, in order. */
    final List<NewTopic> created = new ArrayList<>();
    /** Topics another instance creates just before this one asks (the answer is TopicExistsException). */
    final Set<String> createdByAnother = new java.util.HashSet<>();
    /** Topics the cluster refuses to create, with its reason. */
    final Map<String, RuntimeException> createFailures = new HashMap<>();
    /** The operations the principal may do on groups, by group; a group not here does not exist. */
    final Map<String, Set<AclOperation>> groups = new HashMap<>();
    /** The producers that wrote each partition, as DescribeProducers answers; a partition not here had none. */
    final Map<TopicPartition, List<ProducerState>> producers = new HashMap<>();
    /** Transactional ids by producer id, as ListTransactions answers them (those the principal may describe). */
    final Map<Long, String> transactionalIds = new HashMap<>();
    /** Why DescribeProducers fails, when it does. */
    RuntimeException describeProducersFailure;
    /** Why ListTransactions fails, when it does. */
    RuntimeException listTransactionsFailure;
    /** Why ListTopics fails, when it does. */
    RuntimeException listTopicsFailure;
    /** Each broker's settings, as DescribeConfigs answers them, by broker id; a broker not here has none. */
    final Map<String, Map<String, String>> brokerConfigs = new HashMap<>();
    /** Why DescribeConfigs of a broker fails, when it does. */
    RuntimeException brokerConfigsFailure;
    /** How many brokers DescribeConfigs was asked about. */
    int brokerConfigsAsked;
    /** Each partition's first offset kept, as ListOffsets answers for the earliest; a partition not here has 0. */
    final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    /** How many brokers DescribeCluster answers. */
    int brokers = 1;
    /** How many of those are fenced (stopped for a moment): answered only when fenced brokers are asked for. */
    int fencedBrokers;
    /** Whether the brokers refuse to be asked for fenced brokers, as those before Kafka 4.0 do. */
    boolean fencedBrokersUnsupported;

    Topic topic(String name, int partitions, Map<String, String> configs) {
        Topic topic = new Topic(name, partitions);
        topic.configs.putAll(configs);
        topics.put(name, topic);
        return topic;
    }

    Admin admin() {
        return (Admin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Admin.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "listTopics" -> listTopics();
                    case "describeCluster" -> describeCluster(arguments == null || arguments.length == 0
                            ? new DescribeClusterOptions() : (DescribeClusterOptions) arguments[0]);
                    case "createTopics" -> createTopics((Collection<?>) arguments[0]);
                    case "describeTopics" -> describeTopics((Collection<?>) arguments[0]);
                    case "describeConfigs" -> describeConfigs((Collection<?>) arguments[0]);
                    case "listOffsets" -> listOffsets((Map<?, ?>) arguments[0]);
                    case "describeConsumerGroups" -> describeConsumerGroups((Collection<?>) arguments[0]);
                    case "describeProducers" -> describeProducers((Collection<?>) arguments[0]);
                    case "listTransactions" -> listTransactions((ListTransactionsOptions) arguments[0]);
                    case "close" -> null;
                    default -> throw new AssertionError("the fake admin was asked " + method.getName());
                });
    }

    private DescribeClusterResult describeCluster(DescribeClusterOptions options)
            throws ReflectiveOperationException {
        List<Node> nodes = new ArrayList<>();
        for (int id = 0; id < brokers; id++) {
            boolean fenced = id >= brokers - fencedBrokers;
            if (!fenced || options.includeFencedBrokers()) {
                nodes.add(new Node(id, "broker-" + id, 9092, null, fenced));
            }
        }
        Constructor<DescribeClusterResult> constructor = DescribeClusterResult.class.getDeclaredConstructor(
                KafkaFuture.class, KafkaFuture.class, KafkaFuture.class, KafkaFuture.class);
        constructor.setAccessible(true);
        KafkaFutureImpl<Collection<Node>> answer = new KafkaFutureImpl<>();
        if (options.includeFencedBrokers() && fencedBrokersUnsupported) {
            answer.completeExceptionally(new UnsupportedVersionException("Cannot request fenced brokers"));
        } else {
            answer.complete(nodes);
        }
        return constructor.newInstance(answer, KafkaFuture.completedFuture(nodes.get(0)),
                KafkaFuture.completedFuture("fake-cluster"), KafkaFuture.completedFuture(null));
    }

    private ListTopicsResult listTopics() throws ReflectiveOperationException {
        Map<String, TopicListing> listings = new LinkedHashMap<>();
        topics.values().forEach(topic -> listings.put(topic.name, new TopicListing(topic.name, topic.id, false)));
        Constructor<ListTopicsResult> constructor = ListTopicsResult.class.getDeclaredConstructor(KafkaFuture.class);
        constructor.setAccessible(true);
        return constructor.newInstance(listTopicsFailure != null ? failed(listTopicsFailure)
                : KafkaFuture.completedFuture(listings));
    }

    private CreateTopicsResult createTopics(Collection<?> requested) {
        Map<String, KafkaFuture<CreateTopicsResult.TopicMetadataAndConfig>> futures = new HashMap<>();
        for (Object request : requested) {
            NewTopic topic = (NewTopic) request;
            created.add(topic);
            if (createFailures.containsKey(topic.name())) {
                futures.put(topic.name(), failed(createFailures.get(topic.name())));
                continue;
            }
            int partitions = topic.numPartitions() > 0 ? topic.numPartitions() : 1;
            boolean existed = topics.containsKey(topic.name()) || createdByAnother.contains(topic.name());
            if (!topics.containsKey(topic.name())) {
                topic(topic.name(), partitions, topic.configs() == null ? Map.of() : topic.configs());
            }
            futures.put(topic.name(), existed ? failed(new TopicExistsException("Topic '" + topic.name()
                    + "' already exists.")) : KafkaFuture.completedFuture(null));
        }
        return new CreateTopicsResult(futures) { };
    }

    private DescribeTopicsResult describeTopics(Collection<?> names) {
        Map<String, KafkaFuture<TopicDescription>> futures = new LinkedHashMap<>();
        for (Object name : names) {
            Topic topic = topics.get((String) name);
            if (topic == null) {
                futures.put((String) name, failed(new UnknownTopicOrPartitionException("unknown topic " + name)));
            } else if (topic.describeFailure != null) {
                futures.put(topic.name, failed(topic.describeFailure));
            } else {
                Node node = new Node(0, "broker", 9092);
                List<TopicPartitionInfo> partitions = IntStream.range(0, topic.partitions)
                        .mapToObj(p -> new TopicPartitionInfo(p, node, List.of(node), List.of(node))).toList();
                futures.put(topic.name, KafkaFuture.completedFuture(new TopicDescription(topic.name, false,
                        partitions, topic.authorized)));
            }
        }
        return new DescribeTopicsResult(null, futures) { };
    }

    private org.apache.kafka.clients.admin.ListOffsetsResult listOffsets(Map<?, ?> asked) {
        Map<TopicPartition, KafkaFuture<org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo>>
                futures = new HashMap<>();
        for (Object partition : asked.keySet()) {
            long first = firstOffsets.getOrDefault((TopicPartition) partition, 0L);
            futures.put((TopicPartition) partition, KafkaFuture.completedFuture(
                    new org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo(first, -1L,
                            java.util.Optional.empty())));
        }
        return new org.apache.kafka.clients.admin.ListOffsetsResult(futures);
    }

    private DescribeConfigsResult describeConfigs(Collection<?> resources) {
        Map<ConfigResource, KafkaFuture<Config>> futures = new HashMap<>();
        for (Object resource : resources) {
            ConfigResource config = (ConfigResource) resource;
            if (config.type() == ConfigResource.Type.BROKER) {
                brokerConfigsAsked++;
                futures.put(config, brokerConfigsFailure != null ? failed(brokerConfigsFailure)
                        : KafkaFuture.completedFuture(new Config(brokerConfigs.getOrDefault(config.name(), Map.of())
                                .entrySet().stream().map(e -> new ConfigEntry(e.getKey(), e.getValue())).toList())));
                continue;
            }
            Topic topic = topics.get(config.name());
            if (topic == null || topic.describeConfigsFailure != null) {
                futures.put(config, failed(topic == null ? new UnknownTopicOrPartitionException("unknown topic "
                        + config.name()) : topic.describeConfigsFailure));
            } else {
                futures.put(config, KafkaFuture.completedFuture(new Config(topic.configs.entrySet().stream()
                        .map(e -> new ConfigEntry(e.getKey(), e.getValue())).toList())));
            }
        }
        return new DescribeConfigsResult(futures) { };
    }

    private DescribeConsumerGroupsResult describeConsumerGroups(Collection<?> ids) {
        Map<String, KafkaFuture<org.apache.kafka.clients.admin.ConsumerGroupDescription>> futures = new HashMap<>();
        for (Object id : ids) {
            Set<AclOperation> allowed = groups.get((String) id);
            futures.put((String) id, allowed == null ? failed(new GroupIdNotFoundException("no group " + id))
                    : KafkaFuture.completedFuture(new org.apache.kafka.clients.admin.ConsumerGroupDescription(
                            (String) id, false, List.of(), "", org.apache.kafka.common.GroupType.CLASSIC,
                            org.apache.kafka.common.GroupState.EMPTY, new Node(0, "broker", 9092), allowed,
                            java.util.Optional.empty(), java.util.Optional.empty())));
        }
        return new DescribeConsumerGroupsResult(futures);
    }

    private DescribeProducersResult describeProducers(Collection<?> partitions) throws ReflectiveOperationException {
        Map<TopicPartition, KafkaFuture<DescribeProducersResult.PartitionProducerState>> futures = new HashMap<>();
        for (Object partition : partitions) {
            futures.put((TopicPartition) partition, describeProducersFailure != null ? failed(describeProducersFailure)
                    : KafkaFuture.completedFuture(new DescribeProducersResult.PartitionProducerState(
                            producers.getOrDefault((TopicPartition) partition, List.of()))));
        }
        Constructor<DescribeProducersResult> constructor = DescribeProducersResult.class.getDeclaredConstructor(
                Map.class);
        constructor.setAccessible(true);
        return constructor.newInstance(futures);
    }

    private ListTransactionsResult listTransactions(ListTransactionsOptions options)
            throws ReflectiveOperationException {
        KafkaFutureImpl<Collection<TransactionListing>> listings = new KafkaFutureImpl<>();
        if (listTransactionsFailure != null) {
            listings.completeExceptionally(listTransactionsFailure);
        } else {
            listings.complete(transactionalIds.entrySet().stream()
                    .filter(id -> options.filteredProducerIds().isEmpty()
                            || options.filteredProducerIds().contains(id.getKey()))
                    .map(id -> new TransactionListing(id.getValue(), id.getKey(), TransactionState.ONGOING)).toList());
        }
        Constructor<ListTransactionsResult> constructor = ListTransactionsResult.class.getDeclaredConstructor(
                KafkaFuture.class);
        constructor.setAccessible(true);
        return constructor.newInstance(KafkaFuture.completedFuture(Map.of(0, listings)));
    }

    private static <T> KafkaFuture<T> failed(Throwable cause) {
        KafkaFutureImpl<T> future = new KafkaFutureImpl<>();
        future.completeExceptionally(cause);
        return future;
    }
}
