package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.rules.Decision;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.Outcome;
import com.lockupguard.rules.Position;
import com.lockupguard.rules.Reason;
import com.lockupguard.rules.Window;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decisions and positions to the Avro records the guard writes, and back from those it wrote itself. */
class DecisionMapperTest {

    private static final Instant ORDER_AT = Instant.parse("2003-09-30T14:00:00Z");

    private static Position position(Window window, long agreementVersion) {
        return new Position(new HoldingKey("dutchess", "CBYI"), ORDER_AT, window, true, 675_675, 300_000, 10_000,
                58_559, 358_559, 58_559, Instant.parse("2003-10-07T04:00:00Z"), 158_559L,
                Instant.parse("2003-07-10T20:30:00Z"), Instant.parse("2003-08-09T04:00:00Z"),
                LocalDate.parse("2004-04-28"), agreementVersion, "ab12");
    }

    @Test
    void shouldKeepADecisionWithItsPositionThroughTheAvroRecord() {
        // given a period cap with the holding's position, in period 0 (the first after SRD)
        Decision decision = new Decision(new OrderRequest("e6", "dutchess", "CBYI", OrderKind.PUBLIC_SALE, 60_000L),
                ORDER_AT, Outcome.BLOCKED, List.of(Reason.PERIOD_CAP), 58_559L, ORDER_AT,
                position(Window.period(0), 3));
        // when
        com.lockupguard.avro.Decision avro = DecisionMapper.toAvro(decision);
        // then every field is carried, the position's version and hash on the decision too, and read back the same
        assertThat(avro.getKind()).isEqualTo(com.lockupguard.avro.OrderKind.PUBLIC_SALE);
        assertThat(avro.getPosition().getPhase()).isEqualTo(com.lockupguard.avro.Phase.PERIOD);
        assertThat(avro.getPosition().getPeriod()).isEqualTo(0L);
        assertThat(avro.getAgreementVersion()).isEqualTo(3L);
        assertThat(avro.getTermsHash()).isEqualTo("ab12");
        assertThat(avro.getRepeated()).isFalse();
        assertThat(DecisionMapper.toRules(avro)).isEqualTo(decision);
    }

    @Test
    void shouldKeepADecisionWithoutAPositionAndAPositionOfEachWindowThroughTheAvroRecord() {
        // given an INVALID_ORDER without a kind or a position, and positions in the lock-up and the first window
        Decision invalid = new Decision(new OrderRequest("e7", "dutchess", "CBYI", null, null), ORDER_AT,
                Outcome.BLOCKED, List.of(Reason.INVALID_ORDER), 0L, null, null);
        // when
        com.lockupguard.avro.Decision avro = DecisionMapper.toAvro(invalid, com.lockupguard.avro.OrderKind.UNKNOWN);
        // then the kind received is kept where the rules know none, and nothing of a holding is made up
        assertThat(avro.getKind()).isEqualTo(com.lockupguard.avro.OrderKind.UNKNOWN);
        assertThat(avro.getPosition()).isNull();
        assertThat(avro.getAgreementVersion()).isNull();
        assertThat(avro.getTermsHash()).isNull();
        assertThat(DecisionMapper.toRules(DecisionMapper.toAvro(invalid))).isEqualTo(invalid);
        for (Window window : List.of(Window.LOCKUP, Window.FIRST)) {
            com.lockupguard.avro.Position avroPosition = PositionMapper.toAvro(position(window, 1));
            assertThat(avroPosition.getPeriod()).isNull();
            assertThat(PositionMapper.toRules(avroPosition)).isEqualTo(position(window, 1));
        }
    }

    @Test
    void shouldReadAPositionStoredWithoutAnAgreementVersionAsVersionZero() {
        // given a position written before versions were kept
        com.lockupguard.avro.Position old = com.lockupguard.avro.Position.newBuilder(
                PositionMapper.toAvro(position(Window.FIRST, 1))).setAgreementVersion(null).build();
        // when / then
        assertThat(PositionMapper.toRules(old)).isEqualTo(position(Window.FIRST, 0));
    }

    @Test
    void shouldKeepAnOrderThroughTheAvroRecordAndTakeAnUnknownKindAsNone() {
        // given an order, and a proposed order of a kind this guard does not know
        OrderRequest order = new OrderRequest("e8", "dutchess", "CBYI", OrderKind.PRIVATE_TRANSFER, 5L);
        com.lockupguard.avro.ProposedOrder unknown = com.lockupguard.avro.ProposedOrder.newBuilder()
                .setOrderId("e9").setInvestorId("dutchess").setSecurityId("CBYI")
                .setKind(com.lockupguard.avro.OrderKind.UNKNOWN).setQuantity(5L).build();
        // when / then
        assertThat(OrderMapper.toRequest(OrderMapper.toAvro(order))).isEqualTo(order);
        assertThat(OrderMapper.toRequest(unknown).kind()).isNull();
        assertThat(OrderMapper.toAvro(new OrderRequest("e9", "dutchess", "CBYI", null, 5L)).getKind()).isNull();
    }
}
