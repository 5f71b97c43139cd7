package com.lockupguard.tools.timeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineParser;
import com.lockupguard.tools.replay.ReplayDriver;
import java.util.Optional;

/**
 * What the guard answers a timeline that is still being written, line by line: the guard's topology in a
 * {@link ReplayDriver}, fed every line in the order it is appended. A trading desk reads the decisions to know
 * which orders it may send to the market; {@link ExecutionDesk} asks this instead, so that its reports are
 * reproducible and do not wait on a guard that is being killed.
 */
final class ReplayOracle implements AutoCloseable {

    private final TimelineParser parser = new TimelineParser(new ObjectMapper());
    private final ReplayDriver driver = new ReplayDriver();
    private int lineNumber;

    /** Takes the next line of the timeline; for an order line, returns its decision. */
    Optional<Decision> accept(String line) {
        Optional<TimelineEntry> parsed = parser.parse(++lineNumber, line);
        Optional<Decision> decision = Optional.empty();
        if (parsed.isEmpty()) {
            return decision;
        }
        TimelineEntry entry = parsed.get();
        if (entry instanceof TimelineEntry.AgreementLine agreementLine && agreementLine.at() != null) {
            Agreement agreement = agreementLine.agreement();
            driver.applyAgreement(HoldingKey.keyOf(agreement.getInvestorId(), agreement.getSecurityId()), agreement,
                    agreementLine.at());
        } else if (entry instanceof TimelineEntry.OrderLine order && order.at() != null) {
            ProposedOrder value = order.order();
            decision = Optional.of(driver.decide(HoldingKey.keyOf(value.getInvestorId(), value.getSecurityId()),
                    value, order.at()));
        } else if (entry instanceof TimelineEntry.ExecutionLine execution && execution.at() != null) {
            ExecutionReport report = execution.report();
            driver.report(HoldingKey.keyOf(report.getInvestorId(), report.getSecurityId()), report, execution.at());
        }
        driver.drainPositions();
        return decision;
    }

    @Override
    public void close() {
        driver.close();
    }
}
