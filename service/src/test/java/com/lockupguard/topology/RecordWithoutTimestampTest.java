package com.lockupguard.topology;

import static com.lockupguard.topology.TopologyFixture.HOLDING;
import static com.lockupguard.topology.TopologyFixture.fill;
import static com.lockupguard.topology.TopologyFixture.header;
import static com.lockupguard.topology.TopologyFixture.letter;
import static com.lockupguard.topology.TopologyFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Reason;
import com.lockupguard.avro.ReportResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record without a timestamp (-1), which a broker takes on a CreateTime topic from a client that sends none: one
 * bad record, refused, where Kafka Streams' default extractor failed the stream thread, and every replacement on the
 * same record.
 */
class RecordWithoutTimestampTest {

    private static final Instant NO_TIMESTAMP = Instant.ofEpochMilli(-1);

    @TempDir
    Path stateDir;

    private TopologyFixture guard;

    @BeforeEach
    void start() {
        guard = new TopologyFixture(stateDir);
    }

    @AfterEach
    void stop() {
        guard.close();
    }

    @Test
    void shouldDeadLetterAnAgreementWithoutATimestampAndGoOn() {
        // given the letter's agreement in force
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");

        // when a version of it comes without a timestamp
        guard.agreements.pipeInput(HOLDING, letter().setTotalShares(1L).build(), NO_TIMESTAMP);

        // then it is dead-lettered as an agreement the guard cannot take, and the one in force still decides
        List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
        assertThat(letters).singleElement().satisfies(letter -> assertThat(header(letter, DeadLetters.REASON_HEADER))
                .isEqualTo("INVALID_AGREEMENT"));
        Decision decision = guard.decide(order("o1", OrderKind.PUBLIC_SALE, 1), "2004-05-10T10:00:00-04:00");
        assertThat(decision.getOutcome()).isEqualTo(Outcome.APPROVED);
    }

    @Test
    void shouldAnswerAnOrderWithoutATimestampInvalidAndAReportInvalidAndGoOn() {
        // given the letter's agreement in force
        guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");

        // when an order and a report come without a timestamp
        guard.orders.pipeInput(HOLDING, order("o1", OrderKind.PUBLIC_SALE, 1), NO_TIMESTAMP);
        List<Decision> decisions = guard.drainDecisions();
        guard.orders.pipeInput(HOLDING, fill("x1", "o1", 1), NO_TIMESTAMP);
        List<ReportResult> results = guard.executionResults.readValuesToList();

        // then the order is answered INVALID_ORDER, the report INVALID, and the next order is decided
        assertThat(decisions).singleElement().satisfies(decision -> assertThat(decision.getReasons())
                .containsExactly(Reason.INVALID_ORDER));
        assertThat(results).singleElement().satisfies(result -> assertThat(result.getOutcome())
                .isEqualTo(ExecutionResult.INVALID));
        assertThat(guard.decide(order("o2", OrderKind.PUBLIC_SALE, 1), "2004-05-10T10:00:00-04:00")
                .getOutcome()).isEqualTo(Outcome.APPROVED);
    }
}
