package com.lockupguard.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartition;

/**
 * Another application writing the guard's decision topics while the guard runs: two guards under different
 * application ids on the same inputs and outputs (a mistyped id, a second deployment, one started with
 * {@code topics.existing.decisions.check=warn} and the other left running) each decide every order, and every consumer
 * of the decisions sees two for each, decided from two states. The start-up check catches a new id on decided topics
 * ({@link DecisionsOfAnotherGuard}); this catches the two running together, whatever either did before.
 *
 * <p>Each look asks the brokers which producers wrote each decision partition ({@code DescribeProducers}) and, for
 * those, their transactional ids ({@code ListTransactions}). Kafka Streams names a transactional producer
 * {@code <application.id>-<process uuid>-<thread>}: one named otherwise whose state on a partition changed since the
 * last look (a transaction since, under transactions version 2 a new epoch), or that holds a transaction open on it
 * now, is another writer, reported until it has written nothing for {@value #QUIET_LOOKS} looks. A producer the
 * brokers do not name (not transactional, or a transactional id this principal may not describe) counts too, since
 * this guard's own are transactional and its own to describe, unless it was one of the guard's own: a transactional
 * id whose epochs run out (every commit takes one under transactions version 2: at a commit every 20 ms, in 11
 * minutes) gets a new producer id, and from the commit that spent the last epoch the brokers name only the new one,
 * while the old one's last transaction shows on the partitions it wrote. So every producer id on the decision
 * partitions is named at every look until the brokers name it as this guard's (they never give an id twice), and one
 * named so is this guard's for as long as it shows there; one never named that its own spent its last epoch
 * writing is the guard's too. Under {@code at_least_once} the guard's own producers are not transactional, and
 * nothing is looked for.
 */
final class OtherWriters {

    /**
     * How many looks in a row a writer must be seen writing nothing before it is no longer reported: a guard
     * deciding a few orders a minute writes between some looks only.
     */
    static final int QUIET_LOOKS = 5;
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private final Admin admin;
    private final List<String> topics;
    private final Pattern ours;
    private Map<TopicPartition, Map<Long, ProducerState>> seen = Map.of();
    /** The producer ids on the decision partitions that the brokers named as this guard's, at this look or before. */
    private final Set<Long> own = new HashSet<>();
    private final Map<String, Writing> others = new TreeMap<>();
    private long looks;

    /** Watches {@code topics} (the decision topics) for writers other than {@code applicationId}'s. */
    OtherWriters(Admin admin, String applicationId, List<String> topics) {
        this.admin = admin;
        this.topics = List.copyOf(topics);
        this.ours = Pattern.compile(Pattern.quote(applicationId) + "-" + UUID + "-\\d+");
    }

    /**
     * The other writers seen at this look or at one of the {@value #QUIET_LOOKS} before it, with the topics each wrote,
     * as one message; the first look only remembers what it saw, unless a producer holds a transaction open.
     */
    Optional<String> since(Duration timeout) throws InterruptedException {
        Map<TopicPartition, Map<Long, ProducerState>> now = producers(timeout);
        Map<Long, Set<String>> active = new HashMap<>();
        now.forEach((partition, producers) -> producers.forEach((id, state) -> {
            ProducerState before = seen.getOrDefault(partition, Map.of()).get(id);
            boolean wrote = !seen.isEmpty() && !state.equals(before);
            if (wrote || state.currentTransactionStartOffset().isPresent()) {
                active.computeIfAbsent(id, any -> new TreeSet<>()).add(partition.topic());
            }
        }));
        // names first: a look whose names cannot be read leaves what was seen as it was, for the next to compare with.
        // Every id not yet known as the guard's own is asked for, active or not, so that one of its own is known
        // before its epochs run out and the brokers stop naming it
        Set<Long> present = new HashSet<>();
        now.values().forEach(producers -> present.addAll(producers.keySet()));
        Set<Long> unknown = new HashSet<>(present);
        unknown.removeAll(own);
        Map<Long, String> named = unknown.isEmpty() ? Map.of() : AdminRequests.retrying(timeout,
                () -> admin.listTransactions(new ListTransactionsOptions().filterProducerIds(unknown)).all())
                .stream().collect(Collectors.toMap(TransactionListing::producerId,
                        TransactionListing::transactionalId, (first, second) -> first));
        named.forEach((id, name) -> {
            if (ours.matcher(name).matches()) {
                own.add(id);
            }
        });
        own.retainAll(present); // gone from the partitions' producers: never to be seen again
        seen = now;
        looks++;
        if (!active.isEmpty()) {
            active.forEach((id, written) -> {
                String name = named.get(id);
                if (own.contains(id)) {
                    return;
                }
                if (name == null ? !retired(id, now) : !ours.matcher(name).matches()) {
                    String writer = name == null ? "a producer the brokers do not name (producer id " + id
                            + ": not transactional, or a transactional id this guard may not describe)"
                            : "transactional.id " + name;
                    Writing writing = others.computeIfAbsent(writer, any -> new Writing());
                    writing.topics.addAll(written);
                    writing.lastLook = looks;
                }
            });
        }
        others.values().removeIf(writing -> looks - writing.lastLook >= QUIET_LOOKS);
        if (others.isEmpty()) {
            return Optional.empty();
        }
        List<String> writers = new ArrayList<>();
        others.forEach((writer, writing) -> writers.add(writer + " on " + writing.topics.stream()
                .map(topic -> "'" + topic + "'").collect(Collectors.joining(" and "))));
        return Optional.of(String.format(Locale.ROOT,
                "another application is writing the guard's decision topics while it runs: "
                + "%s. Another guard on the same orders decides each of them as well, from its own state, and every "
                + "consumer of the decisions sees two for an order, which may differ. Stop the guard whose "
                + "application.id is not the one these topics belong to.", String.join("; ", writers)));
    }

    /**
     * Whether producer {@code id} has spent its epochs: its transactional id, if it has one, now writes under another
     * producer id, the only one the brokers name.
     */
    private static boolean retired(long id, Map<TopicPartition, Map<Long, ProducerState>> producers) {
        return producers.values().stream().map(byId -> byId.get(id)).filter(Objects::nonNull)
                .anyMatch(state -> state.producerEpoch() >= Short.MAX_VALUE - 1);
    }

    /** What another writer wrote, and at which look it was last seen writing. */
    private static final class Writing {
        final Set<String> topics = new TreeSet<>();
        long lastLook;
    }

    private Map<TopicPartition, Map<Long, ProducerState>> producers(Duration timeout) throws InterruptedException {
        Map<String, TopicDescription> described = AdminRequests.retrying(timeout,
                () -> admin.describeTopics(topics).allTopicNames());
        List<TopicPartition> partitions = described.values().stream()
                .flatMap(topic -> IntStream.range(0, topic.partitions().size())
                        .mapToObj(partition -> new TopicPartition(topic.name(), partition)))
                .toList();
        Map<TopicPartition, Map<Long, ProducerState>> producers = new HashMap<>();
        AdminRequests.retrying(timeout, () -> admin.describeProducers(partitions).all()).forEach((partition, found) ->
                producers.put(partition, found.activeProducers().stream().filter(Objects::nonNull)
                        .collect(Collectors.toMap(ProducerState::producerId, state -> state, (a, b) -> b))));
        return producers;
    }
}
