package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decisions the feed keeps in memory for /api/decisions and the dashboard. */
class RecentDecisionsTest {

    static Decision decision(String orderId, String investorId, String evaluatedAt) {
        Instant at = evaluatedAt == null ? Instant.parse("2003-07-01T00:00:00Z") : Instant.parse(evaluatedAt);
        return Decision.newBuilder().setOrderId(orderId).setInvestorId(investorId).setSecurityId("CBYI")
                .setKind(OrderKind.PUBLIC_SALE).setQuantity(10L).setOrderAt(at).setOutcome(Outcome.APPROVED)
                .setReasons(List.of()).setEvaluatedAt(evaluatedAt == null ? null : at).build();
    }

    @Test
    void shouldKeepTheNewestByDecisionTimeAndForgetTheOldestFirst() {
        // given: room for three, four decisions read out of time order (two partitions side by side)
        RecentDecisions decisions = new RecentDecisions(3);
        decisions.add(decision("p0-a", "dutchess", "2003-07-11T14:00:00Z"));
        decisions.add(decision("p1-a", "ccm", "2003-07-01T14:00:00Z"));
        decisions.add(decision("p0-b", "dutchess", "2003-07-12T14:00:00Z"));
        decisions.add(decision("p1-b", "ccm", "2003-07-12T14:00:00Z"));

        // when / then: the oldest went, and equal times come newest read first
        assertThat(decisions.newestFirst(null, null, 10)).extracting(Decision::getOrderId)
                .containsExactly("p1-b", "p0-b", "p0-a");
        assertThat(decisions.newestFirst("ccm", null, 10)).extracting(Decision::getOrderId).containsExactly("p1-b");
        assertThat(decisions.newestFirst(null, null, 1)).extracting(Decision::getOrderId).containsExactly("p1-b");
        assertThat(decisions.newestFirst("nobody", null, 10)).isEmpty();
    }

    @Test
    void shouldListDecisionsOfOneTimeAlikeWhateverOrderAnInstanceReadTheirPartitionsIn() {
        // given three decisions the broker stamped in one millisecond, on two partitions of two topics, read by
        // one instance in one order and by another in another
        Decision approved = decision("a", "dutchess", "2003-07-11T14:00:00Z");
        Decision blocked = decision("b", "ccm", "2003-07-11T14:00:00Z");
        Decision later = decision("c", "dutchess", "2003-07-11T14:00:00Z");
        RecentDecisions first = new RecentDecisions(10);
        first.add(approved, new RecordPlace("orders-approved", 1, 40));
        first.add(blocked, new RecordPlace("orders-blocked", 0, 7));
        first.add(later, new RecordPlace("orders-approved", 1, 41));
        RecentDecisions second = new RecentDecisions(10);
        second.add(blocked, new RecordPlace("orders-blocked", 0, 7));
        second.add(approved, new RecordPlace("orders-approved", 1, 40));
        second.add(later, new RecordPlace("orders-approved", 1, 41));

        // when / then both list them alike (seen: 396 of 1,000 places differing between two instances), a
        // partition's in its order
        assertThat(first.newestFirst(null, null, 10)).extracting(Decision::getOrderId)
                .containsExactly("b", "c", "a");
        assertThat(second.newestFirst(null, null, 10)).extracting(Decision::getOrderId)
                .containsExactly("b", "c", "a");
    }

    @Test
    void shouldListTheDecisionsOfOneSecurityOfOneInvestorOrOfAll() {
        // given decisions of two securities of one investor
        RecentDecisions decisions = new RecentDecisions(10);
        decisions.add(decision("c1", "dutchess", "2003-07-11T14:00:00Z"));
        decisions.add(Decision.newBuilder(decision("t1", "dutchess", "2003-07-12T14:00:00Z")).setSecurityId("TKY")
                .build());
        decisions.add(Decision.newBuilder(decision("t2", "ccm", "2003-07-13T14:00:00Z")).setSecurityId("TKY")
                .build());

        // when / then each filter applies, alone or together
        assertThat(decisions.newestFirst("dutchess", "TKY", 10)).extracting(Decision::getOrderId)
                .containsExactly("t1");
        assertThat(decisions.newestFirst(null, "TKY", 10)).extracting(Decision::getOrderId)
                .containsExactly("t2", "t1");
        assertThat(decisions.newestFirst("dutchess", null, 10)).extracting(Decision::getOrderId)
                .containsExactly("t1", "c1");
    }

    @Test
    void shouldListABackDatedOrdersDecisionByWhenTheHoldingDecidedIt() {
        // given: an order stamped a week back, decided after a newer one (the holding's clock does not go back)
        RecentDecisions decisions = new RecentDecisions(2);
        decisions.add(decision("first", "dutchess", "2003-07-12T14:00:00Z"));
        decisions.add(Decision.newBuilder(decision("back-dated", "dutchess", "2003-07-12T15:00:00Z"))
                .setOrderAt(Instant.parse("2003-07-05T09:00:00Z")).build());
        decisions.add(decision("latest", "dutchess", "2003-07-12T16:00:00Z"));

        // when / then: listed, and kept, by its decision time, not forgotten as if it were a week old
        assertThat(decisions.newestFirst(null, null, 10)).extracting(Decision::getOrderId)
                .containsExactly("latest", "back-dated");
    }

    @Test
    void shouldPlaceADecisionWithoutEvaluationTimeAtItsOrderTime() {
        // given: an UNKNOWN_AGREEMENT-like decision, made without holding state, between two others
        RecentDecisions decisions = new RecentDecisions(10);
        decisions.add(decision("late", "dutchess", "2003-07-12T14:00:00Z"));
        decisions.add(decision("stateless", "dutchess", null)); // ordered 2003-07-01
        decisions.add(decision("early", "dutchess", "2003-06-30T14:00:00Z"));

        // when / then
        assertThat(decisions.newestFirst(null, null, 10)).extracting(Decision::getOrderId)
                .containsExactly("late", "stateless", "early");
    }
}
