package com.lockupguard.app;

import com.lockupguard.topology.FailureCauses;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group member a failed stream thread leaves behind under static membership. Kafka Streams 4.4 closes a failed
 * thread's consumer without leaving the group and starts its replacement under the next thread index, so under
 * another {@code group.instance.id} ({@code <id>-<index>}): the failed thread's member keeps its partitions until its
 * session expires ({@code session.timeout.ms}, 45 s by default), and the rebalance the replacement starts waits for
 * it, with every thread of the group deciding nothing meanwhile. Once the failed thread has ended, the guard removes
 * that member, as an operator would with the admin API, and the rebalance goes on at once. A dynamic member can be
 * removed only by its member id, which Kafka Streams does not expose: without {@code group.instance.id} the wait
 * stays (docs/OPERATIONS.md).
 */
final class FailedThreadMember {

    private static final Logger LOG = LoggerFactory.getLogger(FailedThreadMember.class);
    private static final String STREAM_THREAD = "-StreamThread-";
    /** How long the failed thread may take to end, and the group's coordinator to answer. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private FailedThreadMember() {
    }

    /**
     * The {@code group.instance.id} Kafka Streams gave the stream thread named {@code threadName}, given the guard's
     * {@code groupInstanceId}; empty for a thread that is not a stream thread.
     */
    static Optional<String> instanceId(String groupInstanceId, String threadName) {
        int at = threadName.lastIndexOf(STREAM_THREAD);
        if (at < 0) {
            return Optional.empty();
        }
        String index = threadName.substring(at + STREAM_THREAD.length());
        // trimmed once the index is appended, as the consumer then takes it: a string setting is trimmed
        return index.isEmpty() || !index.chars().allMatch(Character::isDigit) ? Optional.empty()
                : Optional.of((groupInstanceId + "-" + index).trim());
    }

    /**
     * Removes {@code instanceId} from the group {@code groupId} once {@code failed} has ended, on a thread of its own
     * (the failed thread is the caller, and ends only after it returns); not when {@code whyNot}, asked then, says
     * why not (the guard stops, and leaves the group anyway; a new thread took the index, and the member is its own).
     */
    static void removeOnceEnded(Thread failed, String groupId, String instanceId, Properties adminProperties,
            Supplier<String> whyNot) {
        Thread remover = new Thread(() -> remove(failed, groupId, instanceId, adminProperties, whyNot),
                "lockup-guard-remove-" + instanceId);
        remover.setDaemon(true);
        remover.start();
    }

    private static void remove(Thread failed, String groupId, String instanceId, Properties adminProperties,
            Supplier<String> whyNot) {
        try {
            failed.join(WAIT.toMillis());
            if (failed.isAlive()) {
                LOG.warn("the failed stream thread's member {} stays in group {} until its session expires "
                        + "(session.timeout.ms): the thread has not ended within {} s", instanceId, groupId,
                        WAIT.toSeconds());
                return;
            }
            String reason = whyNot.get();
            if (reason != null) {
                LOG.info("the failed stream thread's member {} is not removed from group {}: {}", instanceId, groupId,
                        reason);
                return;
            }
            try (Admin admin = Admin.create(adminProperties)) {
                // the admin client's own retries end when this wait does: a late removal could meet a new thread
                // that took the index
                admin.removeMembersFromConsumerGroup(groupId, new RemoveMembersFromConsumerGroupOptions(
                        List.of(new MemberToRemove(instanceId))).timeoutMs((int) WAIT.toMillis())).all()
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            LOG.info("removed the failed stream thread's member {} from group {}: its replacement need not wait for "
                    + "its session to expire", instanceId, groupId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (FailureCauses.find(e, UnknownMemberIdException.class).isPresent()) {
                LOG.debug("the failed stream thread's member {} had left group {} already", instanceId, groupId);
            } else {
                LOG.warn("the failed stream thread's member {} stays in group {} until its session expires "
                        + "(session.timeout.ms): {}", instanceId, groupId, FailureCauses.oneLine(e));
            }
        } catch (TimeoutException | RuntimeException e) {
            LOG.warn("the failed stream thread's member {} stays in group {} until its session expires "
                    + "(session.timeout.ms): {}", instanceId, groupId, FailureCauses.oneLine(e));
        }
    }
}
