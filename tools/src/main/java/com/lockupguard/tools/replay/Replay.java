package com.lockupguard.tools.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.Reason;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.contract.ContractJson;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.timeline.CrossTopicOrder;
import com.lockupguard.timeline.LineTimes;
import com.lockupguard.timeline.OneLine;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Replays a recorded timeline through the guard's topology: one decision per order line and one
 * result per execution line, as JSONL, in input order. Agreement lines that are not applied, and
 * lines that cannot be read, are reported on {@code errors} with their line number.
 */
public final class Replay {

    /**
     * What a replay did. A line that could not be read, or an order or report the topology dead-lettered instead of
     * answering ({@code unanswered}), makes the replay fail. {@code outputLost} names the output that stopped taking
     * what was written ({@code "standard output"} or {@code "the positions file"}: closed, or its disk full), after
     * which the replay stopped; null if none. {@code lastLineTaken} is the number of the last line taken (0 before
     * the first): the line a stop came after.
     */
    public record Result(int orders, int executions, int agreementsApplied, int agreementsRejected,
            int unreadableLines, int unanswered, String outputLost, int lastLineTaken) {
        public boolean succeeded() {
            return unreadableLines == 0 && unanswered == 0;
        }
    }

    /** What the topology answered each order and execution line, as records: for a caller that compares them. */
    public interface Answers {
        void decided(TimelineEntry.OrderLine line, Decision decision);

        void reported(TimelineEntry.ExecutionLine line, ReportResult result);
    }

    private static final Answers IGNORED = new Answers() {
        @Override
        public void decided(TimelineEntry.OrderLine line, Decision decision) {
        }

        @Override
        public void reported(TimelineEntry.ExecutionLine line, ReportResult result) {
        }
    };

    private final ObjectMapper json = new ObjectMapper();
    private final DecisionJson output = new DecisionJson(json);
    private final ResultJson results = new ResultJson(json);
    private final ContractJson contracts = new ContractJson(json);
    private final TrancheMode modeOverride;
    private final PrintWriter positions;
    private final Answers answers;
    private boolean explainInvalid;

    /** @param modeOverride a tranche mode to impose on every agreement (a what-if), or null */
    public Replay(TrancheMode modeOverride) {
        this(modeOverride, null);
    }

    /** @param positions where to write every position published on the way (JSONL), or null */
    public Replay(TrancheMode modeOverride, PrintWriter positions) {
        this(modeOverride, positions, IGNORED);
    }

    /** @param answers told each decision and report result as it is printed (a line without time gets none) */
    public Replay(TrancheMode modeOverride, PrintWriter positions, Answers answers) {
        this.modeOverride = modeOverride;
        this.positions = positions;
        this.answers = answers;
    }

    /**
     * Also says on stderr, by line and field, what made each INVALID_ORDER or INVALID answer (for {@code -v}): the
     * answer carries only the code, and without this stderr holds only lines that were not answered.
     */
    public Replay explainingInvalidLines() {
        explainInvalid = true;
        return this;
    }

    /**
     * How a run writes and ends: {@code flushEachLine} flushes every output line as it is written (a live stream
     * read from stdin); {@code stopRequested}, asked between two lines, ends the run early with complete lines.
     */
    public record Pacing(boolean flushEachLine, BooleanSupplier stopRequested) {
        /** A file: output flushed at the end, every line read. */
        public static final Pacing BATCH = new Pacing(false, () -> false);
    }

    public Result run(BufferedReader timeline, PrintWriter decisions, PrintWriter errors) throws IOException {
        return run(timeline, decisions, errors, Pacing.BATCH);
    }

    public Result run(BufferedReader timeline, PrintWriter decisions, PrintWriter errors, Pacing pacing)
            throws IOException {
        Run run;
        try (ReplayDriver driver = new ReplayDriver(positions != null);
                JsonGenerator lines = json.getFactory().createGenerator(decisions)
                        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                        // writing a tree (an echoed field) flushes the generator; that must not reach the output,
                        // which would write every such piece of every line on its own
                        .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)) {
            lines.setRootValueSeparator(null);
            Run current = new Run(driver, lines, errors);
            run = current;
            // a warning (an unknown field) goes to stderr, never changing a decision
            TimelineReader reader = new TimelineReader(json,
                    (lineNumber, warning) -> errors.printf(Locale.ROOT, "line %d: warning: %s%n", lineNumber, warning));
            // a reader gone (| head) or a disk full ends the run: no one would read the rest
            BooleanSupplier stop = () -> pacing.stopRequested().getAsBoolean() || current.outputLost != null;
            if (pacing.flushEachLine()) {
                reader.forEach(timeline, entry -> {
                    if (pacing.stopRequested().getAsBoolean()) {
                        return; // the stop may have ended the stream in the middle of this line: not answered
                    }
                    current.accept(entry);
                    current.flush(decisions);
                    current.checkOutput(decisions);
                }, stop);
            } else {
                reader.forEach(timeline, entry -> {
                    current.accept(entry);
                    if (++current.sinceOutputChecked == CHECK_OUTPUT_EVERY_LINES) {
                        // a PrintWriter keeps its write errors to itself until asked, and asking flushes it: about
                        // as often as its megabyte of buffer is written out anyway
                        current.sinceOutputChecked = 0;
                        lines.flush();
                        current.checkOutput(decisions);
                    }
                }, stop);
            }
        }
        decisions.flush();
        errors.flush();
        if (positions != null) {
            positions.flush();
        }
        run.checkOutput(decisions);
        return new Result(run.orders, run.executions, run.applied, run.rejected, run.unreadable, run.unanswered,
                run.outputLost, run.lastLineTaken);
    }

    /** How many lines are answered between two checks that the output still takes what is written. */
    static final int CHECK_OUTPUT_EVERY_LINES = 2_048;

    /** One replay: the driver, where its output goes, and what it has done so far. */
    private final class Run {
        private final ReplayDriver driver;
        /** One JSON line per order or report, written in turn with {@link #line}. */
        private final JsonGenerator decisions;
        private final PrintWriter errors;
        private int orders;
        private int executions;
        private int applied;
        private int rejected;
        private int unreadable;
        private int unanswered;
        /** The time of each line, an agreement's without {@code at} among them, as produce stamps it. */
        private final LineTimes times = new LineTimes();
        /** The lines a running guard may take in another order than the replay. */
        private final CrossTopicOrder crossTopicOrder = new CrossTopicOrder();
        private int sinceOutputChecked;
        /** The output that stopped taking what was written, null while none has. */
        private String outputLost;
        /** The number of the last line taken, 0 before the first. */
        private int lastLineTaken;

        Run(ReplayDriver driver, JsonGenerator decisions, PrintWriter errors) {
            this.driver = driver;
            this.decisions = decisions;
            this.errors = errors;
        }

        void accept(TimelineEntry entry) throws IOException {
            lastLineTaken = entry.lineNumber();
            Instant at = times.of(entry); // null for a line with no time to give, which changes nothing
            String otherOrder = crossTopicOrder.warning(entry, at);
            if (otherOrder != null) {
                errors.printf(Locale.ROOT, "line %d: warning: %s%n", entry.lineNumber(), OneLine.of(otherOrder));
            }
            if (entry instanceof TimelineEntry.OrderLine order) {
                orders++;
                if (order.at() == null) {
                    line(output.invalidOrder(order.echo()));
                    whyInvalid(order.lineNumber(), "INVALID_ORDER", order.problems());
                } else {
                    ProposedOrder value = order.order();
                    String key = HoldingKey.keyOf(value.getInvestorId(), value.getSecurityId());
                    Decision decision;
                    try {
                        decision = driver.decide(key, value, order.at());
                    } catch (DeadLetteredException e) {
                        unanswered(entry, e);
                        return;
                    }
                    output.write(decisions, order.echo(), decision);
                    decisions.writeRaw('\n');
                    if (decision.getReasons().contains(Reason.INVALID_ORDER)) {
                        whyInvalid(order.lineNumber(), "INVALID_ORDER", order.problems());
                    }
                    answers.decided(order, decision);
                    writePositions(driver);
                }
            } else if (entry instanceof TimelineEntry.ExecutionLine execution) {
                executions++;
                if (execution.at() == null) {
                    line(results.invalid(execution.echo()));
                    whyInvalid(execution.lineNumber(), "INVALID", execution.problems());
                } else {
                    ExecutionReport report = execution.report();
                    String key = HoldingKey.keyOf(report.getInvestorId(), report.getSecurityId());
                    ReportResult result;
                    try {
                        result = driver.report(key, report, execution.at());
                    } catch (DeadLetteredException e) {
                        unanswered(entry, e);
                        return;
                    }
                    line(results.of(execution.echo(), result));
                    if (result.getOutcome() == ExecutionResult.INVALID) {
                        whyInvalid(execution.lineNumber(), "INVALID", execution.problems());
                    }
                    answers.reported(execution, result);
                    writePositions(driver);
                }
            } else if (entry instanceof TimelineEntry.AgreementLine unstamped && unstamped.atProblem() != null) {
                // an `at` written and unreadable is not one left out: not applied at the previous line's time, and
                // refused as produce refuses to send it
                rejected++;
                errors.printf(Locale.ROOT, "line %d: agreement not applied: %s%n", entry.lineNumber(),
                        OneLine.of(unstamped.atProblem()));
            } else if (entry instanceof TimelineEntry.AgreementLine agreementLine) {
                Agreement agreement = agreementLine.agreement();
                if (modeOverride != null) {
                    agreement = Agreement.newBuilder(agreement).setTrancheMode(modeOverride).build();
                }
                String key = HoldingKey.keyOf(agreement.getInvestorId(), agreement.getSecurityId());
                Optional<String> deadLetter = driver.applyAgreement(key, agreement, at);
                if (deadLetter.isPresent()) {
                    rejected++;
                    errors.printf(Locale.ROOT, "line %d: agreement not applied: %s%n", entry.lineNumber(),
                            OneLine.of(deadLetter.get()));
                } else {
                    applied++;
                }
                writePositions(driver);
            } else if (entry instanceof TimelineEntry.MalformedAgreementLine malformed) {
                rejected++;
                errors.printf(Locale.ROOT, "line %d: agreement not applied: %s%n", entry.lineNumber(),
                        OneLine.of(malformed.reason()));
            } else if (entry instanceof TimelineEntry.UnreadableLine unreadableLine) {
                unreadable++;
                errors.printf(Locale.ROOT,
                        "line %d: skipped: %s%n", entry.lineNumber(), OneLine.of(unreadableLine.reason()));
            }
        }

        /** What made a line's answer INVALID_ORDER or INVALID, field by field: the answer carries only the code. */
        private void whyInvalid(int lineNumber, String answer, List<String> problems) {
            if (explainInvalid && !problems.isEmpty()) {
                // the problems quote the line's values: one line on stderr whatever they hold, as every message
                errors.printf(Locale.ROOT,
                        "line %d: answered %s: %s%n", lineNumber, answer, OneLine.of(String.join("; ",
                        problems)));
            }
        }

        private void unanswered(TimelineEntry entry, DeadLetteredException e) throws IOException {
            unanswered++;
            errors.printf(Locale.ROOT, "line %d: %s%n", entry.lineNumber(), OneLine.of(e.getMessage()));
            writePositions(driver);
        }

        /** Notes an output that no longer takes what is written; asking flushes it. */
        void checkOutput(PrintWriter out) {
            if (outputLost == null && out.checkError()) {
                outputLost = "standard output";
            } else if (outputLost == null && positions != null && positions.checkError()) {
                outputLost = "the positions file";
            }
        }

        /** Writes out what the lines so far have produced. */
        void flush(PrintWriter out) throws IOException {
            decisions.flush(); // the generator's buffer, to out, which it does not flush itself
            out.flush();
            errors.flush();
            if (positions != null) {
                positions.flush();
            }
        }

        private void line(ObjectNode answer) throws IOException {
            decisions.writeTree(answer);
            decisions.writeRaw('\n');
        }
    }

    private void writePositions(ReplayDriver driver) throws IOException {
        for (com.lockupguard.avro.Position position : driver.drainPositions()) {
            if (positions != null) {
                positions.println(json.writeValueAsString(contracts.position(position)));
            }
        }
    }
}
