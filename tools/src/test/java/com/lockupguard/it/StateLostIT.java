package com.lockupguard.it;

import static com.lockupguard.it.Scenario.LETTER_AGREEMENT;
import static com.lockupguard.it.Scenario.letterSale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.topology.DecisionObserver;
import com.lockupguard.topology.StoreNames;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.tools.StreamsResetter;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a guard kept of its past, deleted. The changelogs of its state (by hand, by a tool that removes the topics it
 * does not know of): Kafka Streams would create them again, empty, and restore nothing from them, not even from a local
 * state directory. Seen here before the guard checked: with the changelogs deleted while it was stopped, it started
 * and blocked every order UNKNOWN_AGREEMENT (its agreements forgotten, and with them the shares it had approved);
 * deleted while it ran, it decided nothing more for minutes, its producer retrying the sends to them, while it said
 * RUNNING. Its positions on the inputs (the broker deletes them some time after the last instance stopped): it read
 * the inputs again from the first.
 */
@Timeout(300)
class StateLostIT {

    @TempDir
    Path stateDirs;

    @Test
    void shouldRefuseToStartWithoutItsStateUntilKafkasResetToolRebuildsItFromTheInputs() throws Exception {
        String scope = "state-lost-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that approved 150,000 shares of the first release's 200,000, and stopped
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-state-lost", scope);
            BrokerIO io = new BrokerIO(settings);
            approveTheFirstSaleAndStop(settings, io);

            // when the changelogs of its state are deleted
            deleteChangelogs(settings, "guard-state-lost");

            // then it refuses to start, even with its state directory, saying why and how to rebuild the state
            assertThatThrownBy(() -> GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("this guard's state is gone: it (application.id=guard-state-lost) has "
                            + "decided here, Kafka Streams having committed its positions on 'agreements' and 'orders' "
                            + "(2 offsets in all), but its changelogs 'guard-state-lost-holding-state-changelog' and "
                            + "'guard-state-lost-seen-orders-changelog' are missing")
                    .hasMessageContaining("kafka-streams-application-reset --bootstrap-server <servers> "
                            + "--application-id guard-state-lost --input-topics agreements,orders");
            // and config --check says so without starting
            StringWriter out = new StringWriter();
            assertThat(ConfigCheck.run(settings, out)).isEqualTo(1);
            assertThat(out.toString()).contains("# topics: `run` would refuse to start: this guard's state is gone");

            // when the state is rebuilt as the refusal says: Kafka's own reset tool, a new state directory
            int reset = new StreamsResetter().execute(new String[] {"--bootstrap-server", kafka.bootstrapServers(),
                    "--application-id", "guard-state-lost", "--input-topics", "agreements,orders"});
            assertThat(reset).as("kafka-streams-application-reset's exit code").isZero();
            try (GuardInstance rebuilt = GuardInstance.start(settings, stateDirs.resolve("b"), DecisionObserver.NONE)) {
                io.produce(Scenario.of(List.of(letterSale("e2", "2003-07-11T10:00:00-04:00"))));

                // then it starts, decides the kept order again (a second decision beside the first), and knows the
                // 150,000 approved: a second sale of 150,000 is blocked, 50,000 being left
                List<Scenario.Outcome> decisions = BrokerIO.outcomes(io.awaitDecisions(3, Duration.ofSeconds(60)));
                assertThat(decisions).extracting(Scenario.Outcome::orderId, Scenario.Outcome::decision)
                        .containsExactly(tuple("e1", "APPROVED"),
                                tuple("e1", "APPROVED"),
                                tuple("e2", "BLOCKED"));
                assertThat(decisions.get(2).maxAllowedNow()).isEqualTo(50_000L);
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldRefuseToStartWithoutItsPositionsUntilTheyAreSetWhereItStopped() throws Exception {
        String scope = "positions-lost-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that approved 150,000 shares of the first release's 200,000, and stopped
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-positions-lost", scope);
            BrokerIO io = new BrokerIO(settings);
            approveTheFirstSaleAndStop(settings, io);

            // when its positions on the inputs are deleted, as the broker does offsets.retention.minutes after the
            // last instance stopped (seen before the check: started, it read both inputs again from the first, and
            // wrote a second decision for the order)
            deletePositions(settings, "guard-positions-lost");

            // then it refuses to start, saying why and how to set them
            assertThatThrownBy(() -> GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("this guard's positions on its inputs are gone: it "
                            + "(application.id=guard-positions-lost) has state")
                    .hasMessageContaining("kafka-consumer-groups --bootstrap-server <servers> --group "
                            + "guard-positions-lost --reset-offsets --topic orders:<partition> --to-datetime <time> "
                            + "--execute, and the same for 'agreements'");
            StringWriter out = new StringWriter();
            assertThat(ConfigCheck.run(settings, out)).isEqualTo(1);
            assertThat(out.toString()).contains("# topics: `run` would refuse to start: this guard's positions on its "
                    + "inputs are gone");

            // when they are set as the refusal says, by Kafka's own tool: each input at the time of the last record
            // the guard took from it (one partition of each holds them: the others are set to their ends)
            resetOffsets(kafka, "guard-positions-lost", "--topic", "orders", "--to-datetime",
                    "2003-07-11T13:45:00.000+00:00");
            resetOffsets(kafka, "guard-positions-lost", "--topic", "agreements", "--to-datetime",
                    "2003-04-28T13:00:00.000+00:00");

            // then it starts where it stopped: the last order, read again, is answered as before, and the next sale
            // is decided with the 150,000 approved
            try (GuardInstance guard = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
                io.produce(Scenario.of(List.of(letterSale("e2", "2003-07-11T10:00:00-04:00"))));
                List<Scenario.Outcome> decisions = BrokerIO.outcomes(io.awaitDecisions(3, Duration.ofSeconds(60)));
                assertThat(decisions).extracting(Scenario.Outcome::orderId, Scenario.Outcome::decision)
                        .containsExactly(tuple("e1", "APPROVED"), tuple("e1", "APPROVED"), tuple("e2", "BLOCKED"));
                assertThat(decisions.get(2).maxAllowedNow()).isEqualTo(50_000L);
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldRefuseToStartWithAChangelogGoneThoughItsPositionsWereSetByHand() throws Exception {
        String scope = "part-lost-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that approved a sale and stopped, whose positions (its group) were deleted, and then the
            // changelog of the orders it remembered: a group that looks abandoned, and its topics, cleaned up
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-part-lost", scope);
            BrokerIO io = new BrokerIO(settings);
            approveTheFirstSaleAndStop(settings, io);
            String seenOrders = StoreNames.changelogTopic("guard-part-lost", StoreNames.SEEN_ORDERS);
            deletePositions(settings, "guard-part-lost");
            deleteTopics(settings, List.of(seenOrders));

            // then it refuses to start for its state, not only its positions
            assertRefusedToStartAsStateGone(settings, "this guard's state is gone in part: it "
                    + "(application.id=guard-part-lost) has no committed position on 'agreements' and 'orders', but "
                    + "its changelog");
            assertThat(refusal(settings)).contains("'guard-part-lost-holding-state-changelog'")
                    .contains("while 'guard-part-lost-seen-orders-changelog' is missing");

            // when its positions are set by hand, as a refusal for lost positions alone asks (seen in a review
            // before this check: the guard then started, every order and open approval forgotten)
            resetOffsets(kafka, "guard-part-lost", "--topic", "agreements", "--topic", "orders", "--to-latest");

            // then it still refuses, saying the positions carry none of Kafka Streams' metadata
            assertRefusedToStartAsStateGone(settings, "this guard's state is gone in part: it "
                    + "(application.id=guard-part-lost) has only positions set by hand (without Kafka Streams' "
                    + "metadata) on 'agreements' and 'orders', but its changelog");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldRefuseToStartWithItsRememberedOrdersCreatedAgainBesidePositionsSetByHand() throws Exception {
        String scope = "part-emptied-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that approved a sale and stopped, whose positions were deleted and whose remembered
            // orders' changelog was deleted and created again, empty (a topic operator that creates what it
            // manages), its positions then set by hand
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-part-emptied", scope);
            BrokerIO io = new BrokerIO(settings);
            approveTheFirstSaleAndStop(settings, io);
            deletePositions(settings, "guard-part-emptied");
            createAgain(settings, StoreNames.changelogTopic("guard-part-emptied", StoreNames.SEEN_ORDERS));
            resetOffsets(kafka, "guard-part-emptied", "--topic", "agreements", "--topic", "orders", "--to-latest");

            // then it refuses to start (seen in a review before this check: config --check passed it)
            assertRefusedToStartAsStateGone(settings, "this guard's state is gone in part: it "
                    + "(application.id=guard-part-emptied) has only positions set by hand");
            assertThat(refusal(settings)).contains("'guard-part-emptied-seen-orders-changelog' was never written, "
                    + "though '").contains("orders-approved', written with it, holds records");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** Why a guard with {@code settings} refuses to start. */
    private String refusal(Map<String, String> settings) {
        try (GuardInstance started = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
            throw new AssertionError("started");
        } catch (IllegalStateException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldRefuseToStartOnInputsOfAnotherNameSayingTheyWereRenamedNotThatItsPositionsWereLost() throws Exception {
        String scope = "inputs-renamed-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that decided an order, and stopped
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-inputs-renamed", scope);
            approveTheFirstSaleAndStop(settings, new BrokerIO(settings));

            // when it is started with its inputs named otherwise
            Map<String, String> renamed = new HashMap<>(settings);
            renamed.put(GuardConfig.TOPIC_AGREEMENTS_CONFIG, "agreements-2");
            renamed.put(GuardConfig.TOPIC_ORDERS_CONFIG, "orders-2");

            // then it refuses, naming the topics it read and the settings that changed, rather than advise resetting
            // positions that expired
            assertThatThrownBy(() -> GuardInstance.start(renamed, stateDirs.resolve("a"), DecisionObserver.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("this guard's inputs are not the ones it read: it "
                            + "(application.id=guard-inputs-renamed) has state")
                    .hasMessageContaining("positions committed on 'agreements', 'orders', but none on 'agreements-2' "
                            + "or 'orders-2'. Were topic.agreements or topic.orders changed?");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldStartAfterAFirstRunThatCommittedNothing() throws Exception {
        String scope = "nothing-committed-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a first run that wrote to its holdings' changelog and stopped before its first commit: the
            // records of its aborted transaction take offsets, and it has no position on the inputs
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-nothing-committed", scope);
            String changelog = StoreNames.changelogTopic("guard-nothing-committed", StoreNames.HOLDING_STATE);
            GuardConfig config = new GuardConfig(settings);
            try (Admin admin = Admin.create(config.adminProperties())) {
                admin.createTopics(List.of(new NewTopic(changelog, 4, (short) 1).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
            }
            Properties producer = config.producerProperties();
            producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "guard-nothing-committed-first-run");
            try (KafkaProducer<byte[], byte[]> first = new KafkaProducer<>(producer, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                first.initTransactions();
                first.beginTransaction();
                first.send(new ProducerRecord<>(changelog, 0, "dutchess/CBYI".getBytes(), new byte[] {1})).get();
                first.abortTransaction();
            }

            // when it starts again, then it starts: nothing it decided was kept, so nothing is decided twice
            try (GuardInstance guard = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
                approveTheFirstSale(new BrokerIO(settings));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldStartAgainAfterAFirstRunThatReadNoRecord() throws Exception {
        String scope = "nothing-read-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a first run on inputs still empty, stopped once it had committed what it writes at start (each
            // task's mark that the release schedule holds every holding): a changelog holding a committed record,
            // and no position on the inputs, since no record was read (seen: refused as positions gone at the next
            // start, a new deployment rolled before its first order crash-looping)
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-nothing-read", scope);
            String schedule = StoreNames.changelogTopic("guard-nothing-read", StoreNames.RELEASE_SCHEDULE);
            try (GuardInstance first = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> committedRecords(settings, schedule) > 0);
            }

            // when it starts again, then it starts, and decides
            try (GuardInstance again = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
                approveTheFirstSale(new BrokerIO(settings));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldRefuseToStartWhenItsRememberedOrdersWereDeletedAndCreatedAgainWhileItWasStopped() throws Exception {
        String scope = "orders-emptied-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that approved 150,000 shares of the first release's 200,000, and stopped
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-orders-emptied", scope);
            BrokerIO io = new BrokerIO(settings);
            approveTheFirstSaleAndStop(settings, io);

            // when the changelog of its remembered orders is deleted and created again as it was, as a tool that
            // creates the topics it manages would: present, so the check for a missing changelog does not see it
            createAgain(settings, StoreNames.changelogTopic("guard-orders-emptied", StoreNames.SEEN_ORDERS));

            // then it refuses to start, saying why and how to rebuild the state, and config --check says so
            assertRefusedToStartAsStateGone(settings, "this guard's state is gone: it "
                    + "(application.id=guard-orders-emptied) has decided here, Kafka Streams having committed its "
                    + "positions on 'orders' (1 offsets in all), and 'orders-approved' holds approvals, each "
                    + "remembered in the changelog 'guard-orders-emptied-seen-orders-changelog' as it was sent; but "
                    + "that changelog has never been written");

            // and told to start anyway, on a new host (its state restored from the changelogs alone), it does what
            // the refusal prevents: the approved order, sent again as a client retries, is no longer answered as
            // before but decided again, against the shares it took itself
            settings.put(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN);
            try (GuardInstance told = GuardInstance.start(settings, stateDirs.resolve("b"), DecisionObserver.NONE)) {
                io.produce(Scenario.of(List.of(letterSale("e1", "2003-07-11T09:45:00-04:00"))));
                // (the two share a timestamp and sit on two topics: their order as read is not theirs)
                assertThat(BrokerIO.outcomes(io.awaitDecisions(2, Duration.ofSeconds(60))))
                        .extracting(Scenario.Outcome::orderId, Scenario.Outcome::decision)
                        .containsExactlyInAnyOrder(tuple("e1", "APPROVED"), tuple("e1", "BLOCKED"));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldRefuseToStartWhenItsHoldingsWereDeletedAndCreatedAgainWhileItWasStopped() throws Exception {
        String scope = "holdings-emptied-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that approved 150,000 shares of the first release's 200,000, and stopped
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-holdings-emptied", scope);
            BrokerIO io = new BrokerIO(settings);
            approveTheFirstSaleAndStop(settings, io);

            // when the changelog of its holdings' state is deleted and created again as it was
            createAgain(settings, StoreNames.changelogTopic("guard-holdings-emptied", StoreNames.HOLDING_STATE));

            // then it refuses to start, saying why and how to rebuild the state, and config --check says so
            assertRefusedToStartAsStateGone(settings, "this guard's state is gone: it "
                    + "(application.id=guard-holdings-emptied) has decided here, Kafka Streams having committed its "
                    + "positions on 'agreements' and 'orders' (2 offsets in all), and 'holding-positions' holds the "
                    + "holdings' positions, each published with the holding's state written to the changelog "
                    + "'guard-holdings-emptied-holding-state-changelog'; but that changelog has never been written");

            // and told to start anyway, on a new host, it does what the refusal prevents: the holding's agreement is
            // unknown until it is sent again, and then the 150,000 approved are forgotten, so that a second sale of
            // 150,000 is approved: 300,000 of a first release of 200,000
            settings.put(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_WARN);
            try (GuardInstance told = GuardInstance.start(settings, stateDirs.resolve("b"), DecisionObserver.NONE)) {
                io.produce(Scenario.of(List.of(letterSale("e2", "2003-07-11T10:00:00-04:00"))));
                assertThat(BrokerIO.outcomes(io.awaitDecisions(2, Duration.ofSeconds(60))).get(1).reasons())
                        .containsExactly("UNKNOWN_AGREEMENT");
                io.produce(Scenario.of(List.of(LETTER_AGREEMENT, letterSale("e3", "2003-07-11T10:15:00-04:00"))));
                assertThat(BrokerIO.outcomes(io.awaitDecisions(3, Duration.ofSeconds(60))))
                        .extracting(Scenario.Outcome::orderId, Scenario.Outcome::decision)
                        .containsExactly(tuple("e1", "APPROVED"), tuple("e2", "BLOCKED"), tuple("e3", "APPROVED"));
            }

            // and once that guard has written its holdings' state again, the check no longer refuses: the changelog
            // it had then is the one it restores from
            settings.put(GuardConfig.TOPICS_LOST_STATE_CHECK_CONFIG, GuardConfig.RETENTION_CHECK_FAIL);
            GuardInstance.start(settings, stateDirs.resolve("c"), DecisionObserver.NONE).close();
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldStartWhenItsOnlyPositionBesideAnUnwrittenHoldingsChangelogWasAborted() throws Exception {
        String scope = "position-aborted-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that decided an order without writing any holding (no agreement yet), and stopped
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-position-aborted", scope);
            BrokerIO io = new BrokerIO(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
                io.produce(Scenario.of(List.of(letterSale("e1", "2003-07-11T09:45:00-04:00"))));
                assertThat(BrokerIO.outcomes(io.awaitDecisions(1, Duration.ofSeconds(60))))
                        .extracting(Scenario.Outcome::reasons).containsExactly(List.of("UNKNOWN_AGREEMENT"));
            }
            // and then, as a guard stopped while sending its first transaction that wrote a holding leaves it, a
            // position that reached the broker without its holding's state, and was aborted
            Properties producer = new GuardConfig(settings).producerProperties();
            producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "guard-position-aborted-stopped");
            try (KafkaProducer<byte[], byte[]> stopped = new KafkaProducer<>(producer, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                stopped.initTransactions();
                stopped.beginTransaction();
                stopped.send(new ProducerRecord<>("holding-positions", "dutchess/CBYI".getBytes(), new byte[] {0}))
                        .get();
                stopped.abortTransaction();
            }

            // when it starts again, then it starts: its holdings' changelog was never written, and no position of
            // its was committed either
            try (GuardInstance again = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
                io.produce(Scenario.of(List.of(LETTER_AGREEMENT, letterSale("e2", "2003-07-11T10:00:00-04:00"))));
                assertThat(BrokerIO.outcomes(io.awaitDecisions(2, Duration.ofSeconds(60))))
                        .extracting(Scenario.Outcome::orderId, Scenario.Outcome::decision)
                        .containsExactly(tuple("e1", "BLOCKED"), tuple("e2", "APPROVED"));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    @Test
    void shouldStopWhenItsStateIsDeletedWhileItRuns() throws Exception {
        String scope = "state-deleted-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a guard that reads its topics again every half second, having approved a sale
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-state-deleted", scope);
            settings.put(GuardConfig.TOPICS_CHECK_INTERVAL_MS_CONFIG, "500");
            BrokerIO io = new BrokerIO(settings);
            try (GuardInstance guard = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
                approveTheFirstSale(io);

                // when the changelogs of its state are deleted
                deleteChangelogs(settings, "guard-state-deleted");

                // then it stops, saying why, no longer ready
                await().atMost(Duration.ofSeconds(30)).dontCatchUncaughtExceptions()
                        .until(() -> guard.service().state() == KafkaStreams.State.NOT_RUNNING
                                || guard.service().state() == KafkaStreams.State.ERROR);
                assertThat(guard.service().isReady()).isFalse();
                assertThat(guard.service().failure()).hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("the guard's state was deleted while it ran: "
                                + "'guard-state-deleted-holding-state-changelog' was deleted, "
                                + "'guard-state-deleted-seen-orders-changelog' was deleted."));
            }

            // and started again, it refuses: it did not create them again, empty
            assertThatThrownBy(() -> GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("this guard's state is gone");
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** Starts a guard on state directory "a", has it approve the first sale ({@link #approveTheFirstSale}), stops. */
    private void approveTheFirstSaleAndStop(Map<String, String> settings, BrokerIO io) throws Exception {
        try (GuardInstance guard = GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE)) {
            approveTheFirstSale(io);
        }
    }

    /** Sends the agreement and a sale of 150,000 of its first release, and waits for the sale's approval. */
    private static void approveTheFirstSale(BrokerIO io) throws InterruptedException {
        io.produce(Scenario.of(List.of(LETTER_AGREEMENT, letterSale("e1", "2003-07-11T09:45:00-04:00"))));
        assertThat(BrokerIO.outcomes(io.awaitDecisions(1, Duration.ofSeconds(60))))
                .extracting(Scenario.Outcome::decision).containsExactly("APPROVED");
    }

    /** That a guard with {@code settings} refuses to start saying {@code reason} and the reset, as config --check. */
    private void assertRefusedToStartAsStateGone(Map<String, String> settings, String reason) throws Exception {
        assertThatThrownBy(() -> GuardInstance.start(settings, stateDirs.resolve("a"), DecisionObserver.NONE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(reason)
                .hasMessageContaining("kafka-streams-application-reset");
        StringWriter out = new StringWriter();
        assertThat(ConfigCheck.run(settings, out)).isEqualTo(1);
        assertThat(out.toString()).contains("# topics: `run` would refuse to start: this guard's state is gone");
    }

    /** The records {@code topic} holds that a transaction committed, read from the first. */
    private static int committedRecords(Map<String, String> settings, String topic) {
        Properties properties = new GuardConfig(settings).consumerProperties();
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(partition -> new TopicPartition(topic, partition.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> reader.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                read += reader.poll(Duration.ofMillis(200)).count();
            }
            return read;
        }
    }

    /** Deletes {@code changelog} and creates it again as it was, as a tool that creates the topics it manages would. */
    private static void createAgain(Map<String, String> settings, String changelog) throws Exception {
        try (Admin admin = Admin.create(new GuardConfig(settings).adminProperties())) {
            int partitions = admin.describeTopics(List.of(changelog)).allTopicNames().get().get(changelog)
                    .partitions().size();
            admin.deleteTopics(List.of(changelog)).all().get();
            NewTopic again = new NewTopic(changelog, partitions, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.createTopics(List.of(again)).all().get() == null);
        }
    }

    /** Deletes the changelogs of the state {@code applicationId} always keeps. */
    private static void deleteChangelogs(Map<String, String> settings, String applicationId) throws Exception {
        deleteTopics(settings, StoreNames.alwaysKept().stream()
                .map(store -> StoreNames.changelogTopic(applicationId, store)).toList());
    }

    /** Deletes {@code topics}, and waits until the cluster no longer lists them. */
    private static void deleteTopics(Map<String, String> settings, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(new GuardConfig(settings).adminProperties())) {
            admin.deleteTopics(topics).all().get();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Collections.disjoint(admin.listTopics().names().get(), topics));
        }
    }

    /**
     * Deletes the positions of {@code applicationId} (its consumer group) on its inputs, as the broker does
     * offsets.retention.minutes after the group's last instance stopped.
     */
    private static void deletePositions(Map<String, String> settings, String applicationId) throws Exception {
        try (Admin admin = Admin.create(new GuardConfig(settings).adminProperties())) {
            admin.deleteConsumerGroups(List.of(applicationId)).all().get();
        }
    }

    /** {@code kafka-consumer-groups --reset-offsets ... --execute} on {@code group}, failing if it fails. */
    private static void resetOffsets(TestKafka kafka, String group, String... how) {
        Exit.setExitProcedure((code, message) -> {
            throw new AssertionError("kafka-consumer-groups exited " + code + ": " + message);
        });
        try {
            List<String> arguments = new ArrayList<>(List.of("--bootstrap-server", kafka.bootstrapServers(),
                    "--group", group, "--reset-offsets"));
            arguments.addAll(List.of(how));
            arguments.add("--execute");
            ConsumerGroupCommand.main(arguments.toArray(new String[0]));
        } finally {
            Exit.resetExitProcedure();
        }
    }
}
