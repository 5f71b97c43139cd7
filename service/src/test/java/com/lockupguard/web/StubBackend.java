package com.lockupguard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.rules.HoldingKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A backend with nothing behind it, for tests of the HTTP server itself (authentication, TLS): it answers at once. */
final class StubBackend {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StubBackend() {
    }

    /** Answers every holding query from this instance: no holdings, any one holding as itself, what-if approved. */
    static final class Holdings implements HoldingsQuery {
        @Override
        public ListAnswer all(boolean localOnly, String authorization) {
            return new ListAnswer(List.of(JsonArrayBytes.EMPTY), "127.0.0.1:1", null);
        }

        @Override
        public Answer one(HoldingKey holding, boolean localOnly, String authorization) {
            return new Answer(JSON.createObjectNode().put("investorId", holding.investorId()), "127.0.0.1:1");
        }

        @Override
        public Answer reservations(HoldingKey holding, boolean localOnly, String authorization) {
            return new Answer(JSON.createArrayNode(), "127.0.0.1:1");
        }

        @Override
        public Answer agreement(HoldingKey holding, boolean localOnly, String authorization) {
            return new Answer(JSON.createObjectNode().put("agreementVersion", 1), "127.0.0.1:1");
        }

        @Override
        public Answer order(HoldingKey holding, String orderId, boolean localOnly, String authorization) {
            return new Answer(JSON.createObjectNode().put("orderId", orderId), "127.0.0.1:1");
        }

        @Override
        public Answer whatIf(ProposedOrder order, String body, boolean localOnly, String authorization) {
            return new Answer(JSON.createObjectNode().put("decision", "APPROVED"), "127.0.0.1:1");
        }
    }

    /** No decisions, alerts or history, and a live feed that never sends. */
    static class NoHistory implements DecisionHistory {
        @Override
        public List<Decision> recent(String investorId, String securityId, int limit) {
            return List.of();
        }

        @Override
        public List<ComplianceAlert> alerts(String investorId, String securityId, int limit) {
            return List.of();
        }

        @Override
        public List<ComplianceAlert> breaches(String investorId, String securityId, int limit) {
            return List.of();
        }

        @Override
        public List<ReportResult> reports(String investorId, String securityId, int limit) {
            return List.of();
        }

        @Override
        public List<HistoryPoint> history(String holding) {
            return List.of();
        }

        @Override
        public AutoCloseable subscribe(Consumer<Event> subscriber) {
            return () -> { };
        }
    }

    /** No decisions, alerts or history; a live feed that sends what the test publishes, on the test's thread. */
    static class Feed extends NoHistory {
        final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
        /** Why the feed reads nothing now; null while it reads. */
        volatile ReadinessReason outage;
        /** Whether it has read what was committed before it started. */
        volatile boolean backlogRead = true;

        @Override
        public Optional<ReadinessReason> outageReason() {
            return Optional.ofNullable(outage);
        }

        @Override
        public boolean backlogRead() {
            return backlogRead;
        }

        @Override
        public AutoCloseable subscribe(Consumer<Event> subscriber) {
            subscribers.add(subscriber);
            return () -> subscribers.remove(subscriber);
        }

        void publish(Event event) {
            subscribers.forEach(subscriber -> subscriber.accept(event));
        }
    }

    /** Live, ready and RUNNING. */
    static class Up implements Health {
        @Override
        public boolean live() {
            return true;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public String state() {
            return "RUNNING";
        }
    }
}
