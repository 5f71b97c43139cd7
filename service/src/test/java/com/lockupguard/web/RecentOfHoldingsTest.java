package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.ReportResult;
import org.junit.jupiter.api.Test;

/** The alerts and report results the feed keeps in memory for /api/alerts, /api/reports and the dashboard. */
class RecentOfHoldingsTest {

    @Test
    void shouldKeepTheNewestByEvaluationTimeAndForgetTheOldestFirst() {
        // given: room for three, four alerts read out of time order (two partitions side by side)
        RecentOfHoldings<ComplianceAlert> alerts = RecentOfHoldings.alerts(3);
        alerts.add(GuardWebServerTest.alert("p0-a", "dutchess", "CBYI", "2003-07-11T14:00:00Z", 10));
        alerts.add(GuardWebServerTest.alert("p1-a", "ccm", "CBYI", "2003-07-01T14:00:00Z", 10));
        alerts.add(GuardWebServerTest.alert("p0-b", "dutchess", "CBYI", "2003-07-12T14:00:00Z", 10));
        alerts.add(GuardWebServerTest.alert("p1-b", "ccm", "CBYI", "2003-07-12T14:00:00Z", 10));

        // when / then: the oldest went, and equal times come newest read first
        assertThat(alerts.newestFirst(null, null, 10)).extracting(a -> a.getExecutionId())
                .containsExactly("p1-b", "p0-b", "p0-a");
        assertThat(alerts.newestFirst("ccm", null, 10)).extracting(a -> a.getExecutionId()).containsExactly("p1-b");
        assertThat(alerts.newestFirst(null, "CBYI", 1)).extracting(a -> a.getExecutionId()).containsExactly("p1-b");
        assertThat(alerts.newestFirst("dutchess", "CBYX", 10)).isEmpty();
    }

    @Test
    void shouldKeepTheNewestReportResultsByWhenTheyHappenedOfTheHoldingAskedFor() {
        // given: room for two, three results read out of time order
        RecentOfHoldings<ReportResult> reports = RecentOfHoldings.reports(2);
        reports.add(GuardWebServerTest.report("x2", "dutchess", "CBYI", "2003-07-12T14:00:00Z"));
        reports.add(GuardWebServerTest.report("x1", "dutchess", "CBYI", "2003-07-11T14:00:00Z"));
        reports.add(GuardWebServerTest.report("x3", "ccm", "CBYI", "2003-07-13T14:00:00Z"));

        // when / then: the oldest went; a holding's own are listed apart
        assertThat(reports.newestFirst(null, null, 10)).extracting(ReportResult::getExecutionId)
                .containsExactly("x3", "x2");
        assertThat(reports.newestFirst("dutchess", "CBYI", 10)).extracting(ReportResult::getExecutionId)
                .containsExactly("x2");
    }
}
