package com.lockupguard.tools.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SyntheticTimelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");

    private static List<JsonNode> parsed(List<String> lines) {
        return lines.stream().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void shouldGiveEveryOrderItsOwnId() {
        // given a soak's timeline of 5,000 orders over 50 holdings (the soak checks one decision per order id)
        List<JsonNode> orders = parsed(new SyntheticTimeline(42, 50).lines(START, 5_000, Duration.ofMillis(10)))
                .stream().filter(line -> line.get("type").asText().equals("order")).toList();
        // then no two share an id
        assertThat(orders).hasSize(5_000);
        assertThat(orders.stream().map(order -> order.get("orderId").asText()).distinct()).hasSize(5_000);
    }

    @Test
    void shouldSpreadExecutionDatesOverThe500DaysBeforeTheStart() {
        // given 200 holdings' agreements
        List<LocalDate> executions = parsed(new SyntheticTimeline(42, 200).agreements(START)).stream()
                .map(agreement -> LocalDate.parse(agreement.get("executionDate").asText())).toList();
        // then their execution dates lie within 500 days before the start, some in each window: under 90 days
        // (lock-up), between 90 and 120 (first window), and later (periods)
        LocalDate today = LocalDate.parse("2026-12-02");
        assertThat(executions).allSatisfy(date -> assertThat(date).isBetween(today.minusDays(499), today));
        assertThat(executions.stream().collect(Collectors.toSet())).hasSizeGreaterThan(100);
        assertThat(executions).anyMatch(date -> date.isAfter(today.minusDays(90)))
                .anyMatch(date -> date.isBefore(today.minusDays(90)) && date.isAfter(today.minusDays(120)))
                .anyMatch(date -> date.isBefore(today.minusDays(150)));
    }
}
