package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchRuntimeException;

import ch.qos.logback.classic.Level;
import com.lockupguard.state.RocksDBMemory;
import com.lockupguard.state.RocksDBMemoryConfigSetter;
import com.lockupguard.state.StateCodec;
import com.lockupguard.testing.CapturedLogs;
import com.lockupguard.topology.DecisionObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard's lifecycle as its callers (run, demo, bench) wait on it, without a broker. */
class GuardServiceTest {

    @TempDir
    Path stateDir;

    /** A guard's settings with no broker behind them: the service is made, never started. */
    private GuardConfig unreachableCluster() {
        return new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString()));
    }

    @Test
    void shouldSayTheGuardIsNotRunningWhenItDidNotGetThereInTime() throws Exception {
        // given a guard that never starts (its cluster never answers, a rebalance that never ends)
        GuardConfig config = unreachableCluster();
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a caller waits for it to run, then it is told it did not, once the time is up
            long waited = System.nanoTime();
            assertThat(service.awaitRunning(Duration.ofMillis(200))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - waited)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(service.isReady()).isFalse();
        }
    }

    @Test
    void shouldRefuseARocksDbConfigSetterThatIsNoneAndTheGuardsOwnWithoutItsMemory() {
        // given a rocksdb.config.setter that is not one, and the guard's own with the bound turned off
        Map<String, String> base = Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString());
        Map<String, String> notASetter = new HashMap<>(base);
        notASetter.put("rocksdb.config.setter", "java.lang.String");
        Map<String, String> ownUnbounded = new HashMap<>(base);
        ownUnbounded.put("rocksdb.config.setter", RocksDBMemoryConfigSetter.class.getName());
        ownUnbounded.put("rocksdb.memory.bytes", "-1");

        // when the guard is made, then each is refused, naming the setting, before any store opens
        assertThatThrownBy(() -> GuardService.create(new GuardConfig(notASetter), DecisionObserver.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rocksdb.config.setter")
                .hasMessageContaining("is not a org.apache.kafka.streams.state.RocksDBConfigSetter");
        assertThatThrownBy(() -> GuardService.create(new GuardConfig(ownUnbounded), DecisionObserver.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rocksdb.config.setter")
                .hasMessageContaining("rocksdb.memory.bytes=-1");
    }

    @Test
    void shouldSayAStateDirectoryHeldByAnotherInstanceOfTheGuardInItsOwnWords() {
        // given a guard made on a state directory
        GuardConfig config = unreachableCluster();
        try (GuardService first = GuardService.create(config, DecisionObserver.NONE)) {
            // when a second instance of it is made on the same one (two guards on a host with one state.dir)
            // then it is refused, saying which directory, whose, and what to do (before: Kafka Streams' "Unable to
            // initialize state", under its class name)
            assertThatThrownBy(() -> GuardService.create(config, DecisionObserver.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the state directory " + stateDir.resolve("lockup-guard") + " is held by another "
                            + "instance of this guard (application.id=lockup-guard) on this machine: give each "
                            + "instance a state.dir of its own, or stop the other");
        }
    }

    @Test
    void shouldFreeTheRocksDbMemoryOnceClosed() {
        // given a guard with the default bound
        GuardConfig config = unreachableCluster();
        GuardService service = GuardService.create(config, DecisionObserver.NONE);
        RocksDBMemory memory = service.rocksDBMemory().orElseThrow();
        assertThat(memory.limit()).isEqualTo(256L * 1024 * 1024);

        // when it is closed
        service.close();

        // then its memory is freed: refused to a store that would open now, rather than given freed native memory
        java.util.Properties settings = new java.util.Properties();
        memory.applyTo(settings, null);
        Map<String, Object> configs = new HashMap<>();
        settings.forEach((key, value) -> configs.put((String) key, value));
        try (org.rocksdb.Options options = new org.rocksdb.Options()) {
            assertThatThrownBy(() -> new RocksDBMemoryConfigSetter().setConfig("holding-state", options, configs))
                    .hasMessageContaining("after its guard closed");
        }
        assertThat(memory.used()).isZero();
    }

    @Test
    void shouldNotWaitForAGuardThatStoppedToRun() throws Exception {
        // given a guard that was closed (or failed with no thread left)
        GuardConfig config = unreachableCluster();
        GuardService service = GuardService.create(config, DecisionObserver.NONE);
        service.close();

        // when a caller waits for it to run
        long waited = System.nanoTime();
        boolean running = service.awaitRunning(Duration.ofSeconds(20));

        // then it is told at once that it will not, rather than after the whole wait
        assertThat(running).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - waited)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldStopRatherThanReplaceAStreamThreadThatKafkaRefusesItsChangelogs() {
        // given a guard whose cluster has lost brokers since the start counted them
        GuardConfig config = unreachableCluster();
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a stream thread fails because Kafka refuses to create a changelog with that many replicas
            StreamThreadExceptionResponse response = service.onThreadFailure(new StreamsException(
                    "Could not create topic guard-holding-state-changelog",
                    new InvalidReplicationFactorException("Unable to replicate the partition 3 time(s): The target "
                            + "replication factor of 3 cannot be reached because only 1 broker(s) are registered.")));

            // then the guard stops, saying why and what to set: a replacement would be refused the same, for ever
            assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(service.stopped()).hasValueSatisfying(stop -> assertThat(stop.reason())
                    .startsWith("Kafka refuses to create the guard's changelogs (Unable to replicate the partition 3 "
                            + "time(s)")
                    .endsWith("set replication.factor to at most the cluster's brokers, or -1, and start it again"));
        }
    }

    @Test
    void shouldStopRatherThanReplaceAStreamThreadThatKafkaRefusesItsChangelogsForATopicSetting() {
        // given a guard told a changelog setting the broker refuses, which the start could not ask about
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString(), "topic.segment.bytes", "abc"));
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a stream thread fails because Kafka refuses to create a changelog with it
            StreamThreadExceptionResponse response = service.onThreadFailure(new StreamsException(
                    "Could not create topic guard-holding-state-changelog",
                    new InvalidConfigurationException("Invalid value abc for configuration segment.bytes")));

            // then the guard stops, saying why and what to correct: a replacement would be refused the same, for ever;
            // and what anyone may read of it does not blame the replicas
            assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(service.stopped()).hasValueSatisfying(stop -> {
                assertThat(stop.kind()).isEqualTo("Kafka refuses to create its changelogs");
                assertThat(stop.reason()).startsWith("Kafka refuses to create the guard's changelogs (Invalid value "
                        + "abc for configuration segment.bytes)")
                        .contains("correct or remove the topic.* setting named");
            });
        }
    }

    @Test
    void shouldStopRatherThanReplaceAStreamThreadWhoseTransactionTimeoutTheBrokersRefuse() {
        // given a guard whose producers ask for longer transactions than the brokers allow
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString(),
                "producer.transaction.timeout.ms", "1800000"));
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a stream thread fails as the brokers refuse its first transactional request
            StreamThreadExceptionResponse response = service.onThreadFailure(new StreamsException(
                    "Error encountered trying to initialize transactions", new KafkaException("Unexpected error in "
                            + "InitProducerIdResponse; The transaction timeout is larger than the maximum value "
                            + "allowed by the broker (as configured by transaction.max.timeout.ms).")));

            // then the guard stops, naming the setting: a replacement would be refused the same, for ever
            assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(service.stopped()).hasValueSatisfying(stop -> {
                assertThat(stop.kind()).isEqualTo("Kafka refuses its transactions' timeout");
                assertThat(stop.reason()).startsWith("Kafka refuses the guard's transactions (")
                        .contains("producer.transaction.timeout.ms=1800000 is above the brokers' "
                                + "transaction.max.timeout.ms");
            });
        }
    }

    @Test
    void shouldStopRatherThanReplaceAStreamThreadWhoseSessionTimeoutTheBrokersRefuse() {
        // given a guard whose main consumer asks for a session shorter than the brokers allow
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString(),
                "main.consumer.session.timeout.ms", "4000"));
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a stream thread fails as the group coordinator refuses its JoinGroup
            StreamThreadExceptionResponse response = service.onThreadFailure(new StreamsException(
                    new org.apache.kafka.common.errors.InvalidSessionTimeoutException("The session timeout is not "
                            + "within the range allowed by the broker (as configured by group.min.session.timeout.ms "
                            + "and group.max.session.timeout.ms).")));

            // then the guard stops, naming the setting as given: each replacement was refused at once, for ever
            assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(service.stopped()).hasValueSatisfying(stop -> {
                assertThat(stop.kind()).isEqualTo("Kafka refuses its consumer group session timeout");
                assertThat(stop.reason()).startsWith("Kafka refuses the guard's group session (The session timeout "
                        + "is not within").endsWith("set main.consumer.session.timeout.ms=4000 within the brokers' "
                        + "group.min.session.timeout.ms and group.max.session.timeout.ms (6000 and 1800000 by "
                        + "default), and start the guard again");
            });
        }
    }

    @Test
    void shouldStopRatherThanReplaceAStreamThreadWhoseStateRecordAChangelogRefuses() {
        // given a guard whose changelogs were given a size limit below its state's records
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString(), "application.id", "desk-guard"));
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a stream thread fails as Kafka Streams 4.4 reports the broker's refusal of a changelog record
            StreamThreadExceptionResponse response = service.onThreadFailure(new StreamsException(
                    "Error encountered sending record to topic desk-guard-seen-orders-changelog for task 0_3 due to:\n"
                            + "org.apache.kafka.common.errors.RecordTooLargeException: too large",
                    new RecordTooLargeException("The request included a message larger than the max message size "
                            + "the server will accept.")));

            // then the guard stops, naming the changelog and what to remove: a replacement would send the same record
            assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(service.stopped()).hasValueSatisfying(stop -> {
                assertThat(stop.kind()).isEqualTo("Kafka refuses a record of its state on a changelog");
                assertThat(stop.reason()).startsWith("Kafka refuses a record of the guard's state on its changelog "
                        + "desk-guard-seen-orders-changelog (The request included a message larger than");
            });
        }
        // and a refusal by the producer's own limit names that limit, not the changelog's
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            service.onThreadFailure(new StreamsException("Error encountered sending record to topic "
                    + "desk-guard-holding-state-changelog for task 0_1 due to:", new RecordTooLargeException("The "
                            + "message is 3000 bytes when serialized which is larger than 200, which is the value of "
                            + "the max.request.size configuration.")));
            assertThat(service.stopped()).hasValueSatisfying(stop -> assertThat(stop.reason())
                    .endsWith("the producer's max.request.size or buffer.memory (producer.* settings) is too small "
                            + "for it; raise it, and start the guard again"));
        }
        // and an output's refusal (a limit the replacement reads again and keeps within) is not a stop
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            assertThat(service.onThreadFailure(new StreamsException("Error encountered sending record to topic "
                    + "orders-approved for task 0_3 due to:", new RecordTooLargeException("too large"))))
                    .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
    }

    @Test
    void shouldStopNamingTheTopicWhenKafkaRefusesARecordTheGuardWritesForItsTimestamp() {
        // given a guard
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString(), "application.id", "desk-guard"));
        String outOfRange = "Timestamp 1053649427000 of message with offset 0 is out of range. The timestamp should "
                + "be within [1796573735957, -9223370240194639852]";
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a stream thread fails as Kafka 4.4 reports a decision topic, altered to take no old timestamps,
            // refusing the decision of a back-dated order (an InvalidConfigurationException, as Kafka has it)
            StreamThreadExceptionResponse response = service.onThreadFailure(new StreamsException(
                    "Error encountered sending record to topic orders-blocked for task 0_0 due to:\n"
                            + "org.apache.kafka.common.InvalidRecordException: " + outOfRange,
                    new InvalidRecordException(outOfRange)));

            // then the guard stops, naming the topic and the broker's words, not a changelog it could not create
            assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(service.stopped()).hasValueSatisfying(stop -> {
                assertThat(stop.kind()).isEqualTo("Kafka refuses a record it writes on one of its topics");
                assertThat(stop.reason()).startsWith("Kafka refuses a record the guard writes on its topic "
                        + "orders-blocked (" + outOfRange + "), and a replaced stream thread would send the same "
                        + "record again").contains("message.timestamp.before.max.ms or after.max.ms");
            });
        }
        // and so when the record Kafka Streams kept is one refused only for another of its batch (a current order's
        // decision before a back-dated one's)
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            assertThat(service.onThreadFailure(new StreamsException("Error encountered sending record to topic "
                    + "orders-approved for task 0_0 due to:", new KafkaException("Failed to append record because it "
                            + "was part of a batch which had one more more invalid records"))))
                    .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(service.stopped()).hasValueSatisfying(stop -> assertThat(stop.reason())
                    .startsWith("Kafka refuses a record the guard writes on its topic orders-approved ("));
        }
        // but not when a later send meets the producer's error state: that names the later record's topic, not the
        // refused one's, and the replaced thread meets the refusal again in the words above
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            assertThat(service.onThreadFailure(new StreamsException("Error encountered trying to send record to topic "
                    + "desk-guard-seen-orders-changelog", new KafkaException("Cannot execute transactional method "
                            + "because we are in an error state", new InvalidRecordException(outOfRange)))))
                    .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
        // and the same refusal on a changelog is a refusal of the guard's state
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            service.onThreadFailure(new StreamsException("Error encountered sending record to topic "
                    + "desk-guard-holding-state-changelog for task 0_1 due to:",
                    new InvalidRecordException(outOfRange)));
            assertThat(service.stopped()).hasValueSatisfying(stop -> assertThat(stop.reason())
                    .startsWith("Kafka refuses a record of the guard's state on its changelog "
                            + "desk-guard-holding-state-changelog (" + outOfRange + "): the changelog's"));
        }
    }

    @Test
    void shouldReplaceAThreadWhoseLoginFailedRatherThanStopForAChangelogSetting() {
        // given a guard
        GuardConfig config = unreachableCluster();
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a stream thread fails on a failed login (an InvalidConfigurationException, as Kafka has it; seen
            // while credentials are rotated)
            StreamThreadExceptionResponse response = service.onThreadFailure(new StreamsException(
                    new org.apache.kafka.common.errors.SaslAuthenticationException("Authentication failed during "
                            + "authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")));

            // then it is replaced, not stopped as "Kafka refuses to create the guard's changelogs"
            assertThat(response).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            assertThat(service.stopped()).isEmpty();
        }
    }

    @Test
    void shouldStopWhenItMeetsStateANewerGuardWrote() {
        // given a guard, and what its codec says of a value in a format only a newer guard writes
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString(), "application.id", "desk-guard"));
        RuntimeException newer = catchRuntimeException(() -> new StateCodec(null).execution(new byte[] {2, 1}));
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a stream thread fails on it (its processing, or a punctuation, failed the thread)
            StreamThreadExceptionResponse response = service.onThreadFailure(new StreamsException(newer));

            // then the guard stops, saying why and what to run: a replaced thread would meet the same value, and
            // stopped, its tasks go to the newer instances
            assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(service.stopped()).hasValueSatisfying(stop -> {
                assertThat(stop.kind()).isEqualTo("a newer guard wrote its state");
                assertThat(stop.reason()).startsWith("this guard meets state a newer guard wrote (seen-executions "
                        + "value starts with byte 0x02").contains("Run only the newer version on "
                                + "application.id=desk-guard");
            });
        }
    }

    @Test
    void shouldStopWhenAnotherInstanceTookItsGroupInstanceId() {
        // given a guard whose stream threads join under main.consumer.group.instance.id
        GuardConfig config = new GuardConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString(),
                "main.consumer.group.instance.id", "guard-eu-1"));
        try (GuardService service = GuardService.create(config, DecisionObserver.NONE)) {
            // when a stream thread fails because another consumer registered under the same id
            StreamThreadExceptionResponse response = service.onThreadFailure(new StreamsException(
                    new FencedInstanceIdException("The broker rejected this static consumer since another consumer "
                            + "with the same group.instance.id has registered with a different member.id.")));

            // then the guard stops, naming the setting, rather than go on under another id
            assertThat(response).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(service.stopped()).hasValueSatisfying(stop -> {
                assertThat(stop.kind()).isEqualTo("another instance of the guard took its group.instance.id");
                assertThat(stop.reason()).isEqualTo("another instance of this guard joined its group under the "
                        + "same main.consumer.group.instance.id=guard-eu-1, and Kafka let that one in: give each "
                        + "instance its own group.instance.id, the same at every restart, and start this one again");
            });
        }
    }

    @Test
    void shouldStopOnceWhenClosedTwice() {
        // given a guard
        GuardConfig config = unreachableCluster();
        GuardService service = GuardService.create(config, DecisionObserver.NONE);
        try (CapturedLogs logged = CapturedLogs.of(GuardService.class)) {
            // when it is closed, and closed again (the shutdown hook after the guard stopped on its own)
            service.close();
            service.close();

            // then it is stopped once: a stop that ran out of shutdown.timeout.ms is not waited out a second time
            assertThat(logged.messages()).filteredOn(message -> message.startsWith("stopping guard")).hasSize(1);
        }
    }

    @Test
    void shouldWarnOfSettingsNobodyKnowsWhenTheGuardIsMade() {
        // given a misspelt Kafka Streams setting and a misspelt producer one, next to a known one
        Map<String, String> settings = Map.of("comit.interval.ms", "50", "producer.lingr.ms", "5",
                "producer.linger.ms", "5");

        // when run makes the guard, then the operator is warned of both, by name, once
        assertThat(warningsWhenMadeWith(settings)).filteredOn(warning -> !warning.startsWith("no group.instance.id"))
                .containsExactly("settings neither the guard nor Kafka's clients know, so without effect (misspelt?): "
                        + "comit.interval.ms, producer.lingr.ms");
    }

    @Test
    void shouldWarnThatAnInstanceKilledAndStartedAgainWaitsForItsSessionWithoutAGroupInstanceId() {
        // given no group.instance.id, as a first deployment has (docs/OPERATIONS.md recommends one)
        Map<String, String> settings = Map.of();

        // when run makes the guard, then the operator is told what it costs and what to set
        assertThat(warningsWhenMadeWith(settings)).singleElement().asString().startsWith("no group.instance.id: an "
                + "instance killed and started again within session.timeout.ms (45 s by default) waits for the "
                + "killed member's session to end").endsWith("give each instance a group.instance.id of its own, the "
                + "same at every start (docs/OPERATIONS.md, 'Running against a Kafka cluster')");
    }

    @Test
    void shouldNotWarnOfAMissingGroupInstanceIdUnderTheStreamsGroupProtocol() {
        // given the streams group protocol, under which a killed member's return holds up only its own tasks
        Map<String, String> settings = Map.of("group.protocol", "streams");

        // when run makes the guard, then there is nothing to warn of
        assertThat(warningsWhenMadeWith(settings)).isEmpty();
    }

    @Test
    void shouldNotWarnOfSettingsWhenAllAreKnown() {
        // given only settings the guard or Kafka's clients know, a group.instance.id among them
        Map<String, String> settings = Map.of("commit.interval.ms", "50", "producer.linger.ms", "5",
                "group.instance.id", "guard-1");

        // when run makes the guard, then nothing is worth a warning
        assertThat(warningsWhenMadeWith(settings)).isEmpty();
    }

    @Test
    void shouldLogTheSettingsItRunsWithSecretsHiddenWhenTheGuardIsMade() {
        // given a state directory, defaults left as they are, and two secrets
        Map<String, String> settings = Map.of("api.token", "s3cret-token-of-the-desk-0123456789",
                "producer.ssl.key.password", "k3y-pass");

        // when run makes the guard
        List<String> logged = loggedWhenMadeWith(settings, Level.INFO);

        // then the operator sees each setting it runs with, defaults applied, and no secret, on one line that
        // reads as one (the log would write a line break as a literal \n)
        String shown = logged.stream().filter(line -> line.startsWith("settings (secrets hidden): ")).findFirst()
                .orElseThrow();
        assertThat(shown).contains("; state.dir=" + stateDir + "; ", "; num.standby.replicas=", "; http.port=",
                " api.token=[hidden]; ", "; producer.ssl.key.password=[hidden]")
                .doesNotContain("s3cret-token", "k3y-pass").doesNotContain("\n");
    }

    /** What the service logs at WARN or above while it is made and closed with {@code settings} added. */
    private List<String> warningsWhenMadeWith(Map<String, String> settings) {
        return loggedWhenMadeWith(settings, Level.WARN);
    }

    /** What the service logs at {@code least} or above while it is made and closed with {@code settings} added. */
    private List<String> loggedWhenMadeWith(Map<String, String> settings, Level least) {
        Map<String, String> all = new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:1", "schema.registry.url",
                "mock://guard-service-test", "state.dir", stateDir.toString()));
        all.putAll(settings);
        try (CapturedLogs logged = CapturedLogs.of(GuardService.class)) {
            GuardService.create(new GuardConfig(all), DecisionObserver.NONE).close();
            return logged.messagesAtLeast(least);
        }
    }
}
