package com.lockupguard.topology;

import com.lockupguard.rules.Decision;
import com.lockupguard.rules.ExecutionRequest;
import com.lockupguard.rules.ExecutionRuling;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DecisionObserver} that writes down what it is told, in order, for tests to read. */
final class RecordingObserver implements DecisionObserver {

    /** For each decision, whether it was a repeat of the order id's first one. */
    final List<Boolean> repeats = new CopyOnWriteArrayList<>();
    /** Each report as "executionId RESULT[ ALERT] at reportTimestamp". */
    final List<String> reports = new CopyOnWriteArrayList<>();
    final List<DeadLetterReason> deadLetters = new CopyOnWriteArrayList<>();

    @Override
    public void decided(Decision decision, long orderTimestamp, boolean repeated) {
        repeats.add(repeated);
    }

    @Override
    public void reported(ExecutionRequest report, ExecutionRuling ruling, long reportTimestamp) {
        reports.add(report.executionId() + " " + ruling.result()
                + (ruling.alert() == null ? "" : " " + ruling.alert().type()) + " at " + reportTimestamp);
    }

    @Override
    public void deadLettered(DeadLetterReason reason) {
        deadLetters.add(reason);
    }
}
