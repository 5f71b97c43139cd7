package com.lockupguard.web;

import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.ReportResult;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The latest records of one kind in memory, each of a holding, newest first by a time of theirs: the oldest are
 * forgotten first when there are more than {@code capacity}. Compliance alerts by the guard's evaluation time,
 * execution reports' results by when they happened.
 */
final class RecentOfHoldings<T> {

    private final NewestFirst<T> records;
    private final Function<T, String> investor;
    private final Function<T, String> security;

    private RecentOfHoldings(int capacity, Function<T, Instant> time, Function<T, String> investor,
            Function<T, String> security) {
        this.records = new NewestFirst<>(capacity, time);
        this.investor = investor;
        this.security = security;
    }

    static RecentOfHoldings<ComplianceAlert> alerts(int capacity) {
        return new RecentOfHoldings<>(capacity, ComplianceAlert::getEvaluatedAt, ComplianceAlert::getInvestorId,
                ComplianceAlert::getSecurityId);
    }

    static RecentOfHoldings<ReportResult> reports(int capacity) {
        return new RecentOfHoldings<>(capacity, ReportResult::getReportedAt, ReportResult::getInvestorId,
                ReportResult::getSecurityId);
    }

    void add(T record) {
        records.add(record);
    }

    /** {@code record}, read at {@code place}: listed there among the records of its time. */
    void add(T record, RecordPlace place) {
        records.add(record, place);
    }

    /** Up to {@code limit} records, newest first, of {@code investorId} and {@code securityId} where they are not null. */
    List<T> newestFirst(String investorId, String securityId, int limit) {
        return records.list(record -> (investorId == null || investorId.equals(investor.apply(record)))
                && (securityId == null || securityId.equals(security.apply(record))), limit);
    }
}
