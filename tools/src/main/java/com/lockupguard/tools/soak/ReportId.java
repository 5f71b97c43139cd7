package com.lockupguard.tools.soak;

import com.lockupguard.rules.HoldingKey;

/**
 * An execution id on a holding, as a report carried them (null when left out): what the guard deduplicates
 * reports by. Several reports may share one (retries, conflicts); each gets its own result, in append order.
 */
record ReportId(String holding, String executionId) {

    static ReportId of(String investorId, String securityId, String executionId) {
        return new ReportId(HoldingKey.keyOf(investorId, securityId), executionId);
    }

    @Override
    public String toString() {
        return holding + " " + executionId;
    }
}
