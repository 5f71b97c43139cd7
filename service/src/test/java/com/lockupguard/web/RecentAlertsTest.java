package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The alerts the feed keeps in memory for /api/alerts and the dashboard. */
class RecentAlertsTest {

    @Test
    void shouldKeepTheNewestByEvaluationTimeAndForgetTheOldestFirst() {
        // given: room for three, four alerts read out of time order (two partitions side by side)
        RecentAlerts alerts = new RecentAlerts(3);
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
}
