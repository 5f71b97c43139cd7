package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.TrancheMode;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Input records written as timeline lines, read back by the replay's own parser as the same records. */
class TimelineLinesTest {

    private static final Instant AT = Instant.parse("2003-07-11T13:45:00.123Z");

    private final TimelineParser parser = new TimelineParser(new ObjectMapper(), (line, warning) -> {
        throw new AssertionError("line " + line + ": " + warning);
    });

    @Test
    void shouldWriteAnAgreementWithEveryTermSoThatItReadsBackTheSameWhateverTheDefaults() {
        // given an agreement whose every term differs from the letter's, and one with the letter's, never registered
        Agreement own = Agreement.newBuilder().setInvestorId("inv-1").setSecurityId("SEC").setExecutionDate(
                LocalDate.parse("2024-02-29")).setTimeZone("Europe/London").setTotalShares(1_000_000)
                .setLockupDays(60).setFirstReleaseShares(300_000).setFirstReleaseDays(20).setTrancheShares(100_000)
                .setTrancheDays(10).setTrancheMode(TrancheMode.CUMULATIVE).setRule144HoldingMonths(6)
                .setEffectiveAt(Instant.parse("2024-04-01T15:30:00Z")).build();
        Agreement letter = Agreement.newBuilder().setInvestorId("dutchess").setSecurityId("CBYI")
                .setExecutionDate(LocalDate.parse("2003-04-28")).setEffectiveAt(null).build();

        // when / then
        for (Agreement agreement : new Agreement[] {own, letter}) {
            String line = TimelineLines.agreement(agreement, AT);
            TimelineEntry.AgreementLine read = (TimelineEntry.AgreementLine) parser.parse(1, line).orElseThrow();
            assertThat(read.agreement()).as(line).isEqualTo(agreement);
            assertThat(read.at()).isEqualTo(AT);
        }
        assertThat(TimelineLines.agreement(own, AT)).startsWith("{\"type\":\"agreement\",\"at\":"
                + "\"2003-07-11T13:45:00.123Z\",\"investorId\":\"inv-1\"");
    }

    @Test
    void shouldWriteOrdersWithTheirFieldsAndLeaveOutWhatTheRecordHoldsAsNull() {
        // given a sale, an order of a kind a newer schema added (read as UNKNOWN), and one without ids or quantity
        ProposedOrder sale = ProposedOrder.newBuilder().setOrderId("e2").setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(120_000L).build();
        ProposedOrder unknownKind = ProposedOrder.newBuilder(sale).setOrderId("e3").setKind(OrderKind.UNKNOWN).build();
        ProposedOrder bare = ProposedOrder.newBuilder().setKind(OrderKind.PURCHASE).build();

        // when / then
        for (ProposedOrder order : new ProposedOrder[] {sale, unknownKind, bare}) {
            String line = TimelineLines.order(order, AT);
            TimelineEntry.OrderLine read = (TimelineEntry.OrderLine) parser.parse(1, line).orElseThrow();
            assertThat(read.order()).as(line).isEqualTo(order);
            assertThat(read.at()).isEqualTo(AT);
        }
        assertThat(TimelineLines.order(bare, AT)).isEqualTo("{\"type\":\"order\",\"at\":\"2003-07-11T13:45:00.123Z\","
                + "\"kind\":\"PURCHASE\"}");
    }

    @Test
    void shouldWriteFillsAndCancelsAsExecutionLines() {
        // given a fill, and a cancel, which has no quantity
        ExecutionReport fill = ExecutionReport.newBuilder().setExecutionId("x1").setOrderId("e2")
                .setInvestorId("dutchess").setSecurityId("CBYI").setKind(ExecutionKind.FILL).setQuantity(20_000L)
                .build();
        ExecutionReport cancel = ExecutionReport.newBuilder(fill).setExecutionId("x2").setKind(ExecutionKind.CANCEL)
                .setQuantity(null).build();

        // when / then
        for (ExecutionReport report : new ExecutionReport[] {fill, cancel}) {
            String line = TimelineLines.execution(report, AT);
            TimelineEntry.ExecutionLine read = (TimelineEntry.ExecutionLine) parser.parse(1, line).orElseThrow();
            assertThat(read.report()).as(line).isEqualTo(report);
            assertThat(read.at()).isEqualTo(AT);
        }
    }
}
