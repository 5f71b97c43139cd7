package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines a running guard may take in another order than the replay, which replay and produce warn of. */
class CrossTopicOrderTest {

    private static String agreement(String at, String security) {
        return "{\"type\":\"agreement\"," + (at == null ? "" : "\"at\":\"" + at + "\",") + "\"investorId\":\"d\","
                + "\"securityId\":\"" + security + "\",\"executionDate\":\"2003-04-28\"}";
    }

    private static String order(String at, String security) {
        return "{\"type\":\"order\",\"at\":\"" + at + "\",\"orderId\":\"o\",\"investorId\":\"d\",\"securityId\":\""
                + security + "\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1}";
    }

    /** Each line's warning, or null, in order. */
    private static List<String> warnings(String... lines) {
        CrossTopicOrder order = new CrossTopicOrder();
        LineTimes times = new LineTimes();
        List<String> warnings = new ArrayList<>();
        for (TimelineEntry entry : new TimelineReader(new ObjectMapper()).parse(List.of(lines))) {
            warnings.add(order.warning(entry, times.of(entry)));
        }
        return warnings;
    }

    @Test
    void shouldWarnOfAnAgreementStampedBeforeAnOrderOfItsHoldingAboveIt() {
        // given an order of July, then its holding's agreement stamped in April
        List<String> warnings = warnings(order("2003-07-11T09:45:00-04:00", "S"),
                agreement("2003-04-28T09:00:00-04:00", "S"));

        // then the agreement is warned of: a guard that has both waiting applies it first, and approves the order the
        // replay blocks UNKNOWN_AGREEMENT
        assertThat(warnings.get(0)).isNull();
        assertThat(warnings.get(1)).isEqualTo("agreement of d/S stamped 2003-04-28T13:00:00Z, before line 1's order "
                + "of that holding (2003-07-11T13:45:00Z): a running guard takes a holding's agreements and its orders "
                + "and reports in timestamp order, and may take this line before that one, where the replay takes it "
                + "after; stamp it later than line 1 for the two to agree");
    }

    @Test
    void shouldWarnOfAnOrderStampedBeforeAnAgreementOfItsHoldingAboveItAndOfATie() {
        // given an amendment of July 10 16:30, then an order of July 10 09:45, and an agreement without `at` after an
        // order, which takes that order's time
        List<String> warnings = warnings(agreement("2003-04-28T09:00:00-04:00", "S"),
                agreement("2003-07-10T16:30:00-04:00", "S"), order("2003-07-10T09:45:00-04:00", "S"),
                order("2003-07-11T09:45:00-04:00", "T"), agreement("2003-04-28T09:00:00-04:00", "T"),
                order("2003-07-12T09:45:00-04:00", "T"), agreement(null, "T"));

        // then the order is warned of (it may be decided under the amendment), and so is the agreement that ties
        assertThat(warnings.get(2)).startsWith("order of d/S stamped 2003-07-10T13:45:00Z, before line 2's agreement "
                + "of that holding (2003-07-10T20:30:00Z)");
        assertThat(warnings.get(6)).startsWith("agreement of d/T stamped 2003-07-12T13:45:00Z (it has no `at`: the "
                + "time of the line above it), the same instant as line 6's order of that holding");
        assertThat(warnings).filteredOn(warning -> warning != null).hasSize(3);
    }

    @Test
    void shouldNotWarnOfLinesStampedInTheirOrderNorOfOtherHoldingsLines() throws Exception {
        // given the worked examples, whose holdings' lines are stamped in order (one holding's agreement stamped
        // before other holdings' orders above it)
        for (String example : List.of("letter-2003.jsonl", "lifecycle-2003.jsonl", "demo-2003.jsonl")) {
            List<String> lines = Files.readAllLines(Path.of("examples", example));

            // then nothing is warned of
            assertThat(warnings(lines.toArray(String[]::new))).as(example).containsOnlyNulls();
        }
    }
}
