package com.lockupguard.app;

import com.lockupguard.topology.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/**
 * A guard about to start for the first time on decision topics another guard already writes: its application id has
 * neither committed a position on the inputs nor state (changelogs), yet the approved and blocked topics hold
 * committed decisions. Started, it would decide again every order the inputs keep, from the first ({@code
 * auto.offset.reset=earliest}), without the other guard's state, and write a second decision for each, beside every
 * new order's two: usually a mistyped or changed {@code application.id}.
 */
public final class DecisionsOfAnotherGuard {

    private DecisionsOfAnotherGuard() {
    }

    /**
     * Why the guard must not start, when another guard's decisions are there; {@code history}: this guard's,
     * {@code existing}: the topics.
     */
    public static Optional<String> find(Admin admin, GuardConfig config, GuardHistory history, Set<String> existing,
            Duration timeout) throws InterruptedException {
        if (history.hasRun()) {
            return Optional.empty();
        }
        String applicationId = history.applicationId();
        TopicNames names = config.topicNames();
        List<String> decisions = List.of(names.approved(), names.blocked());
        long held = HeldRecords.in(admin, decisions.stream().filter(existing::contains).toList(), timeout);
        if (held == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "this guard (application.id=%s) has never run here: it has no state and no "
                + "position on '%s', but '%s' and '%s' already hold decisions (%d offsets), written by a guard "
                + "with another application.id. Started, this one would decide every order '%s' keeps again, from the "
                + "first, without that guard's state, and write a second decision for each. Is application.id right? "
                + "To start a new guard on these topics anyway, set %s=%s.", applicationId, names.orders(),
                names.approved(), names.blocked(), held, names.orders(),
                GuardConfig.TOPICS_EXISTING_DECISIONS_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN));
    }
}
