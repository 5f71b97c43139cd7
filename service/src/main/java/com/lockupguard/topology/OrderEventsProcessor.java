package com.lockupguard.topology;

import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.state.LegacyStoreValues;
import com.lockupguard.state.StateCodec;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Takes the orders topic's records in the order they were appended — proposed orders and
 * execution reports of a holding alike — and hands each to what decides it: {@link OrderDecider}
 * or {@link ExecutionApplier}, which share the holding's stores. Publishes positions as window
 * boundaries pass, and forgets ids whose retention passed.
 */
final class OrderEventsProcessor implements Processor<String, SpecificRecord, String, Object> {

    private static final Duration EMPTIED_STATE_CHECK = Duration.ofSeconds(1);
    /** How often the dead letters held back from the log, of minutes that are over, are said. */
    static final Duration DEAD_LETTER_SUMMARY = Duration.ofSeconds(15);

    private final LockupRules rules;
    private final GuardTopics topics;
    private final LegacyStoreValues legacy;
    private final DecisionObserver observer;
    private final TopologyOptions options;
    private final DeadLetterLog deadLetterLines;
    private ProcessorContext<String, Object> context;
    private OrderDecider orders;
    private SendLimit limit;
    private ExecutionApplier executions;
    /** Whether this task's partition was counted as running ({@link RunningPartitions}) when it started. */
    private boolean counted;

    OrderEventsProcessor(LockupRules rules, GuardTopics topics, LegacyStoreValues legacy, DecisionObserver observer,
            TopologyOptions options, DeadLetterLog deadLetterLines) {
        this.rules = rules;
        this.topics = topics;
        this.legacy = legacy;
        this.observer = observer;
        this.options = options;
        this.deadLetterLines = deadLetterLines;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        HoldingStores stores = HoldingStores.all(context, new StateCodec(legacy),
                options.storage().mayHoldOlderValues());
        PositionPublisher positions = PositionPublisher.of(rules, context, stores, options.publishPositions());
        this.limit = SendLimit.of(context.appConfigs());
        this.orders = new OrderDecider(rules, context, stores, positions, new DecisionWire(topics), observer, limit,
                options.inputPartitions(), options.orderStamps());
        this.executions = new ExecutionApplier(rules, context, stores, positions, observer,
                options.inputPartitions(), limit, topics.executionResults(), topics.complianceAlerts(),
                options.orderStamps());
        // releases happen with or without orders: publish positions as window boundaries pass
        positions.schedule(context, options.punctuationInterval());
        Runnable throwIfEmptied = options.storage().logs()
                ? () -> options.emptiedState().throwIfEmptied(context.taskId()) : () -> { };
        if (options.idRetention() != null) {
            // nor before a task restored into an empty store is rebuilt: an execution id whose order was not restored
            // would be taken for one whose order was forgotten, and forgotten too
            new IdSweeper(stores, context.getStateStore(StoreNames.ID_SWEEP), options.idRetention())
                    .schedule(context, throwIfEmptied);
        }
        if (options.storage().logs()) {
            // a task restored into an empty store from the middle of its changelog is rebuilt before it decides
            // anything, even while no record comes
            context.schedule(EMPTIED_STATE_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> throwIfEmptied.run());
            // how many dead letters a run that stopped held back from the log, the processors' and the records' that
            // could not be read (every task's: each of its tasks says those of the instance, whichever comes first)
            DeadLetterLog unreadable = StreamsDefaults.deadLetterLog(context.appConfigs());
            context.schedule(DEAD_LETTER_SUMMARY, PunctuationType.WALL_CLOCK_TIME, now -> {
                deadLetterLines.sayHeldBack();
                unreadable.sayHeldBack();
            });
        }
        // restored (Kafka Streams starts a task's processors once its stores are): queries may read them, unless
        // they are to be rebuilt before the task decides anything
        if (!options.emptiedState().awaitsRebuild(context.taskId().partition())) {
            options.running().started(context.taskId().partition());
            counted = true;
        }
    }

    @Override
    public void close() {
        if (counted) {
            options.running().stopped(context.taskId().partition());
            counted = false;
        }
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        options.emptiedState().throwIfEmptied(context.taskId());
        DeadLetters.dropErrorHeaders(record.headers()); // before any answer or position takes them
        Refusal refusal = new Refusal(record, observer, deadLetterLines, context);
        SpecificRecord value = record.value();
        if (!limit.leavesRoomForAnswer(record.key(), record.headers())) {
            // an answer carries its record's headers: one the producer refuses would fail the task on this record
            refusal.send(DeadLetterReason.KEY_OR_HEADERS_TOO_LARGE, "its key and headers take "
                    + SendLimit.size(SendLimit.bytes(record.key()), null, record.headers()) + " bytes, which leaves "
                    + "no room for an answer within " + limit.describe() + ": not decided or "
                    + "applied, nothing changes");
        } else if (value instanceof ProposedOrder order) {
            orders.decide(record.withValue(order), refusal);
        } else if (value instanceof ExecutionReport report) {
            executions.apply(record.withValue(report), refusal);
        } else if (value == null) {
            refusal.send(DeadLetterReason.TOMBSTONE, "a record without a value cannot be decided");
        } else {
            // only a serde plugged in (default.value.serde) reads other types from the orders topic
            refusal.send(DeadLetterReason.UNDECODABLE, "a " + value.getSchema().getFullName() + " is neither an "
                    + "order nor an execution report, the only records the orders topic carries");
        }
        refusal.throwIfSent();
    }

    /** Sends {@code record}, as it was read, to the dead-letter topic with a reason. */
    interface DeadLetter {
        void send(DeadLetterReason reason, String message);
    }

    /**
     * The record's dead letter, if it is refused: thrown once everything else the record calls for (a result,
     * an alert) is written, for {@link ProcessingFailureHandler} to send the record as it was received.
     */
    private static final class Refusal implements DeadLetter {
        private final Record<String, SpecificRecord> record;
        private final DecisionObserver observer;
        private final DeadLetterLog lines;
        private final ProcessingContext context;
        private RejectedRecordException refused;

        Refusal(Record<String, SpecificRecord> record, DecisionObserver observer, DeadLetterLog lines,
                ProcessingContext context) {
            this.record = record;
            this.observer = observer;
            this.lines = lines;
            this.context = context;
        }

        @Override
        public void send(DeadLetterReason reason, String message) {
            if (refused == null) {
                refused = DeadLetters.refuse(record, reason, message, observer, lines, context);
            }
        }

        void throwIfSent() {
            if (refused != null) {
                throw refused;
            }
        }
    }
}
