package com.lockupguard.topology;

import java.util.List;
import java.util.Objects;

/** The guard's topic names. */
public record TopicNames(String agreements, String orders, String approved, String blocked, String deadLetters,
        String positions, String agreementAudit, String executionResults, String complianceAlerts) {

    public TopicNames {
        Objects.requireNonNull(agreements, "agreements");
        Objects.requireNonNull(orders, "orders");
        Objects.requireNonNull(approved, "approved");
        Objects.requireNonNull(blocked, "blocked");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(positions, "positions");
        Objects.requireNonNull(agreementAudit, "agreementAudit");
        Objects.requireNonNull(executionResults, "executionResults");
        Objects.requireNonNull(complianceAlerts, "complianceAlerts");
    }

    public static TopicNames defaults() {
        return new TopicNames("agreements", "orders", "orders-approved", "orders-blocked", "orders-dlq",
                "holding-positions", "agreement-audit", "execution-results", "compliance-alerts");
    }

    /**
     * The two inputs: keyed by holding and co-partitioned. {@code orders} carries the proposed orders
     * and the execution reports, so that a holding's are taken in the order they were appended.
     */
    public List<String> inputs() {
        return List.of(agreements, orders);
    }

    /**
     * The outputs that record what the guard decided: the compliance record, never compacted and
     * kept at least {@code topics.decisions.retention.ms}.
     */
    public List<String> auditTrail() {
        return List.of(approved, blocked, deadLetters, agreementAudit, executionResults, complianceAlerts);
    }

    /** The topics the guard writes: every one but the inputs. */
    public List<String> outputs() {
        return all().stream().filter(topic -> !inputs().contains(topic)).toList();
    }

    public List<String> all() {
        return List.of(agreements, orders, approved, blocked, deadLetters, positions, agreementAudit,
                executionResults, complianceAlerts);
    }
}
