package com.lockupguard.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/**
 * The start-up checks of what the cluster keeps of this guard's earlier runs, in the order they are weighed: its state
 * deleted, or its remembered orders or its holdings deleted and created again ({@link LostState}), its positions on
 * the inputs deleted ({@link LostPositions}), another guard's decisions on the outputs of this never-run one
 * ({@link DecisionsOfAnotherGuard}). {@code run} and {@code config --check} both ask here.
 */
public final class HistoryChecks {

    /** What one check found, and the setting that says whether the guard refuses to start for it or warns. */
    public record Finding(String setting, String reason) {
        public boolean refuses(GuardConfig config) {
            return GuardConfig.RETENTION_CHECK_FAIL.equals(config.getString(setting));
        }

        /**
         * The reason as a guard whose setting is {@code warn} says it: without its last words, which tell how to
         * start anyway (a sentence, or the clause after a semicolon, ending "set <setting>=warn."), since it does.
         */
        public String warning() {
            String override = "set " + setting + "=" + GuardConfig.RETENTION_CHECK_WARN + ".";
            if (!reason.endsWith(override)) {
                return reason;
            }
            String before = reason.substring(0, reason.length() - override.length());
            int sentence = Math.max(before.lastIndexOf(". "), before.lastIndexOf("? "));
            int clause = before.lastIndexOf("; ");
            if (clause > sentence) {
                return before.substring(0, clause) + ".";
            }
            return sentence < 0 ? reason : before.substring(0, sentence + 1);
        }
    }

    /** What to do when the cluster does not answer a check: go on without it, or throw. */
    public interface Unanswered {
        void check(String what, IllegalStateException failure);
    }

    private HistoryChecks() {
    }

    /** Every finding of the checks, in order; {@code existing}: the cluster's topics. */
    public static List<Finding> run(Admin admin, GuardConfig config, GuardHistory history, Set<String> existing,
            Duration timeout, Unanswered unanswered) throws InterruptedException {
        List<Finding> found = new ArrayList<>();
        LostState.atStart(config, history).ifPresent(reason -> found.add(
                new Finding(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, reason)));
        if (found.isEmpty()) {
            asked("whether the guard's state is there beside positions not its own", unanswered,
                    () -> LostState.besidePositionsNotItsOwn(admin, config, history, existing, timeout))
                    .ifPresent(reason -> found.add(new Finding(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, reason)));
        }
        if (found.isEmpty()) {
            asked("whether the guard's remembered orders were emptied", unanswered,
                    () -> LostState.emptied(admin, config, history, existing, timeout)).ifPresent(reason -> found.add(
                            new Finding(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, reason)));
            asked("whether the guard's holdings were emptied", unanswered,
                    () -> LostState.holdingsEmptied(admin, config, history, existing, timeout)).ifPresent(reason ->
                            found.add(new Finding(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, reason)));
        }
        asked("whether the guard's positions are there", unanswered,
                () -> LostPositions.atStart(admin, config, history, timeout)).ifPresent(reason -> found.add(
                        new Finding(GuardConfig.TOPICS_LOST_POSITIONS_CHECK_CONFIG, reason)));
        asked("whether another guard's decisions are on the guard's topics", unanswered,
                () -> DecisionsOfAnotherGuard.find(admin, config, history, existing, timeout)).ifPresent(reason ->
                        found.add(new Finding(GuardConfig.TOPICS_EXISTING_DECISIONS_CHECK_CONFIG, reason)));
        return found;
    }

    private static Optional<String> asked(String what, Unanswered unanswered, ClusterCheck check)
            throws InterruptedException {
        try {
            return check.find();
        } catch (IllegalStateException e) {
            unanswered.check(what, e);
            return Optional.empty();
        }
    }
}
