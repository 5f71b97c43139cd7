package com.lockupguard.app;

import com.lockupguard.topology.OutputMessageLimit;
import com.lockupguard.topology.StoreNames;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads again, while the guard runs, what it checked of its topics at start: every {@code topics.check.interval.ms},
 * and whenever a stream thread fails.
 * <ul>
 * <li>The smallest {@code max.message.bytes} of the topics it writes, kept in {@link OutputMessageLimit}: a limit an
 * operator lowered is kept to before the broker refuses an answer (a refusal fails the transaction and costs a
 * replaced stream thread, which rebuilds its stores), and one raised is used without a restart.</li>
 * <li>The partition count of its inputs. Partitions added to them move holdings' keys to other partitions than their
 * state, which Kafka Streams cannot move: the guard must stop rather than decide those orders without it
 * ({@link InputRepartitioning}).</li>
 * <li>The topics it writes, and its changelogs, by topic id. One deleted leaves the stream thread retrying its sends
 * to it, deciding nothing ({@link DeletedOutputs}); a changelog created again is empty, and state restored from it is
 * gone ({@link LostState}): the guard must stop. A topic it writes deleted and created again between two looks holds
 * nothing up, but what it held is gone: that is logged and counted for {@link #RECREATED_COUNTED_FOR}
 * ({@link RecreatedOutputs}).</li>
 * <li>Their retention and the other settings the start-up check reads ({@link TopicPolicy}): a change that would
 * lose records or refuse answers is logged and counted ({@code lockup_guard_topic_problems}), not stopped for: the
 * decisions are still right, what is at risk is their record, or orders not yet read.</li>
 * <li>Who else writes the decision topics ({@link OtherWriters}): another guard deciding the same orders is logged and
 * counted the same way, not stopped for, since it sees this one too and would stop as well, leaving no guard to
 * decide.</li>
 * </ul>
 */
final class TopicWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicWatch.class);
    /** How long a look at the topics waits for the cluster's answers. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a topic the guard writes, found deleted and created again, is counted among its topic problems: long
     * enough for the alert on them to fire at any check interval up to most of it, and then gone, since nothing
     * mends it.
     */
    static final Duration RECREATED_COUNTED_FOR = Duration.ofHours(1);

    private final Admin admin;
    private final Duration timeout;
    private final GuardConfig config;
    private final OutputMessageLimit limit;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "lockup-guard-topic-watch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile int inputPartitions;
    private volatile Map<String, Uuid> changelogs = Map.of();
    /** The id sweep's changelog, by topic id, where the guard forgets ids and it is there; else null. */
    private volatile Uuid sweepChangelog;
    private volatile Map<String, Uuid> outputs = Map.of();
    /** The topics it writes found deleted and created again, with when ({@link #nanoTime}) each was last found. */
    private final Map<String, Long> recreated = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private volatile Set<String> topicProblems = Set.of();
    /** Null under at_least_once, where the guard's own producers are not transactional. */
    private final OtherWriters otherWriters;
    private volatile Optional<String> otherWriting = Optional.empty();
    private boolean writersUnknown;
    /**
     * The looks at the cluster that failed last time: the warning is written when the first fails, and the all-clear
     * once none does, so that one that keeps failing (an input deleted, whose settings cannot be read) while another
     * succeeds (the topic listing) does not have both said at every check.
     */
    private final Set<Look> failing = ConcurrentHashMap.newKeySet();

    /** A look at the cluster that can fail on its own. */
    private enum Look {
        LIMIT, PARTITIONS, TOPICS, SETTINGS
    }
    private volatile boolean closed;

    /** A watch asking through {@code admin}, which it closes when it is closed. */
    TopicWatch(Admin admin, GuardConfig config, OutputMessageLimit limit) {
        this(admin, config, limit, TIMEOUT);
    }

    /** A watch whose looks wait {@code timeout} for the cluster's answers. */
    TopicWatch(Admin admin, GuardConfig config, OutputMessageLimit limit, Duration timeout) {
        this(admin, config, limit, timeout, System::nanoTime);
    }

    /** The same, telling time by {@code nanoTime} ({@link System#nanoTime()}'s meaning). */
    TopicWatch(Admin admin, GuardConfig config, OutputMessageLimit limit, Duration timeout, LongSupplier nanoTime) {
        this.admin = admin;
        this.nanoTime = nanoTime;
        this.timeout = timeout;
        this.config = config;
        this.limit = limit;
        this.otherWriters = StreamsConfig.EXACTLY_ONCE_V2.equals(config.getString(
                GuardConfig.PROCESSING_GUARANTEE_CONFIG)) ? new OtherWriters(admin,
                config.getString(GuardConfig.APPLICATION_ID_CONFIG), List.of(config.topicNames().approved(),
                config.topicNames().blocked())) : null;
    }

    /**
     * Takes what the start-up check {@code verified}: the inputs' partition count, the problems it warned of
     * (topics.retention.check=warn), which are no news later, and the limit.
     */
    void read(TopicProvisioner.Verified verified) {
        inputPartitions = verified.partitions();
        topicProblems = verified.problems().stream().map(TopicPolicy.Problem::message)
                .collect(Collectors.toUnmodifiableSet());
        verified.smallest().ifPresent(smallest -> {
            limit.set(smallest.topic(), smallest.maxMessageBytes());
            LOG.info("the topics the guard writes take records of up to {} bytes (max.message.bytes of {}), or "
                    + "the producer's max.request.size if that is less: a larger answer is dead-lettered",
                    smallest.maxMessageBytes(), smallest.topic());
        });
    }

    /**
     * Takes the guard's changelogs, and the topics it writes, as the start-up check found them ({@code listings}: the
     * cluster's topics).
     */
    void rememberTopics(Collection<TopicListing> listings) {
        changelogs = changelogIds(listings.stream().map(TopicListing::name).collect(Collectors.toSet()), listings);
        sweepChangelog = sweepChangelogId(listings);
        outputs = outputIds(listings);
    }

    /**
     * Reads the topics again every {@code interval} from now on (never when it is zero), handing {@code stop} why
     * the guard must stop when it must ({@link #mustStop()}).
     */
    void repeatEvery(Duration interval, Consumer<String> stop) {
        if (!interval.isZero()) {
            schedule.execute(this::lookForOtherWriters); // what writes the decision topics now, to compare with
            schedule.scheduleWithFixedDelay(() -> {
                Optional<String> changed = mustStop();
                if (changed.isPresent()) {
                    stop.accept(changed.get());
                    schedule.shutdown(); // nothing more to watch: the guard stops
                } else {
                    readAgain();
                }
            }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Reads the limit again, when a refusal says it may have been lowered, logging a change; a failure is logged
     * (once while it lasts) and keeps the last read.
     */
    void readLimitAgain() {
        try {
            keepWithin(TopicProvisioner.from(admin, config, timeout).smallestMessages());
            recovered(Look.LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed(Look.LIMIT, e);
        }
    }

    private void keepWithin(Optional<TopicProvisioner.MessageLimit> smallest) {
        smallest.ifPresent(now -> {
            if (limit.set(now.topic(), now.maxMessageBytes())) {
                LOG.info("the topics the guard writes now take records of up to {} bytes (max.message.bytes of "
                        + "{}): answers are kept within that", now.maxMessageBytes(), now.topic());
            }
        });
    }

    /**
     * Why the guard must stop: its inputs no longer have the partition count it started with, or a changelog of its
     * state was deleted.
     */
    Optional<String> mustStop() {
        return inputsRepartitioned().or(this::topicsDeleted);
    }

    /** Why the guard must stop, when its inputs no longer have the partition count it started with. */
    private Optional<String> inputsRepartitioned() {
        int expected = inputPartitions;
        if (expected == 0) {
            return Optional.empty();
        }
        return asked(Look.PARTITIONS, () -> InputRepartitioning.since(expected, config.topicNames(),
                TopicProvisioner.from(admin, config, timeout).inputPartitions()));
    }

    /**
     * Why the guard must stop, when a topic it writes is gone ({@link DeletedOutputs}), or a changelog it had is gone
     * or is another topic ({@link LostState}); one Kafka Streams created since (at a first start, or for a store an
     * upgrade added) is remembered from now on. A topic it writes that is another topic than at the last look is
     * logged and counted ({@link RecreatedOutputs}).
     */
    private Optional<String> topicsDeleted() {
        return asked(Look.TOPICS, () -> {
            Collection<TopicListing> listings = AdminRequests.retrying(timeout, () -> admin.listTopics().listings());
            Set<String> existing = listings.stream().map(TopicListing::name).collect(Collectors.toSet());
            Map<String, Uuid> now = changelogIds(existing, listings);
            Uuid sweepNow = sweepChangelogId(listings);
            Optional<String> deleted = DeletedOutputs.among(config, existing).or(() -> LostState.since(
                    config.getString(GuardConfig.APPLICATION_ID_CONFIG), config.topicNames(), changelogs, now))
                    .or(() -> sweepChangelogDeleted(sweepNow));
            if (deleted.isEmpty()) {
                changelogs = now;
                sweepChangelog = sweepNow;
                Map<String, Uuid> outputsNow = outputIds(listings);
                for (RecreatedOutputs.Recreated topic : RecreatedOutputs.since(outputs, outputsNow)) {
                    LOG.error("{}", topic.message());
                    recreated.put(topic.topic(), nanoTime.getAsLong());
                }
                outputs = outputsNow;
            }
            return deleted;
        });
    }

    /** What {@code check} found; nothing when the cluster did not answer (logged once while that lasts). */
    private Optional<String> asked(Look look, ClusterCheck check) {
        try {
            Optional<String> found = check.find();
            recovered(look);
            return found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed(look, e);
        }
        return Optional.empty();
    }

    private Map<String, Uuid> outputIds(Collection<TopicListing> listings) {
        Set<String> names = Set.copyOf(config.topicNames().outputs());
        return listings.stream().filter(listing -> names.contains(listing.name()))
                .collect(Collectors.toUnmodifiableMap(TopicListing::name, TopicListing::topicId));
    }

    /** The id sweep's changelog's topic id, where the guard forgets ids ({@link StoreNames#ID_SWEEP}); else null. */
    private Uuid sweepChangelogId(Collection<TopicListing> listings) {
        if (config.idRetention().isEmpty()) {
            return null; // no such store: a changelog of one left from an earlier configuration is not written
        }
        String name = StoreNames.changelogTopic(config.getString(GuardConfig.APPLICATION_ID_CONFIG),
                StoreNames.ID_SWEEP);
        return listings.stream().filter(listing -> listing.name().equals(name)).map(TopicListing::topicId)
                .findFirst().orElse(null);
    }

    /**
     * Why the guard must stop, when the id sweep's changelog it had is gone, or is another topic: what it holds is
     * not state (a walk begun again from the first key loses nothing), but gone, Kafka Streams' producer retries
     * writing it without end, and no order is decided while the guard says RUNNING; and a broker that creates topics
     * on first use makes it again at the next write, with its own partition count, on which Kafka Streams fails every
     * thread, for ever (both seen).
     */
    private Optional<String> sweepChangelogDeleted(Uuid now) {
        if (sweepChangelog == null || sweepChangelog.equals(now)) {
            return Optional.empty();
        }
        String topic = StoreNames.changelogTopic(config.getString(GuardConfig.APPLICATION_ID_CONFIG),
                StoreNames.ID_SWEEP);
        return Optional.of("the id sweep's changelog '" + topic + "' was deleted" + (now == null ? ""
                : " and created again") + " while the guard ran: Kafka Streams can no longer write it, and decides no "
                + "order. The guard stops. It held only where the walks that forget ids stood: delete '" + topic
                + "' if it is there (a broker that creates topics on first use makes it again, with its own partition "
                + "count), and start the guard, whose Kafka Streams creates it anew; nothing is lost but a walk begun "
                + "again from the first id.");
    }

    private Map<String, Uuid> changelogIds(Set<String> existing, Collection<TopicListing> listings) {
        Set<String> names = Set.copyOf(StoreNames.changelogsAmong(config.getString(GuardConfig.APPLICATION_ID_CONFIG),
                existing));
        return listings.stream().filter(listing -> names.contains(listing.name()))
                .collect(Collectors.toUnmodifiableMap(TopicListing::name, TopicListing::topicId));
    }

    /**
     * Reads the topics' settings again, once for both: the limit, and the start-up's retention check, a topic changed
     * since (by an operator, or a policy that caps retention cluster-wide) that would now delete records the guard
     * has not read or must keep, or refuse its answers. Each new problem is logged at ERROR with its fix, and one gone
     * at INFO; the guard keeps deciding. A failure is logged (once while it lasts) and keeps the last read.
     */
    void readAgain() {
        try {
            TopicProvisioner.Reading reading = TopicProvisioner.from(admin, config, timeout).readAgain();
            recovered(Look.SETTINGS);
            keepWithin(reading.smallest());
            Set<String> now = new LinkedHashSet<>();
            reading.problems().forEach(problem -> now.add(problem.message()));
            lookForOtherWriters();
            now.stream().filter(problem -> !topicProblems.contains(problem)).forEach(problem -> LOG.error(
                    "a topic of the guard changed while it runs: {}", problem));
            topicProblems.stream().filter(problem -> !now.contains(problem)).forEach(problem -> LOG.info(
                    "no longer a problem: {}", problem));
            topicProblems = Set.copyOf(now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed(Look.SETTINGS, e);
        }
    }

    /**
     * Looks at who writes the decision topics ({@link OtherWriters}), keeping what was last found when the cluster does
     * not say (logged once: a principal without READ on them, say).
     */
    private void lookForOtherWriters() {
        if (otherWriters == null) {
            return;
        }
        try {
            Optional<String> found = otherWriters.since(timeout);
            writersUnknown = false;
            if (found.isPresent() && !found.equals(otherWriting)) {
                LOG.error("{}", found.get()); // again only when a writer, or a topic it writes, is added
            } else if (found.isEmpty() && otherWriting.isPresent()) {
                LOG.info("no other application has written the guard's decision topics for {} looks",
                        OtherWriters.QUIET_LOOKS);
            }
            otherWriting = found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!writersUnknown && !closed) {
                writersUnknown = true;
                LOG.warn("cannot tell whether another application writes the decision topics: {}", described(e));
            }
        }
    }

    /**
     * How many problems the last check found: records the guard's topics would lose or refuse, another application
     * writing its decisions; and the topics it writes found deleted and created again within the last
     * {@link #RECREATED_COUNTED_FOR}.
     */
    int topicProblems() {
        long now = nanoTime.getAsLong();
        recreated.values().removeIf(found -> now - found >= RECREATED_COUNTED_FOR.toNanos());
        return topicProblems.size() + (otherWriting.isPresent() ? 1 : 0) + recreated.size();
    }

    private synchronized void recovered(Look look) {
        if (failing.remove(look) && failing.isEmpty()) {
            LOG.info("the guard's topics can be read again");
        }
    }

    private synchronized void failed(Look look, RuntimeException e) {
        if (!closed && failing.add(look) && failing.size() == 1) {
            LOG.warn("cannot read the guard's topics again; keeping what was last read: {}", described(e));
        }
    }

    /** Why a look failed: a cluster that stopped answering is said plainly (bootstrap.servers was right at start). */
    private static String described(RuntimeException failure) {
        return failure instanceof ClusterNotAnsweredException notAnswered ? notAnswered.plainly() : failure.toString();
    }

    @Override
    public void close() {
        closed = true;
        schedule.shutdownNow();
        try {
            schedule.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ZERO);
    }
}
