package com.lockupguard.topology;

import static com.lockupguard.topology.TopologyFixture.HOLDING;
import static com.lockupguard.topology.TopologyFixture.at;
import static com.lockupguard.topology.TopologyFixture.letter;
import static com.lockupguard.topology.TopologyFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.avro.AgreementAudit;
import com.lockupguard.avro.AgreementOutcome;
import com.lockupguard.avro.AgreementRejection;
import com.lockupguard.avro.AlertType;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.ExecutionResult;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.Outcome;
import com.lockupguard.avro.Phase;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.Reason;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.avro.TrancheMode;
import com.lockupguard.contract.AgreementMapper;
import com.lockupguard.rules.HoldingState;
import com.lockupguard.rules.TermsFingerprint;
import com.lockupguard.state.RememberedOrder;
import com.lockupguard.state.StateCodec;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.testing.ForeignSchemas;
import com.lockupguard.web.OrderCorrelation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardTopologyTest {

    private static final Instant EFFECTIVE = at("2003-07-10T16:30:00-04:00");

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

    private void registeredLetter() {
        guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
    }

    @Nested
    @DisplayName("each outcome")
    class Outcomes {

        @Test
        void shouldWriteApprovalToApprovedTopicWithPosition() {
            // given
            registeredLetter();
            // when
            guard.orders.pipeInput(HOLDING, order("e2", OrderKind.PUBLIC_SALE, 120_000),
                    at("2003-07-11T09:45:00-04:00"));
            // then
            TestRecord<String, Decision> record = guard.approved.readRecord();
            assertThat(guard.blocked.isEmpty()).isTrue();
            assertThat(record.key()).isEqualTo(HOLDING);
            assertThat(record.timestamp()).isEqualTo(at("2003-07-11T09:45:00-04:00").toEpochMilli());
            Decision decision = record.value();
            assertThat(decision.getOutcome()).isEqualTo(Outcome.APPROVED);
            assertThat(decision.getReasons()).isEmpty();
            assertThat(decision.getMaxAllowedNow()).isEqualTo(200_000);
            assertThat(decision.getOrderId()).isEqualTo("e2");
            assertThat(decision.getQuantity()).isEqualTo(120_000);
            assertThat(decision.getEvaluatedAt()).isEqualTo(at("2003-07-11T09:45:00-04:00"));
            assertThat(decision.getPosition().getSoldToDate()).as("approved, not yet reported sold").isZero();
            assertThat(decision.getPosition().getReservedNow()).isEqualTo(120_000);
            assertThat(decision.getPosition().getAvailableNow()).isEqualTo(80_000);
            assertThat(decision.getPosition().getPhase()).isEqualTo(Phase.FIRST);
        }

        @Test
        void shouldWriteEachDecisionUnderTheSubjectOfTheTopicItGoesTo() {
            // given
            registeredLetter();
            // when one order is blocked and another approved
            guard.decide(order("e1", OrderKind.PUBLIC_SALE, 50_000), "2003-05-15T10:00:00-04:00");
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            // then each decision's schema is under its own topic's subject (TopicNameStrategy), as the guard lists
            // the subjects it writes for a registry whose clients may not register them
            com.lockupguard.registry.InMemorySchemaRegistry registry =
                    com.lockupguard.registry.InMemorySchemaRegistry.scope(guard.registryScope);
            assertThat(registry.getAllVersions("orders-blocked-value")).isNotEmpty();
            assertThat(registry.getAllVersions("orders-approved-value")).isNotEmpty();
        }

        @Test
        void shouldBlockSaleDuringLockup() {
            registeredLetter();
            Decision decision = guard.decide(order("e1", OrderKind.PUBLIC_SALE, 50_000), "2003-05-15T10:00:00-04:00");
            assertThat(decision.getOutcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(decision.getReasons()).containsExactly(Reason.LOCKUP_ACTIVE, Reason.NOT_REGISTERED);
            assertThat(decision.getMaxAllowedNow()).isZero();
        }

        @Test
        void shouldBlockTransferInFirstWindow() {
            registeredLetter();
            Decision decision = guard.decide(order("e3", OrderKind.PRIVATE_TRANSFER, 5_000),
                    "2003-07-11T09:46:00-04:00");
            assertThat(decision.getReasons()).containsExactly(Reason.TRANSFER_NOT_PERMITTED);
        }

        @Test
        void shouldBlockUnregisteredSale() {
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            Decision decision = guard.decide(order("o", OrderKind.PUBLIC_SALE, 1), "2003-08-01T10:00:00-04:00");
            assertThat(decision.getReasons()).containsExactly(Reason.NOT_REGISTERED);
        }

        @Test
        void shouldBlockBeyondCapacityAndReportWhatFits() {
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            Decision first = guard.decide(order("e4", OrderKind.PUBLIC_SALE, 90_000), "2003-07-20T11:00:00-04:00");
            assertThat(first.getReasons()).containsExactly(Reason.FIRST_RELEASE_CAP);
            assertThat(first.getMaxAllowedNow()).isEqualTo(80_000);
            guard.decide(order("e5", OrderKind.PUBLIC_SALE, 238_559), "2003-08-11T10:00:00-04:00");
            Decision period = guard.decide(order("e6", OrderKind.PUBLIC_SALE, 1), "2003-08-11T10:01:00-04:00");
            assertThat(period.getReasons()).containsExactly(Reason.PERIOD_CAP);
        }

        @Test
        void shouldBlockBeyondTotalWithTotalCap() {
            guard.agreement(letter().setEffectiveAt(EFFECTIVE).setTotalShares(250_000).build(),
                    "2003-07-10T16:30:00-04:00");
            guard.decide(order("a", OrderKind.PUBLIC_SALE, 200_000), "2003-07-11T09:45:00-04:00");
            Decision decision = guard.decide(order("b", OrderKind.PUBLIC_SALE, 60_000), "2003-08-11T10:00:00-04:00");
            assertThat(decision.getReasons()).containsExactly(Reason.TOTAL_CAP);
            assertThat(decision.getMaxAllowedNow()).isEqualTo(50_000);
        }

        @Test
        void shouldApprovePurchaseWithoutMaxAllowed() {
            Decision decision = guard.decide(order("p", OrderKind.PURCHASE, 10), "2003-05-15T10:00:00-04:00");
            assertThat(decision.getOutcome()).isEqualTo(Outcome.APPROVED);
            assertThat(decision.getMaxAllowedNow()).isNull();
            assertThat(decision.getPosition()).isNull();
        }

        @Test
        void shouldFailClosedWithoutAgreement() {
            Decision decision = guard.decide(order("o", OrderKind.PUBLIC_SALE, 1), "2004-06-01T10:00:00-04:00");
            assertThat(decision.getReasons()).containsExactly(Reason.UNKNOWN_AGREEMENT);
            assertThat(decision.getPosition()).isNull();
        }

        @Test
        void shouldAnswerInvalidOrderWithBlockedDecisionEvenWithBrokenIds() {
            // given an order with neither investor nor quantity, under a key of no holding
            ProposedOrder broken = ProposedOrder.newBuilder().setOrderId("x").setKind(OrderKind.UNKNOWN).build();
            // when
            guard.orders.pipeInput("/", broken, at("2003-07-11T09:45:00-04:00"));
            // then it gets a decision, not a dead letter, with the kind it came with
            Decision decision = guard.blocked.readValue();
            assertThat(decision.getReasons()).containsExactly(Reason.INVALID_ORDER);
            assertThat(decision.getMaxAllowedNow()).isZero();
            assertThat(decision.getKind()).isEqualTo(OrderKind.UNKNOWN);
            assertThat(guard.deadLetters.isEmpty()).isTrue();
        }
    }

    @Nested
    @DisplayName("duplicates")
    class Duplicates {

        @Test
        void shouldEmitFirstDecisionAgainUnchangedForTransportRetry() {
            // given e4 blocked once
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            Decision first = guard.decide(order("e4", OrderKind.PUBLIC_SALE, 90_000), "2003-07-20T11:00:00-04:00");
            HoldingState before = holdingState();
            // when it is sent again
            Decision retry = guard.decide(order("e4", OrderKind.PUBLIC_SALE, 90_000), "2003-07-20T11:00:05-04:00");
            // then the same decision, marked as repeated, and the same state
            assertThat(first.getRepeated()).isFalse();
            assertThat(retry.getRepeated()).isTrue();
            assertThat(retry).isEqualTo(TopologyFixture.repeated(first));
            assertThat(holdingState()).isEqualTo(before);
        }

        @Test
        void shouldTellTheObserverThatARetrysDecisionIsRepeated() {
            // given a guard telling an observer what it decides
            guard.close();
            RecordingObserver observer = new RecordingObserver();
            guard = new TopologyFixture(stateDir, observer);
            registeredLetter();

            // when an order is decided, then retried
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:05-04:00");

            // then the observer is told the first is a decision and the second a repeat of it
            assertThat(observer.repeats).containsExactly(false, true);
        }

        @Test
        void shouldEmitApprovalAgainWithoutSellingTwice() {
            registeredLetter();
            Decision first = guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            Decision retry = guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-12T09:45:00-04:00");
            assertThat(retry).isEqualTo(TopologyFixture.repeated(first));
            assertThat(holdingState().usedTotal()).isEqualTo(120_000);
        }

        @Test
        void shouldBlockReusedIdAndKeepFirstDecision() {
            registeredLetter();
            Decision first = guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            Decision reused = guard.decide(order("e2", OrderKind.PUBLIC_SALE, 1), "2003-07-11T09:46:00-04:00");
            Decision retry = guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:47:00-04:00");
            assertThat(reused.getReasons()).containsExactly(Reason.DUPLICATE_ORDER_ID);
            assertThat(retry).isEqualTo(TopologyFixture.repeated(first));
        }

        @Test
        void shouldSendEachDecisionWithTheHeadersOfTheOrderItAnswers() {
            // given: an order, another with its id and other content, and a retry of the first, each with a
            // correlation header of its own (as the HTTP API sends them)
            registeredLetter();
            guard.orders.pipeInput(new TestRecord<>(HOLDING, order("e2", OrderKind.PUBLIC_SALE, 120_000),
                    correlated("c-first"), at("2003-07-11T09:45:00-04:00")));
            guard.orders.pipeInput(new TestRecord<>(HOLDING, order("e2", OrderKind.PUBLIC_SALE, 1),
                    correlated("c-reused"), at("2003-07-11T09:46:00-04:00")));
            guard.orders.pipeInput(new TestRecord<>(HOLDING, order("e2", OrderKind.PUBLIC_SALE, 120_000),
                    correlated("c-retry"), at("2003-07-11T09:47:00-04:00")));

            // when / then: each decision carries its own order's header back, the reused id's block and the
            // retry's repeated approval alike
            TestRecord<String, Decision> first = guard.approved.readRecord();
            TestRecord<String, Decision> reused = guard.blocked.readRecord();
            TestRecord<String, Decision> retry = guard.approved.readRecord();
            assertThat(correlation(first)).isEqualTo("c-first");
            assertThat(first.value().getRepeated()).isFalse();
            assertThat(correlation(reused)).isEqualTo("c-reused");
            assertThat(reused.value().getReasons()).containsExactly(Reason.DUPLICATE_ORDER_ID);
            assertThat(correlation(retry)).isEqualTo("c-retry");
            assertThat(retry.value().getRepeated()).isTrue();
        }

        @Test
        void shouldNotCarryAProducersDeadLetterHeadersOntoADecision() {
            // given an order whose producer set the names the dead-letter topic's records carry
            registeredLetter();
            Headers forged = correlated("c-forged")
                    .add(DeadLetters.REASON_HEADER, "FAKE".getBytes(StandardCharsets.UTF_8))
                    .add(DeadLetters.EXCEPTION_HEADER, "FAKE".getBytes(StandardCharsets.UTF_8));
            // when it is decided
            guard.orders.pipeInput(new TestRecord<>(HOLDING, order("e2", OrderKind.PUBLIC_SALE, 120_000), forged,
                    at("2003-07-11T09:45:00-04:00")));
            // then its decision carries its own header back, but not those: a consumer looking for them on the
            // decision topics would take it for a dead letter
            TestRecord<String, Decision> decision = guard.approved.readRecord();
            assertThat(correlation(decision)).isEqualTo("c-forged");
            assertThat(decision.headers().lastHeader(DeadLetters.REASON_HEADER)).isNull();
            assertThat(decision.headers().lastHeader(DeadLetters.EXCEPTION_HEADER)).isNull();
            // and neither does the position it moved, published at the commit from the record's cached context
            assertThat(guard.positions.readRecordsToList()).isNotEmpty().allSatisfy(position -> {
                assertThat(position.headers().lastHeader(DeadLetters.REASON_HEADER)).isNull();
                assertThat(position.headers().lastHeader(DeadLetters.EXCEPTION_HEADER)).isNull();
            });
        }

        private static Headers correlated(String id) {
            return new RecordHeaders().add(OrderCorrelation.HEADER, id.getBytes(StandardCharsets.UTF_8));
        }

        private static String correlation(TestRecord<String, Decision> record) {
            Header[] headers = record.headers().toArray();
            assertThat(headers).extracting(Header::key).containsOnlyOnce(OrderCorrelation.HEADER);
            return new String(record.headers().lastHeader(OrderCorrelation.HEADER).value(), StandardCharsets.UTF_8);
        }

        @Test
        void shouldKeepOrderIdsPerHolding() {
            registeredLetter();
            guard.agreements.pipeInput("other/CBYI", letter().setInvestorId("other").setEffectiveAt(EFFECTIVE)
                    .build(), at("2003-07-10T16:30:00-04:00"));
            guard.decide(order("same", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:45:00-04:00");
            ProposedOrder otherHolding = ProposedOrder.newBuilder(order("same", OrderKind.PUBLIC_SALE, 20))
                    .setInvestorId("other").build();
            guard.orders.pipeInput("other/CBYI", otherHolding, at("2003-07-11T09:46:00-04:00"));
            assertThat(guard.approved.readValue().getQuantity()).isEqualTo(20);
        }
    }

    @Nested
    @DisplayName("agreement versions")
    class AgreementVersions {

        @Test
        void shouldApplyEffectiveDateArrivingBetweenOrders() {
            // given the letter's lock-up: a sale on 07-11 is blocked
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            Decision before = guard.decide(order("a", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:00:00-04:00");
            // when the registration turns effective as of 07-10 16:30
            guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-11T09:30:00-04:00");
            Decision after = guard.decide(order("b", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:45:00-04:00");
            // then the lock-up is over
            assertThat(before.getReasons()).containsExactly(Reason.LOCKUP_ACTIVE, Reason.NOT_REGISTERED);
            assertThat(after.getOutcome()).isEqualTo(Outcome.APPROVED);
            assertThat(guard.drainDeadLetters()).isEmpty();
        }

        @Test
        void shouldDeadLetterInvalidAgreementAndKeepPreviousInForce() {
            // given a valid agreement in force
            registeredLetter();
            // when an invalid version arrives (first release above total)
            guard.agreement(letter().setTotalShares(10).build(), "2003-07-11T09:00:00-04:00");
            // then it is dead-lettered with the reason, and the previous version still decides
            TestRecord<String, byte[]> letter = guard.deadLetters.readRecord();
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("INVALID_AGREEMENT");
            assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("exceeds totalShares");
            assertThat(header(letter, DeadLetters.TOPIC_HEADER)).isEqualTo("agreements");
            assertThat(header(letter, DeadLetters.OFFSET_HEADER)).isEqualTo("1");
            assertThat(guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00")
                    .getOutcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldAuditAnOversizedInvalidVersionWithoutRepeatingIt() {
            // given a valid agreement in force
            registeredLetter();
            guard.agreementAudit.readValuesToList();
            // when an invalid version arrives whose time zone is 20,000 characters (its rejection quotes the zone)
            guard.agreement(letter().setTimeZone("Z".repeat(20_000)).build(), "2003-07-11T09:00:00-04:00");
            // then it is audited as rejected, with where it is, without repeating it or all of the message
            AgreementAudit audit = guard.agreementAudit.readValue();
            assertThat(audit.getOutcome()).isEqualTo(AgreementOutcome.REJECTED);
            assertThat(audit.getAgreement()).isNull();
            assertThat(audit.getSourceOffset()).isEqualTo(1L);
            assertThat(audit.getMessage()).hasSizeLessThan(AgreementProcessor.AUDIT_MESSAGE_CHARS + 200)
                    .startsWith("invalid agreement").contains("timeZone").contains("too large to repeat");
            // and it is dead-lettered as invalid, and the previous version still decides
            assertThat(header(guard.deadLetters.readRecord(), DeadLetters.REASON_HEADER))
                    .isEqualTo("INVALID_AGREEMENT");
            assertThat(guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00")
                    .getOutcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldRepeatAnInvalidVersionInItsAuditUpToTheTextLimitCountingItsIdsAndZone() {
            // given invalid versions whose ids and time zone come to the limit of text an audit repeats, and to one
            // byte more
            com.lockupguard.avro.Agreement letter = letter().build();
            int ids = letter.getInvestorId().length() + letter.getSecurityId().length();
            int zoneAtTheLimit = AgreementProcessor.AUDIT_AGREEMENT_TEXT_BYTES - ids;

            // when they arrive
            guard.agreement(letter().setTimeZone("Z".repeat(zoneAtTheLimit)).build(), "2003-07-11T09:00:00-04:00");
            guard.agreement(letter().setTimeZone("Z".repeat(zoneAtTheLimit + 1)).build(),
                    "2003-07-11T09:01:00-04:00");

            // then the first is repeated in its audit and the second is not, its audit saying so
            List<AgreementAudit> audits = guard.agreementAudit.readValuesToList();
            assertThat(audits).extracting(AgreementAudit::getOutcome)
                    .containsExactly(AgreementOutcome.REJECTED, AgreementOutcome.REJECTED);
            assertThat(audits.get(0).getAgreement()).isNotNull();
            assertThat(audits.get(0).getMessage()).doesNotContain("too large to repeat");
            assertThat(audits.get(1).getAgreement()).isNull();
            assertThat(audits.get(1).getMessage()).contains("(" + (AgreementProcessor.AUDIT_AGREEMENT_TEXT_BYTES + 1)
                    + " bytes of text) is too large to repeat");
        }

        @Test
        void shouldDeadLetterAVersionWhoseKeyLeavesNoRoomForItsAudit() {
            // given a guard whose producer sends at most 3,000 bytes
            guard.close();
            guard = new TopologyFixture(stateDir, Map.of("producer.max.request.size", 3_000));
            // when a version arrives keyed with 2,500 characters (its audit record would carry the key)
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            guard.agreementAudit.readValuesToList();
            CapturedLogs logged = CapturedLogs.of(DeadLetters.class);
            try (logged) {
                guard.agreements.pipeInput("k".repeat(2_500), letter().setTotalShares(700_000).build(),
                        at("2003-07-11T09:00:00-04:00"));
            }
            // then the log names the key by its first 256 characters, not all of it
            assertThat(logged.messages()).singleElement().asString()
                    .contains("k".repeat(DeadLetters.LOGGED_KEY_CHARS) + "… (2500 chars)").hasSizeLessThan(2_000);
            // and it is dead-lettered, saying why, in a dead letter that fits, and neither audited nor applied
            TestRecord<String, byte[]> letter = guard.deadLetters.readRecord();
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("KEY_OR_HEADERS_TOO_LARGE");
            assertThat(SendLimit.size(SendLimit.bytes(letter.key()), letter.value(), letter.headers()))
                    .isLessThanOrEqualTo(3_000);
            assertThat(guard.agreementAudit.readValuesToList()).isEmpty();
        }

        @Test
        void shouldDeadLetterUnknownTrancheMode() {
            guard.agreement(letter().setTrancheMode(TrancheMode.UNKNOWN).build(), "2003-04-28T09:00:00-04:00");
            assertThat(header(guard.deadLetters.readRecord(), DeadLetters.MESSAGE_HEADER)).contains("trancheMode");
        }

        @Test
        void shouldDeadLetterAnAgreementStampedOutsideTheSupportedYearsAndKeepThePreviousInForce() {
            // given a valid agreement in force
            registeredLetter();
            // when a new version arrives on a record stamped in the year 292278994 (a producer's bad clock)
            guard.agreements.pipeInput(HOLDING, letter().setTotalShares(700_000).build(), Long.MAX_VALUE);
            // then it is dead-lettered and audited as invalid, without a failure, and the previous version decides
            TestRecord<String, byte[]> letter = guard.deadLetters.readRecord();
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("INVALID_AGREEMENT");
            assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("1970 to 9999");
            assertThat(header(letter, DeadLetters.EXCEPTION_HEADER)).isEqualTo(RejectedRecordException.class.getName());
            assertThat(guard.agreementAudit.readValuesToList()).last()
                    .satisfies(audit -> assertThat(audit.getRejection()).isEqualTo(AgreementRejection.INVALID_AGREEMENT));
            Decision decision = guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            assertThat(decision.getOutcome()).isEqualTo(Outcome.APPROVED);
            assertThat(decision.getPosition().getTotalShares()).isEqualTo(675_675L);
        }

        @Test
        void shouldDeadLetterCalendarMoveAfterSales() {
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            guard.agreement(letter().build(), "2003-07-12T09:00:00-04:00");
            TestRecord<String, byte[]> letter = guard.deadLetters.readRecord();
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("CALENDAR_LOCKED");
            assertThat(holdingState().terms().effectiveAt()).isEqualTo(EFFECTIVE);
        }

        @Test
        void shouldDeadLetterAgreementKeyedToAnotherHolding() {
            guard.agreements.pipeInput("someone/else", letter().build(), at("2003-04-28T09:00:00-04:00"));
            TestRecord<String, byte[]> letter = guard.deadLetters.readRecord();
            assertThat(letter.key()).isEqualTo("someone/else");
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("KEY_MISMATCH");
            assertThat(holdingState()).isNull();
        }

        @Test
        void shouldSayThatAKeyASchemaRegistrySerdeWroteIsNotTheHoldingsKey() {
            // given an order keyed as Confluent's Avro serializer writes the holding's key under schema id 36
            String avroKey = "\u0000\u0000\u0000\u0000$\u001a" + HOLDING;

            // when
            guard.orders.pipeInput(avroKey, order("o1", OrderKind.PUBLIC_SALE, 10), at("2003-07-11T09:40:00-04:00"));

            // then it is dead-lettered, its key shown with its control characters escaped, saying what wrote it
            TestRecord<String, byte[]> letter = guard.deadLetters.readRecord();
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("KEY_MISMATCH");
            assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).isEqualTo("record key '\\u0000\\u0000\\u0000"
                    + "\\u0000$\\u001a" + HOLDING + "' does not match the order's holding '" + HOLDING + "' (it "
                    + "starts as a schema registry serde writes a key, a zero byte and schema id 36: the guard's keys "
                    + "are plain UTF-8 text, investorId/securityId, as Kafka's StringSerializer writes them)");
        }

        @Test
        void shouldShowAHoldingWhoseIdsHoldControlCharactersEscapedInTheReason() {
            // given an order whose investor id holds a line break and a NUL, keyed to another holding
            ProposedOrder order = order("o1", OrderKind.PUBLIC_SALE, 10);
            order.setInvestorId("dutch\nes\u0000s");

            // when
            guard.orders.pipeInput("someone/else", order, at("2003-07-11T09:40:00-04:00"));

            // then both the key and the holding are shown, their control characters escaped
            assertThat(header(guard.deadLetters.readRecord(), DeadLetters.MESSAGE_HEADER)).isEqualTo("record key "
                    + "'someone/else' does not match the order's holding 'dutch\\u000aes\\u0000s/CBYI'");
        }

        @Test
        void shouldSayWhereARefusedRecordWasReadSoThatItCanBeFoundOnItsTopic() {
            try (CapturedLogs logged = CapturedLogs.of(DeadLetters.class)) {
                // when an order keyed to another holding is refused
                guard.orders.pipeInput("someone/else", order("o1", OrderKind.PUBLIC_SALE, 10),
                        at("2003-07-11T09:40:00-04:00"));

                // then the log names its topic, partition and offset, as the dead letter's headers do
                assertThat(logged.messages()).singleElement().asString()
                        .startsWith("record at orders-0@0 with key 'someone/else' dead-lettered (KEY_MISMATCH): ");
            }
        }

        @Test
        void shouldDeadLetterAgreementTombstone() {
            guard.agreements.pipeInput(HOLDING, null, at("2003-04-28T09:00:00-04:00"));
            assertThat(header(guard.deadLetters.readRecord(), DeadLetters.REASON_HEADER)).isEqualTo("TOMBSTONE");
        }

        @Test
        void shouldKeepCountersWhenShareCountsChange() {
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            guard.agreement(letter().setEffectiveAt(EFFECTIVE).setFirstReleaseShares(150_000).build(),
                    "2003-07-12T09:00:00-04:00");
            Decision decision = guard.decide(order("x", OrderKind.PUBLIC_SALE, 40_000), "2003-07-13T09:00:00-04:00");
            assertThat(decision.getMaxAllowedNow()).isEqualTo(30_000);
        }
    }

    @Nested
    @DisplayName("the agreement audit")
    class AgreementAuditTrail {

        private final String letterHash = TermsFingerprint.of(AgreementMapper.toTerms(letter().build()));
        private final String effectiveHash = TermsFingerprint.of(AgreementMapper.toTerms(
                letter().setEffectiveAt(EFFECTIVE).build()));

        @Test
        void shouldAuditEveryAppliedVersionWithItsNumberAndTermsHash() {
            // when two versions arrive
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
            // then both are in the audit, numbered, each with the hash of its own terms
            List<TestRecord<String, AgreementAudit>> audit = guard.agreementAudit.readRecordsToList();
            assertThat(audit).extracting(TestRecord::key).containsExactly(HOLDING, HOLDING);
            assertThat(audit).extracting(r -> r.value().getOutcome())
                    .containsExactly(AgreementOutcome.APPLIED, AgreementOutcome.APPLIED);
            assertThat(audit).extracting(r -> r.value().getAgreementVersion()).containsExactly(1L, 2L);
            assertThat(audit).extracting(r -> r.value().getTermsHash()).containsExactly(letterHash, effectiveHash);
            assertThat(audit).as("the contract: a message only for a rejection")
                    .extracting(r -> r.value().getMessage()).containsOnlyNulls();
            assertThat(audit.get(1).value().getAgreement().getEffectiveAt()).isEqualTo(EFFECTIVE);
            assertThat(audit.get(1).value().getAppliedAt()).isEqualTo(EFFECTIVE);
            assertThat(audit.get(1).value().getSourceOffset()).isEqualTo(1L);
        }

        @Test
        void shouldAuditAVersionStampedBeforeTheHoldingsClockAsAppliedAtTheClock() {
            // given the registered letter, and a sale that moved the holding's clock to 09:45 on July 11
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            guard.agreementAudit.readValuesToList();
            // when a new version of the same calendar arrives stamped earlier than that (a producer's clock behind)
            guard.agreement(letter().setEffectiveAt(EFFECTIVE).setTotalShares(2_000_000).build(),
                    "2003-07-11T09:00:00-04:00");
            // then it is applied at the holding's clock, which never goes back, and its audit says so
            AgreementAudit audit = guard.agreementAudit.readValue();
            assertThat(audit.getOutcome()).isEqualTo(AgreementOutcome.APPLIED);
            assertThat(audit.getAppliedAt()).isEqualTo(at("2003-07-11T09:45:00-04:00"));
            assertThat(audit.getRecordTimestamp()).isEqualTo(at("2003-07-11T09:00:00-04:00"));
        }

        @Test
        void shouldStampEachAuditRecordWithItsVersionsTimestamp() {
            // when a version is applied, and a later one refused (keyed to another holding)
            Instant applied = at("2003-04-28T09:00:00-04:00");
            Instant refused = at("2003-05-02T09:00:00-04:00");
            guard.agreements.pipeInput(HOLDING, letter().build(), applied);
            guard.agreements.pipeInput("dutchess/OTHER", letter().build(), refused);
            // then each audit record carries the timestamp of the version it audits, as every record the guard
            // writes carries that of the record it answers
            assertThat(guard.agreementAudit.readRecordsToList()).extracting(TestRecord::timestamp)
                    .containsExactly(applied.toEpochMilli(), refused.toEpochMilli());
        }

        @Test
        void shouldAuditWhoSentAVersionAndWhenTheGuardTookItNotOnlyTheTimeItIsStampedWith() {
            // given the guard's clock a year after the version's timestamp (an amendment entered back-dated)
            guard.driver.advanceWallClockTime(Duration.ofDays(365));
            Headers who = new RecordHeaders().add("changed-by", "alice@compliance".getBytes(StandardCharsets.UTF_8))
                    .add("change-reason", "registration effective".getBytes(StandardCharsets.UTF_8))
                    // as a version sent again from the dead-letter topic carries them
                    .add(DeadLetters.REASON_HEADER, "INVALID_AGREEMENT".getBytes(StandardCharsets.UTF_8));
            // when a version arrives with its author and reason in its headers, and one is refused
            guard.agreements.pipeInput(new TestRecord<>(HOLDING, letter().build(), who,
                    at("2003-04-28T09:00:00-04:00")));
            guard.agreements.pipeInput(new TestRecord<>("dutchess/OTHER", letter().build(), who,
                    at("2003-04-28T09:00:00-04:00")));
            // then each audit record carries those headers, and the guard's own time when it took the version
            List<TestRecord<String, AgreementAudit>> audit = guard.agreementAudit.readRecordsToList();
            assertThat(audit).hasSize(2).allSatisfy(record -> {
                assertThat(new String(record.headers().lastHeader("changed-by").value(), StandardCharsets.UTF_8))
                        .isEqualTo("alice@compliance");
                assertThat(record.headers().lastHeader("change-reason")).isNotNull();
                assertThat(record.headers().lastHeader(DeadLetters.REASON_HEADER)).as("an earlier error's").isNull();
                assertThat(record.value().getProcessedAt())
                        .isEqualTo(TopologyFixture.WALL_CLOCK_START.plus(Duration.ofDays(365)));
                assertThat(record.value().getRecordTimestamp()).isEqualTo(at("2003-04-28T09:00:00-04:00"));
            });
        }

        @Test
        void shouldSayInEveryDecisionAndPositionWhichVersionGovernedIt() {
            // given version 1, an order under it, then version 2
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            Decision underFirst = guard.decide(order("a", OrderKind.PUBLIC_SALE, 10), "2003-07-01T09:00:00-04:00");
            guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
            // when an order comes under version 2
            Decision underSecond = guard.decide(order("b", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:00:00-04:00");
            // then each decision, and its position, names its version and the hash of its terms
            assertThat(underFirst.getAgreementVersion()).isEqualTo(1L);
            assertThat(underFirst.getTermsHash()).isEqualTo(letterHash);
            assertThat(underSecond.getAgreementVersion()).isEqualTo(2L);
            assertThat(underSecond.getTermsHash()).isEqualTo(effectiveHash);
            assertThat(underSecond.getPosition().getAgreementVersion()).isEqualTo(2L);
            assertThat(underSecond.getPosition().getTermsHash()).isEqualTo(effectiveHash);
            assertThat(guard.positions.readValuesToList()).last()
                    .satisfies(position -> assertThat(position.getAgreementVersion()).isEqualTo(2L));
        }

        @Test
        void shouldLeaveVersionOutOfDecisionsMadeWithoutHoldingState() {
            Decision unknown = guard.decide(order("a", OrderKind.PUBLIC_SALE, 10), "2003-07-01T09:00:00-04:00");
            assertThat(unknown.getAgreementVersion()).isNull();
            assertThat(unknown.getTermsHash()).isNull();
        }

        @Test
        void shouldAuditRejectedVersionWithReasonAndTheVersionStillInForce() {
            // given version 1 in force
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            // when an invalid version arrives, then a valid one
            guard.agreement(letter().setTotalShares(10).build(), "2003-05-01T09:00:00-04:00");
            guard.agreement(letter().setEffectiveAt(EFFECTIVE).build(), "2003-07-10T16:30:00-04:00");
            // then the rejection is audited against version 1, and the rejected one is not counted
            List<AgreementAudit> audit = guard.agreementAudit.readValuesToList();
            assertThat(audit).extracting(AgreementAudit::getOutcome).containsExactly(AgreementOutcome.APPLIED,
                    AgreementOutcome.REJECTED, AgreementOutcome.APPLIED);
            AgreementAudit rejected = audit.get(1);
            assertThat(rejected.getRejection()).isEqualTo(AgreementRejection.INVALID_AGREEMENT);
            assertThat(rejected.getMessage()).contains("exceeds totalShares");
            assertThat(rejected.getAgreement().getTotalShares()).isEqualTo(10L);
            assertThat(rejected.getAgreementVersion()).isEqualTo(1L);
            assertThat(rejected.getTermsHash()).isEqualTo(letterHash);
            assertThat(rejected.getAppliedAt()).isNull();
            assertThat(audit.get(2).getAgreementVersion()).isEqualTo(2L);
        }

        @Test
        void shouldAuditCalendarMoveTombstoneAndWrongKey() {
            // given a holding that has sold
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            // when a calendar move, a tombstone and an agreement under another holding's key arrive
            guard.agreement(letter().build(), "2003-07-12T09:00:00-04:00");
            guard.agreements.pipeInput(HOLDING, null, at("2003-07-12T09:01:00-04:00"));
            guard.agreements.pipeInput("someone/else", letter().build(), at("2003-07-12T09:02:00-04:00"));
            // then each is audited as rejected with its reason, under the key it came with
            List<TestRecord<String, AgreementAudit>> audit = guard.agreementAudit.readRecordsToList();
            assertThat(audit).extracting(r -> r.value().getRejection()).containsExactly(null,
                    AgreementRejection.CALENDAR_LOCKED, AgreementRejection.TOMBSTONE, AgreementRejection.KEY_MISMATCH);
            assertThat(audit.get(2).value().getAgreement()).isNull();
            assertThat(audit.get(2).value().getAgreementVersion()).isEqualTo(1L);
            assertThat(audit.get(3).key()).isEqualTo("someone/else");
            assertThat(audit.get(3).value().getAgreementVersion()).isNull();
        }
    }

    @Nested
    @DisplayName("execution reports")
    class ExecutionReports {

        @Test
        void shouldUseTheReservationAndMoveReservedSharesToSold() {
            // given an approval of 120,000
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            // when 100,000 fill
            ReportResult result = guard.report(TopologyFixture.fill("x1", "e2", 100_000), "2003-07-11T10:30:00-04:00");
            // then the result says so, the position moves, the reservation keeps its rest, no alert
            assertThat(result.getOutcome()).isEqualTo(ExecutionResult.APPLIED);
            assertThat(result.getCovered()).isEqualTo(100_000L);
            assertThat(result.getReleased()).isNull();
            assertThat(result.getAlert()).isNull();
            assertThat(result.getPosition().getSoldToDate()).isEqualTo(100_000);
            assertThat(result.getPosition().getReservedNow()).isEqualTo(20_000);
            assertThat(result.getEvaluatedAt()).isEqualTo(at("2003-07-11T10:30:00-04:00"));
            assertThat(rememberedOrder("e2").reservation().taken()).isEqualTo(100_000);
            assertThat(guard.complianceAlerts.isEmpty()).isTrue();
            assertThat(guard.positions.readValuesToList()).last()
                    .satisfies(position -> assertThat(position.getReservedNow()).isEqualTo(20_000));
        }

        @Test
        void shouldReleaseTheRestOnCancelAndCloseTheReservation() {
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            guard.report(TopologyFixture.fill("x1", "e2", 100_000), "2003-07-11T10:30:00-04:00");
            // when the rest is cancelled
            ReportResult result = guard.report(TopologyFixture.cancel("x2", "e2"), "2003-07-11T16:05:00-04:00");
            // then it is released, the reservation is gone, and the order id remembers it was cancelled
            assertThat(result.getReleased()).isEqualTo(20_000L);
            assertThat(result.getCovered()).isNull();
            assertThat(result.getPosition().getAvailableNow()).isEqualTo(100_000);
            assertThat(rememberedOrder("e2").reservation()).isNull();
            assertThat(rememberedOrder("e2").status())
                    .isEqualTo(com.lockupguard.rules.ReservationStatus.CANCELLED);
        }

        @Test
        void shouldRaiseAComplianceAlertForAFillNoApprovalCovers() {
            // given a holding with 80,000 left in the first window
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            // when 90,000 shares of an order never sent are reported filled
            ReportResult result = guard.report(TopologyFixture.fill("x9", "z9", 90_000), "2003-07-12T10:00:00-04:00");
            // then they are counted as sold anyway, and the alert says the agreement was breached
            assertThat(result.getCovered()).isZero();
            assertThat(result.getAlert().getType()).isEqualTo(AlertType.UNAPPROVED_SALE);
            assertThat(result.getAlert().getBreachesAgreement()).isTrue();
            ComplianceAlert alert = guard.complianceAlerts.readValue();
            assertThat(alert.getExecutionId()).isEqualTo("x9");
            assertThat(alert.getQuantity()).isEqualTo(90_000);
            assertThat(alert.getAllowedNow()).isEqualTo(80_000);
            assertThat(alert.getReservationKind()).isEqualTo(OrderKind.PUBLIC_SALE);
            assertThat(alert.getPosition().getSoldToDate()).isEqualTo(90_000);
            assertThat(alert.getAgreementVersion()).isEqualTo(1L);
        }

        @Test
        void shouldIgnoreAResentReportAndRefuseAReusedExecutionId() {
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            guard.report(TopologyFixture.fill("x1", "e2", 100_000), "2003-07-11T10:30:00-04:00");
            // when the same report comes again, then the id with another quantity
            ReportResult resent = guard.report(TopologyFixture.fill("x1", "e2", 100_000), "2003-07-11T10:31:00-04:00");
            ReportResult reused = guard.report(TopologyFixture.fill("x1", "e2", 5), "2003-07-11T10:32:00-04:00");
            // then the first is ignored, the second refused and dead-lettered, and nothing is counted twice
            assertThat(resent.getOutcome()).isEqualTo(ExecutionResult.DUPLICATE);
            assertThat(resent.getPosition()).isNull();
            assertThat(reused.getOutcome()).isEqualTo(ExecutionResult.DUPLICATE_EXECUTION_ID);
            List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("DUPLICATE_EXECUTION_ID");
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER))
                        .isEqualTo("execution id 'x1' was applied before with other content; the first report stands");
            });
            assertThat(rememberedOrder("e2").reservation().taken()).isEqualTo(100_000);
        }

        @Test
        void shouldTellTheObserverOfEveryReportItAnswersWithItsResultAndAlert() {
            // given a guard telling an observer the reports it answers (the metrics and the alert rules count them)
            guard.close();
            RecordingObserver observer = new RecordingObserver();
            guard = new TopologyFixture(stateDir, observer);
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");

            // when a fill arrives, then its resend, a fill no approval covers and a report without an execution id
            guard.report(TopologyFixture.fill("x1", "e2", 100_000), "2003-07-11T10:30:00-04:00");
            guard.report(TopologyFixture.fill("x1", "e2", 100_000), "2003-07-11T10:31:00-04:00");
            guard.report(TopologyFixture.fill("x9", "z9", 1_000), "2003-07-12T10:00:00-04:00");
            guard.report(ExecutionReport.newBuilder(TopologyFixture.fill("x2", "e2", 10)).setExecutionId(null)
                    .build(), "2003-07-12T10:01:00-04:00");

            // then the observer is told of each, in order, with its result, its alert and its record's time
            assertThat(observer.reports).containsExactly(
                    "x1 APPLIED at " + at("2003-07-11T10:30:00-04:00").toEpochMilli(),
                    "x1 DUPLICATE at " + at("2003-07-11T10:31:00-04:00").toEpochMilli(),
                    "x9 APPLIED UNAPPROVED_SALE at " + at("2003-07-12T10:00:00-04:00").toEpochMilli(),
                    "null INVALID at " + at("2003-07-12T10:01:00-04:00").toEpochMilli());
        }

        @Test
        void shouldDeadLetterInvalidAndAgreementlessReportsWithAResult() {
            // given no agreement
            // when a report for the holding, and one without an execution id, arrive
            ReportResult unknown = guard.report(TopologyFixture.fill("x1", "e2", 10), "2003-07-11T10:30:00-04:00");
            ReportResult invalid = guard.report(ExecutionReport.newBuilder(TopologyFixture.fill("x2", "e2", 10))
                    .setExecutionId(null).build(), "2003-07-11T10:31:00-04:00");
            // then each gets a result and goes to the dead-letter topic with its reason
            assertThat(unknown.getOutcome()).isEqualTo(ExecutionResult.UNKNOWN_AGREEMENT);
            assertThat(invalid.getOutcome()).isEqualTo(ExecutionResult.INVALID);
            List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
            assertThat(letters).extracting(letter -> header(letter, DeadLetters.REASON_HEADER))
                    .containsExactly("UNKNOWN_AGREEMENT", "INVALID_EXECUTION");
            // and its message says what was wrong
            assertThat(letters).extracting(letter -> header(letter, DeadLetters.MESSAGE_HEADER)).containsExactly(
                    "no agreement for holding '" + HOLDING + "'",
                    "an execution report needs valid executionId, orderId, investorId and securityId, a kind of FILL "
                            + "or CANCEL, and for a FILL a quantity from 1 to 10^15");
            KeyValueStore<String, byte[]> seenExecutions = guard.driver.getKeyValueStore(StoreNames.SEEN_EXECUTIONS);
            assertThat(seenExecutions.get(HOLDING + "/x1")).as("not remembered").isNull();
        }

        @Test
        void shouldDeadLetterAReportKeyedToAnotherHoldingWithoutAResult() {
            registeredLetter();
            guard.orders.pipeInput("someone/else", TopologyFixture.fill("x1", "e2", 10),
                    at("2003-07-11T10:30:00-04:00"));
            assertThat(guard.executionResults.isEmpty()).isTrue();
            assertThat(guard.drainDeadLetters()).singleElement().satisfies(letter ->
                    assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("KEY_MISMATCH"));
        }

        @Test
        void shouldAnswerAReportWithItsKeyTimestampAndHeaders() {
            // given a holding, and a fill no approval covers, sent with its desk's correlation header
            registeredLetter();
            Instant filled = at("2003-07-12T10:00:00-04:00");
            Headers headers = new RecordHeaders().add(OrderCorrelation.HEADER, "c-9".getBytes(StandardCharsets.UTF_8));
            // when it is applied
            guard.orders.pipeInput(new TestRecord<>(HOLDING, TopologyFixture.fill("x9", "z9", 90_000), headers,
                    filled));
            // then its result and its alert carry the report's key, timestamp and header, so that the desk can
            // match them to the report, and a topic's timestamp bounds see the report's own time
            TestRecord<String, ReportResult> result = guard.executionResults.readRecord();
            TestRecord<String, ComplianceAlert> alert = guard.complianceAlerts.readRecord();
            for (TestRecord<String, ?> answer : List.of(result, alert)) {
                assertThat(answer.key()).isEqualTo(HOLDING);
                assertThat(answer.timestamp()).isEqualTo(filled.toEpochMilli());
                assertThat(DeadLetters.header(answer.headers(), OrderCorrelation.HEADER)).contains("c-9");
            }
        }

        @Test
        void shouldDeadLetterAReportOnAnotherPartitionThanItsKeysWithoutApplyingIt() {
            // given an approval of 120,000, then a guard whose inputs have as many partitions as put the holding on
            // another partition than the first (the test driver reads every record from partition 0)
            InputPartitions inputs = guardCheckingPartitions();
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            inputs.set(partitionsPuttingTheHoldingElsewhere());
            // when its fill arrives on partition 0, from a producer that does not partition by key
            guard.orders.pipeInput(HOLDING, TopologyFixture.fill("x1", "e2", 100_000),
                    at("2003-07-11T10:30:00-04:00"));
            // then it is dead-lettered, saying why, without a result, and the reservation is not touched: applied
            // there it would meet another task's state
            assertThat(guard.executionResults.isEmpty()).isTrue();
            assertThat(guard.drainDeadLetters()).singleElement().satisfies(letter -> {
                assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("WRONG_PARTITION");
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("on partition 0");
            });
            assertThat(rememberedOrder("e2").reservation().taken()).isZero();
        }

        @Test
        void shouldDeadLetterAnOrderOnAnotherPartitionThanItsKeysWithoutDecidingIt() {
            // given the letter, then inputs partitioned so that the holding is not on partition 0
            InputPartitions inputs = guardCheckingPartitions();
            registeredLetter();
            inputs.set(partitionsPuttingTheHoldingElsewhere());
            // when an order arrives on partition 0, from a producer that does not partition by key
            guard.orders.pipeInput(HOLDING, order("w1", OrderKind.PUBLIC_SALE, 1_000),
                    at("2003-07-11T09:45:00-04:00"));
            // then it is dead-lettered, not decided there (without its holding's state, and remembered where a
            // resend on the right partition never looks: one order id, two answers)
            assertThat(guard.approved.isEmpty()).isTrue();
            assertThat(guard.blocked.isEmpty()).isTrue();
            assertThat(guard.drainDeadLetters()).singleElement().satisfies(letter -> {
                assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("WRONG_PARTITION");
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).startsWith("the order for 'dutchess/CBYI'")
                        .contains("on partition 0");
            });
        }

        @Test
        void shouldRefuseAnAgreementOnAnotherPartitionThanItsKeysAndAuditWhy() {
            // given inputs partitioned so that the holding is not on partition 0
            guardCheckingPartitions().set(partitionsPuttingTheHoldingElsewhere());
            // when its agreement arrives on partition 0
            guard.agreement(letter().build(), "2003-04-28T09:00:00-04:00");
            // then it is not applied where the holding's orders never meet it: refused, audited, dead-lettered
            AgreementAudit audit = guard.agreementAudit.readValue();
            assertThat(audit.getOutcome()).isEqualTo(AgreementOutcome.REJECTED);
            assertThat(audit.getRejection()).isEqualTo(AgreementRejection.WRONG_PARTITION);
            assertThat(guard.drainDeadLetters()).singleElement().satisfies(letter ->
                    assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("WRONG_PARTITION"));
            assertThat(guard.positions.isEmpty()).isTrue();
        }

        /** A new guard that checks its inputs' partitions once it is told their count. */
        private InputPartitions guardCheckingPartitions() {
            InputPartitions inputs = InputPartitions.unchecked();
            guard.close();
            guard = new TopologyFixture(stateDir, TopologyOptions.service().withInputPartitions(inputs));
            return inputs;
        }

        /** The fewest partitions on which Kafka's producer puts the holding's key elsewhere than partition 0. */
        private int partitionsPuttingTheHoldingElsewhere() {
            byte[] key = HOLDING.getBytes(StandardCharsets.UTF_8);
            return java.util.stream.IntStream.rangeClosed(2, 64)
                    .filter(partitions -> BuiltInPartitioner.partitionForKey(key, partitions) != 0)
                    .findFirst().orElseThrow();
        }
    }

    @Nested
    @DisplayName("records that cannot be decided")
    class PoisonPills {

        @Test
        void shouldDeadLetterUndecodableOrderWithSourceAndErrorAndKeepGoing() {
            // given
            registeredLetter();
            byte[] garbage = {0x7f, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
            // when a poison pill comes between two good orders
            guard.decide(order("before", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:45:00-04:00");
            guard.rawOrders.pipeInput(HOLDING, garbage, at("2003-07-11T09:46:00-04:00"));
            Decision after = guard.decide(order("after", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:47:00-04:00");
            // then it is dead-lettered as it was, with where it came from and why
            List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
            assertThat(letters).hasSize(1);
            TestRecord<String, byte[]> letter = letters.get(0);
            assertThat(letter.value()).containsExactly(garbage);
            assertThat(letter.key()).isEqualTo(HOLDING);
            assertThat(header(letter, DeadLetters.TOPIC_HEADER)).isEqualTo("orders");
            assertThat(header(letter, DeadLetters.PARTITION_HEADER)).isEqualTo("0");
            assertThat(header(letter, DeadLetters.OFFSET_HEADER)).isEqualTo("1");
            assertThat(header(letter, DeadLetters.EXCEPTION_HEADER)).contains("SerializationException");
            assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("magic byte");
            // and the stream goes on
            assertThat(after.getOutcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldDeadLetterAnOrderNestedTooDeeplyToReadAndKeepGoing() {
            // given the letter, and a producer's schema of orders with a field the guard skips: a chain of nodes, each
            // holding the next
            registeredLetter();
            int schemaId = com.lockupguard.registry.InMemorySchemaRegistry.scope(guard.registryScope)
                    .register("orders-value", ForeignSchemas.ordersWithAChain());
            byte[] deep = ForeignSchemas.orderWithAChain(schemaId, order("deep", OrderKind.PUBLIC_SALE, 10), 100_000);

            // when an order whose chain is 100,000 nodes long comes between two good orders
            guard.decide(order("before", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:45:00-04:00");
            guard.rawOrders.pipeInput(HOLDING, deep, at("2003-07-11T09:46:00-04:00"));
            Decision after = guard.decide(order("after", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:47:00-04:00");

            // then it is dead-lettered as it was, saying why, and the stream goes on
            assertThat(guard.drainDeadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.value()).containsExactly(deep);
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("nests records too deeply");
            });
            assertThat(after.getOutcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldDeadLetterAnOrderWhoseIdIsNotUtf8RatherThanDecideItAsAnotherId() {
            // given the letter, and an order whose id a Latin-1 producer wrote: "Zoé " as 5A 6F E9 20
            registeredLetter();
            byte[] bytes = guard.topics.orders().valueSerde().serializer().serialize("orders",
                    order("Zo__", OrderKind.PUBLIC_SALE, 10));
            int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("Zo__");
            bytes[at + 2] = (byte) 0xe9;
            bytes[at + 3] = ' ';

            // when it comes between two good orders
            guard.decide(order("before", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:45:00-04:00");
            guard.rawOrders.pipeInput(HOLDING, bytes, at("2003-07-11T09:46:00-04:00"));
            Decision after = guard.decide(order("after", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:47:00-04:00");

            // then it is dead-lettered as it was, saying why, and not decided as "Zo", U+FFFD, " " (one id with every
            // other that differs only there)
            List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(letter.value()).containsExactly(bytes);
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("holds a string that is not UTF-8 "
                        + "(byte 3 of 4 is 0xe9");
            });
            assertThat(after.getOutcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldDeadLetterARecordWhoseKeyIsNotUtf8RatherThanReadItAsAnotherHoldings() {
            // given the letter, and records keyed by a Latin-1 producer: "dutchess/CBYI" with its "e" as E9
            registeredLetter();
            byte[] key = HOLDING.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            key[HOLDING.indexOf('e')] = (byte) 0xe9;
            TestInputTopic<byte[], byte[]> latin1Orders = guard.driver.createInputTopic("orders",
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestInputTopic<byte[], byte[]> latin1Agreements = guard.driver.createInputTopic("agreements",
                    new ByteArraySerializer(), new ByteArraySerializer());
            byte[] order = guard.topics.orders().valueSerde().serializer().serialize("orders",
                    order("latin-1", OrderKind.PUBLIC_SALE, 10));

            // when an order and an agreement come so keyed, between two good orders
            guard.decide(order("before", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:45:00-04:00");
            latin1Orders.pipeInput(key, order, at("2003-07-11T09:46:00-04:00"));
            latin1Agreements.pipeInput(key, guard.topics.agreements().valueSerde().serializer().serialize("agreements",
                    letter().setEffectiveAt(EFFECTIVE).build()), at("2003-07-11T09:46:30-04:00"));
            List<Decision> ofTheTwo = guard.drainDecisions();
            Decision after = guard.decide(order("after", OrderKind.PUBLIC_SALE, 10), "2003-07-11T09:47:00-04:00");

            // then both are dead-lettered as they came, key and value, saying why (read with a replacement
            // character, such keys of two holdings would be one); neither is decided or applied
            List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
            assertThat(letters).hasSize(2).allSatisfy(letter -> {
                assertThat(header(letter, DeadLetters.EXCEPTION_HEADER)).contains("SerializationException");
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("is not UTF-8 (byte 6 of 13 is 0xe9");
            });
            assertThat(letters.get(0).value()).containsExactly(order);
            assertThat(ofTheTwo).isEmpty();
            assertThat(after.getOutcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldDeadLetterAnOrderWhoseDecisionIsTooLargeToSendAndChangeNothing() {
            // given a guard whose producer sends at most 3,000 bytes, on the letter's agreement
            guard.close();
            guard = new TopologyFixture(stateDir, Map.of("producer.max.request.size", 3_000));
            registeredLetter();
            // when an invalid order arrives whose id is most of its bytes (its blocked decision repeats the id)
            guard.orders.pipeInput(HOLDING, order("i".repeat(2_900), OrderKind.PUBLIC_SALE, 10),
                    at("2003-07-11T09:45:00-04:00"));
            // and a valid sale of every share the window releases, whose headers are most of its bytes (each
            // answer carries them), and an execution report with such headers
            Headers bulky = new RecordHeaders().add("desk-note", new byte[2_500]);
            guard.orders.pipeInput(new TestRecord<>(HOLDING, order("bulky", OrderKind.PUBLIC_SALE, 200_000), bulky,
                    at("2003-07-11T09:46:00-04:00")));
            guard.orders.pipeInput(new TestRecord<>(HOLDING, TopologyFixture.fill("x-bulky", "bulky", 10), bulky,
                    at("2003-07-11T09:46:30-04:00")));
            // then none is decided or applied: each is dead-lettered, saying why, in a dead letter that fits
            assertThat(guard.drainDecisions()).isEmpty();
            assertThat(guard.executionResults.readValuesToList()).isEmpty();
            List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
            assertThat(letters).extracting(letter -> header(letter, DeadLetters.REASON_HEADER))
                    .containsExactly("DECISION_TOO_LARGE", "KEY_OR_HEADERS_TOO_LARGE", "KEY_OR_HEADERS_TOO_LARGE");
            assertThat(letters).allSatisfy(letter -> {
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("max.request.size (3000)");
                assertThat(SendLimit.size(SendLimit.bytes(letter.key()), letter.value(), letter.headers()))
                        .isLessThanOrEqualTo(3_000);
            });
            // and the valid sale reserved nothing: the same sale under another id gets the whole window
            Decision again = guard.decide(order("again", OrderKind.PUBLIC_SALE, 200_000), "2003-07-11T09:47:00-04:00");
            assertThat(again.getOutcome()).isEqualTo(Outcome.APPROVED);
            // and the bulky order's id was not remembered: sent again with another quantity, it is no duplicate
            Decision resent = guard.decide(order("bulky", OrderKind.PUBLIC_SALE, 1), "2003-07-11T09:48:00-04:00");
            assertThat(resent.getRepeated()).isFalse();
            assertThat(resent.getReasons()).doesNotContain(Reason.DUPLICATE_ORDER_ID);
        }

        @Test
        void shouldDeadLetterARedrivenRecordWithOnlyTheErrorOfItsLatestReading() {
            // given a record an operator sends again as it lies on the dead-letter topic: refused once by the guard,
            // its headers carry that refusal
            registeredLetter();
            Headers earlier = new RecordHeaders()
                    .add("correlation-id", "c-7".getBytes(StandardCharsets.UTF_8))
                    .add(DeadLetters.TOPIC_HEADER, "orders".getBytes(StandardCharsets.UTF_8))
                    .add(DeadLetters.OFFSET_HEADER, "41".getBytes(StandardCharsets.UTF_8))
                    .add(DeadLetters.EXCEPTION_HEADER, RejectedRecordException.class.getName()
                            .getBytes(StandardCharsets.UTF_8))
                    .add(DeadLetters.REASON_HEADER, "KEY_MISMATCH".getBytes(StandardCharsets.UTF_8));
            // when it cannot be read this time
            guard.rawOrders.pipeInput(new TestRecord<>(HOLDING, new byte[] {0x7f, 1, 2, 3}, earlier,
                    at("2003-07-11T09:45:00-04:00")));
            // then its dead letter says what happened now, once each, and no longer the earlier refusal's reason
            TestRecord<String, byte[]> letter = guard.deadLetters.readRecord();
            assertThat(letter.headers().headers(DeadLetters.OFFSET_HEADER)).singleElement()
                    .satisfies(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("0"));
            assertThat(letter.headers().headers(DeadLetters.EXCEPTION_HEADER)).singleElement()
                    .satisfies(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8))
                            .contains("SerializationException"));
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isNull();
            // and it keeps the record's own headers
            assertThat(header(letter, "correlation-id")).isEqualTo("c-7");
        }

        @Test
        void shouldDeadLetterAnUndecodableRecordTooLargeToSendWithoutItsValueAndKeepGoing() {
            // given a guard whose producer sends at most 3,000 bytes
            guard.close();
            guard = new TopologyFixture(stateDir, Map.of("producer.max.request.size", 3_000));
            registeredLetter();
            // when a record that is not the wire format only just fits on the orders topic
            byte[] garbage = new byte[2_800];
            java.util.Arrays.fill(garbage, (byte) 0x7f);
            guard.rawOrders.pipeInput(HOLDING, garbage, at("2003-07-11T09:45:00-04:00"));
            // then its dead letter, the error headers added, is written without its value, within what the producer
            // sends (one over it would fail the task, and every thread after it, on this record)
            List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(letter.value()).isNull();
                assertThat(header(letter, DeadLetterFit.VALUE_OMITTED_HEADER)).startsWith("2800 bytes, omitted");
                assertThat(header(letter, DeadLetters.OFFSET_HEADER)).isEqualTo("0");
                assertThat(SendLimit.size(SendLimit.bytes(letter.key()), letter.value(), letter.headers()))
                        .isLessThanOrEqualTo(3_000);
            });
            // and the stream goes on
            Decision next = guard.decide(order("next", OrderKind.PUBLIC_SALE, 1_000), "2003-07-11T09:46:00-04:00");
            assertThat(next.getOutcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldDeadLetterAnInvalidReportWhoseResultIsTooLargeToSendAndKeepGoing() {
            // given a guard whose producer sends at most 3,000 bytes, on the letter's agreement, with an observer
            guard.close();
            RecordingObserver observer = new RecordingObserver();
            guard = new TopologyFixture(stateDir, observer, Map.of("producer.max.request.size", 3_000));
            registeredLetter();
            var rawResults = guard.driver.createOutputTopic("execution-results",
                    new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
            // when an invalid report arrives whose execution id is most of its bytes (its result repeats the id as
            // received: one the producer refuses would fail the task, and every thread after it, on this report)
            guard.orders.pipeInput(HOLDING, TopologyFixture.fill("x".repeat(2_900), "e2", 10),
                    at("2003-07-11T09:45:00-04:00"));
            // then no result is sent, and the report is dead-lettered as invalid, saying why it has no result
            assertThat(rawResults.readRecordsToList()).isEmpty();
            assertThat(guard.drainDeadLetters()).singleElement().satisfies(letter -> {
                assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("INVALID_EXECUTION");
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("max.request.size (3000)");
            });
            // and the observer is told of it (the execution results metric counts the invalid report all the same)
            assertThat(observer.reports).singleElement().asString()
                    .isEqualTo("x".repeat(2_900) + " INVALID at " + at("2003-07-11T09:45:00-04:00").toEpochMilli());
            // and the next report is answered
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 1_000), "2003-07-11T09:46:00-04:00");
            guard.orders.pipeInput(HOLDING, TopologyFixture.fill("x1", "e2", 1_000), at("2003-07-11T09:47:00-04:00"));
            assertThat(guard.executionResults.readValuesToList()).singleElement()
                    .satisfies(result -> assertThat(result.getOutcome()).isEqualTo(ExecutionResult.APPLIED));
        }

        @Test
        void shouldKeepItsAnswersWithinTheSmallestMessageSizeOfTheTopicsItWrites() {
            // given a guard whose producer may send 1 MiB, told once it runs (as the service tells it after reading
            // the topics' settings) that a topic it writes takes records of up to 3,000 bytes
            OutputMessageLimit outputs = OutputMessageLimit.unchecked();
            guard.close();
            guard = new TopologyFixture(stateDir, Map.of(StreamsDefaults.OUTPUT_MESSAGE_LIMIT_CONFIG, outputs));
            registeredLetter();
            outputs.set("orders-blocked", 3_000);
            // when an invalid order arrives whose id is most of its bytes (its blocked decision repeats the id)
            guard.orders.pipeInput(HOLDING, order("i".repeat(2_900), OrderKind.PUBLIC_SALE, 10),
                    at("2003-07-11T09:45:00-04:00"));
            // then it is not decided but dead-lettered, naming the topic's limit, in a dead letter that fits it
            assertThat(guard.drainDecisions()).isEmpty();
            List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("DECISION_TOO_LARGE");
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER))
                        .contains("max.message.bytes of the topics the guard writes (3000, topic orders-blocked)");
                assertThat(SendLimit.size(SendLimit.bytes(letter.key()), letter.value(), letter.headers()))
                        .isLessThanOrEqualTo(3_000);
            });
            // and an ordinary order is decided
            Decision next = guard.decide(order("next", OrderKind.PUBLIC_SALE, 1_000), "2003-07-11T09:46:00-04:00");
            assertThat(next.getOutcome()).isEqualTo(Outcome.APPROVED);
        }

        @Test
        void shouldCountAPoisonPillAmongTheDeadLettersAsUndecodable() {
            // given a guard telling an observer what it dead-letters
            guard.close();
            RecordingObserver observer = new RecordingObserver();
            guard = new TopologyFixture(stateDir, observer);
            registeredLetter();

            // when an order and an agreement arrive that cannot be read, and an order keyed to another holding
            guard.rawOrders.pipeInput(HOLDING, new byte[] {0x7f, 1, 2, 3, 4, 5}, at("2003-07-11T09:46:00-04:00"));
            guard.rawAgreements.pipeInput(HOLDING, "{}".getBytes(), at("2003-07-11T09:47:00-04:00"));
            guard.orders.pipeInput("dutchess/OTHER", order("o", OrderKind.PUBLIC_SALE, 10),
                    at("2003-07-11T09:48:00-04:00"));

            // then all three are counted, so that one metric shows every dead letter
            assertThat(guard.drainDeadLetters()).hasSize(3);
            assertThat(observer.deadLetters).containsExactly(DeadLetterReason.UNDECODABLE,
                    DeadLetterReason.UNDECODABLE, DeadLetterReason.KEY_MISMATCH);
        }

        @Test
        void shouldDeadLetterUnknownSchemaIdAndTruncatedAvro() {
            registeredLetter();
            guard.rawOrders.pipeInput(HOLDING, new byte[] {0, 0, 0, 0x7f, 0x7f, 2}, at("2003-07-11T09:46:00-04:00"));
            byte[] good = guard.topics.orders().valueSerde().serializer()
                    .serialize("orders", order("x", OrderKind.PUBLIC_SALE, 10));
            guard.rawOrders.pipeInput(HOLDING, java.util.Arrays.copyOf(good, good.length - 1),
                    at("2003-07-11T09:47:00-04:00"));
            List<TestRecord<String, byte[]>> letters = guard.drainDeadLetters();
            assertThat(letters).extracting(l -> header(l, DeadLetters.MESSAGE_HEADER))
                    .satisfiesExactly(m -> assertThat(m).contains("schema id 32639"),
                            m -> assertThat(m).contains("not valid Avro"));
            assertThat(guard.drainDecisions()).isEmpty();
        }

        @Test
        void shouldDeadLetterAnOrderThatNamesItsSchemaInAHeaderSayingSo() {
            // given the letter, and an order as Confluent's serializers write it when told to name its schema in a
            // header: the Avro record alone in the value
            registeredLetter();
            byte[] framed = guard.topics.orders().valueSerde().serializer()
                    .serialize("orders", order("h1", OrderKind.PUBLIC_SALE, 10));
            Headers headers = new RecordHeaders().add("__value_schema_id", java.util.Arrays.copyOfRange(framed, 1, 5));

            // when it arrives
            guard.rawOrders.pipeInput(new TestRecord<>(HOLDING, java.util.Arrays.copyOfRange(framed, 5,
                    framed.length), headers, at("2003-07-11T09:46:00-04:00")));

            // then it is dead-lettered, saying why, and nothing is decided
            assertThat(guard.drainDeadLetters()).singleElement().satisfies(letter -> {
                assertThat(header(letter, DeadLetters.EXCEPTION_HEADER)).contains("SerializationException");
                assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("names its schema in its "
                        + "__value_schema_id header (Confluent's schema ids in headers), which the guard does not "
                        + "read");
            });
            assertThat(guard.drainDecisions()).isEmpty();
        }

        @Test
        void shouldChangeNothingForAnOrderWhoseDecisionCannotBeEncoded() {
            // given the letter, and a registry that refuses the decision's schema for orders-approved (another
            // record is registered under the subject, and its compatibility is FULL)
            registeredLetter();
            com.lockupguard.registry.InMemorySchemaRegistry registry =
                    com.lockupguard.registry.InMemorySchemaRegistry.scope(guard.registryScope);
            registry.register("orders-approved-value", org.apache.avro.SchemaBuilder.record("Other").fields()
                    .requiredString("x").endRecord());
            registry.setCompatibility("orders-approved-value", com.lockupguard.registry.CompatibilityLevel.FULL);
            // when an approvable order comes: its decision cannot be encoded
            guard.orders.pipeInput(HOLDING, order("e2", OrderKind.PUBLIC_SALE, 120_000),
                    at("2003-07-11T09:45:00-04:00"));
            // then it is dead-lettered with the registry's refusal, and no decision is sent
            assertThat(guard.drainDeadLetters()).extracting(l -> header(l, DeadLetters.MESSAGE_HEADER))
                    .singleElement().asString().contains("incompatible");
            assertThat(guard.drainDecisions()).isEmpty();
            // and nothing was counted or remembered: once the registry takes the schema, the first window is whole
            // and the same order is decided as new
            registry.setCompatibility("orders-approved-value", com.lockupguard.registry.CompatibilityLevel.NONE);
            Decision again = guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:50:00-04:00");
            assertThat(again.getOutcome()).isEqualTo(Outcome.APPROVED);
            assertThat(again.getRepeated()).isFalse();
            assertThat(again.getMaxAllowedNow()).isEqualTo(200_000);
        }

        @Test
        void shouldChangeNothingForAReportWhoseResultCannotBeEncoded() {
            // given an approval, and a registry that refuses the result's schema for execution-results
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            refuseSchemasOf("execution-results-value");
            // when a fill of the approval comes: its result cannot be encoded
            guard.orders.pipeInput(HOLDING, TopologyFixture.fill("x1", "e2", 100_000), at("2003-07-11T10:30:00-04:00"));
            // then it is dead-lettered once, with the registry's refusal, and no result is sent
            assertThat(guard.drainDeadLetters()).extracting(l -> header(l, DeadLetters.MESSAGE_HEADER))
                    .singleElement().asString().contains("incompatible");
            assertThat(guard.executionResults.isEmpty()).isTrue();
            // and nothing was applied: once the registry takes the schema, the same report is applied, not DUPLICATE
            acceptSchemasOf("execution-results-value");
            ReportResult again = guard.report(TopologyFixture.fill("x1", "e2", 100_000), "2003-07-11T10:35:00-04:00");
            assertThat(again.getOutcome()).isEqualTo(ExecutionResult.APPLIED);
            assertThat(again.getPosition().getSoldToDate()).isEqualTo(100_000);
            assertThat(rememberedOrder("e2").reservation().taken()).isEqualTo(100_000);
        }

        @Test
        void shouldChangeNothingForAReportWhoseAlertCannotBeEncoded() {
            // given 80,000 left in the first window, and a registry that refuses the alert's schema
            registeredLetter();
            guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
            refuseSchemasOf("compliance-alerts-value");
            // when 90,000 shares of an order never sent are reported filled: its alert cannot be encoded
            guard.orders.pipeInput(HOLDING, TopologyFixture.fill("x9", "z9", 90_000), at("2003-07-12T10:00:00-04:00"));
            // then it is dead-lettered, and neither its result nor its alert is sent
            assertThat(guard.drainDeadLetters()).extracting(l -> header(l, DeadLetters.MESSAGE_HEADER))
                    .singleElement().asString().contains("incompatible");
            assertThat(guard.executionResults.isEmpty()).isTrue();
            assertThat(guard.complianceAlerts.isEmpty()).isTrue();
            // and its shares were not counted: sent again, it is applied once, with its alert
            acceptSchemasOf("compliance-alerts-value");
            ReportResult again = guard.report(TopologyFixture.fill("x9", "z9", 90_000), "2003-07-12T10:05:00-04:00");
            assertThat(again.getOutcome()).isEqualTo(ExecutionResult.APPLIED);
            assertThat(again.getPosition().getSoldToDate()).isEqualTo(90_000);
            assertThat(guard.complianceAlerts.readValuesToList()).singleElement()
                    .satisfies(alert -> assertThat(alert.getExecutionId()).isEqualTo("x9"));
        }

        @Test
        void shouldNotPutInForceAnAgreementWhoseAuditCannotBeEncoded() {
            // given a registry that refuses the audit's schema for agreement-audit
            refuseSchemasOf("agreement-audit-value");
            // when the letter comes: its audit cannot be encoded
            guard.agreements.pipeInput(HOLDING, letter().setEffectiveAt(EFFECTIVE).build(),
                    at("2003-07-10T16:30:00-04:00"));
            // then it is dead-lettered, without an audit, and is not in force
            assertThat(guard.drainDeadLetters()).extracting(l -> header(l, DeadLetters.MESSAGE_HEADER))
                    .singleElement().asString().contains("incompatible");
            assertThat(guard.agreementAudit.isEmpty()).isTrue();
            assertThat(holdingState()).isNull();
            // and sent again once the registry takes the schema, it is applied as the first version, audited once
            acceptSchemasOf("agreement-audit-value");
            registeredLetter();
            assertThat(guard.agreementAudit.readValuesToList()).singleElement().satisfies(audit -> {
                assertThat(audit.getOutcome()).isEqualTo(AgreementOutcome.APPLIED);
                assertThat(audit.getAgreementVersion()).isEqualTo(1L);
            });
        }

        /** The registry refuses what the guard writes under {@code subject}: another record is its schema, FULL. */
        private void refuseSchemasOf(String subject) {
            com.lockupguard.registry.InMemorySchemaRegistry registry =
                    com.lockupguard.registry.InMemorySchemaRegistry.scope(guard.registryScope);
            registry.register(subject, org.apache.avro.SchemaBuilder.record("Other").fields().requiredString("x")
                    .endRecord());
            registry.setCompatibility(subject, com.lockupguard.registry.CompatibilityLevel.FULL);
        }

        private void acceptSchemasOf(String subject) {
            com.lockupguard.registry.InMemorySchemaRegistry.scope(guard.registryScope)
                    .setCompatibility(subject, com.lockupguard.registry.CompatibilityLevel.NONE);
        }

        @Test
        void shouldDeadLetterUndecodableAgreement() {
            guard.rawAgreements.pipeInput(HOLDING, "{\"json\":true}".getBytes(), at("2003-04-28T09:00:00-04:00"));
            TestRecord<String, byte[]> letter = guard.deadLetters.readRecord();
            assertThat(header(letter, DeadLetters.TOPIC_HEADER)).isEqualTo("agreements");
            assertThat(holdingState()).isNull();
        }

        @Test
        void shouldDeadLetterOrderKeyedToAnotherHolding() {
            registeredLetter();
            guard.orders.pipeInput("dutchess/OTHER", order("o", OrderKind.PUBLIC_SALE, 10),
                    at("2003-07-11T09:45:00-04:00"));
            TestRecord<String, byte[]> letter = guard.deadLetters.readRecord();
            assertThat(header(letter, DeadLetters.REASON_HEADER)).isEqualTo("KEY_MISMATCH");
            assertThat(header(letter, DeadLetters.MESSAGE_HEADER)).contains("dutchess/OTHER").contains(HOLDING);
            assertThat(guard.drainDecisions()).isEmpty();
            assertThat(guard.topics.orders().valueSerde().deserializer().deserialize("orders", letter.value()))
                    .as("the dead letter holds the order as it was").isEqualTo(order("o", OrderKind.PUBLIC_SALE, 10));
        }

        @Test
        void shouldDeadLetterOrderTombstone() {
            guard.orders.pipeInput(HOLDING, null, at("2003-07-11T09:45:00-04:00"));
            assertThat(header(guard.deadLetters.readRecord(), DeadLetters.REASON_HEADER)).isEqualTo("TOMBSTONE");
        }
    }

    @Test
    void shouldRecordHoldingStateInItsChangelog() {
        registeredLetter();
        guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
        var changelog = guard.driver.createOutputTopic("lockup-guard-test-holding-state-changelog",
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        StateCodec codec = guard.topics.stateCodec();
        List<HoldingState> states = changelog.readValuesToList().stream()
                .map(value -> codec.holding(value).state()).toList();
        assertThat(states).hasSize(2);
        assertThat(states.get(1).usedTotal()).isEqualTo(120_000);
    }

    @Test
    void shouldRecordRememberedIdsAndTheReleaseScheduleInTheirChangelogs() {
        // given the letter, an approved order and its fill
        registeredLetter();
        guard.decide(order("e2", OrderKind.PUBLIC_SALE, 120_000), "2003-07-11T09:45:00-04:00");
        guard.report(TopologyFixture.fill("x1", "e2", 100_000), "2003-07-11T10:30:00-04:00");
        // when another instance takes the holding over, it has only the changelogs to restore from
        // then the order id, the execution id and the holding's next boundary are in them: without them it would
        // count a retried order again, apply a redelivered fill again, and publish no release
        assertThat(changelogKeys(StoreNames.SEEN_ORDERS)).contains(StoreNames.idKey(HOLDING, "e2"));
        assertThat(changelogKeys(StoreNames.SEEN_EXECUTIONS)).contains(StoreNames.idKey(HOLDING, "x1"));
        assertThat(changelogKeys(StoreNames.RELEASE_SCHEDULE)).anySatisfy(key -> assertThat(key).endsWith(HOLDING));
    }

    private List<String> changelogKeys(String store) {
        return guard.driver.createOutputTopic(StoreNames.changelogTopic("lockup-guard-test", store),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readKeyValuesToList().stream()
                .map(entry -> entry.key).toList();
    }

    private RememberedOrder rememberedOrder(String orderId) {
        KeyValueStore<String, byte[]> seenOrders = guard.driver.getKeyValueStore(StoreNames.SEEN_ORDERS);
        return guard.topics.stateCodec().order(seenOrders.get(StoreNames.idKey(HOLDING, orderId)), orderId);
    }

    private HoldingState holdingState() {
        KeyValueStore<String, byte[]> store = guard.driver.getKeyValueStore(StoreNames.HOLDING_STATE);
        byte[] stored = store.get(HOLDING);
        return stored == null ? null : guard.topics.stateCodec().holding(stored).state();
    }

    static String header(TestRecord<String, byte[]> record, String name) {
        return DeadLetters.header(record.headers(), name).orElse(null);
    }
}
