package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.tools.bench.BrokerComparison;
import java.io.StringWriter;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BenchCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CapturedCommand.run(out, err, args);
    }

    @Test
    void shouldRefuseZeroRoundsBeforeStartingAnything() {
        // when no round is asked for (the summary is a median over the rounds)
        int exit = run("bench", "--quick", "--api-requests", "0", "--rounds", "0");
        // then it says so at once, rather than running the warm-up and failing on an empty median
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--rounds");
        assertThat(out.toString()).doesNotContain("machine:");
    }

    @Test
    void shouldRefuseARateOrBacklogOfZeroBeforeStartingAnything() {
        // when the latency phase would send no order a second, or the backlog holds none
        int zeroRate = run("bench", "--quick", "--api-requests", "0", "--rate", "0");
        int zeroBacklog = run("bench", "--quick", "--api-requests", "0", "--backlog", "0");
        // then
        assertThat(zeroRate).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(zeroBacklog).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--rate").contains("--backlog");
        assertThat(out.toString()).doesNotContain("machine:");
    }

    @Test
    void shouldRefuseANegativeCountOfApiRequestsOrIdsBeforeStartingAnything() {
        // given counts that may be 0 (0 requests skips the API)
        // when each is given below it
        int apiRequests = run("bench", "--quick", "--api-requests", "-1");
        int ids = run("bench", "--restore-holdings", "10", "--ids-per-holding", "-1");
        // then
        assertThat(apiRequests).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(ids).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--api-requests must be at least 0")
                .contains("--ids-per-holding must be at least 0");
        assertThat(out.toString()).doesNotContain("machine:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"client.id=mine", "application.id=mine", "bootstrap.servers=elsewhere:9092",
        "topic.orders=mine", "topics.decisions.retention.ms=604800000"})
    void shouldRefuseASettingTheBenchSetsItselfForEachRound(String setting) {
        // when a setting the bench overwrites for each round (or, client.id, one that would rename the stream
        // threads the CPU columns are measured on, printing 0 for both topologies; or a retention of the decisions,
        // which would have the broker stamp them, and latency measured from their append) is given
        int exit = run("bench", "--quick", "--api-requests", "0", "--set", setting);
        // then it is refused before anything starts, naming it
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("--set " + setting.substring(0, setting.indexOf('=')) + ": the bench "
                + "sets it itself");
        assertThat(out.toString()).doesNotContain("machine:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--quick", "--rounds=2", "--holdings=10", "--rate=5", "--api-requests=0"})
    void shouldRefuseAnOptionOfTheComparisonBesideTheRestoreInsteadOfIgnoringIt(String option) {
        // when the restore benchmark is asked for with an option only the comparison takes
        int exit = run("bench", "--restore-holdings", "10", option);
        // then it says so before anything starts
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains(option.split("=")[0] + " does not apply to --restore-holdings");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application.id=mine", "topics.partitions=12", "state.dir=/tmp/mine"})
    void shouldRefuseASettingTheRestoreSetsItselfForItsGuard(String setting) {
        // when the restore is given a setting it sets itself for its guard
        int exit = run("bench", "--restore-holdings", "10", "--set", setting);
        // then it is refused before anything starts, naming it
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("--set " + setting.substring(0, setting.indexOf('=')) + ": the bench "
                + "sets it itself");
    }

    @Test
    void shouldRefuseASettingTheRestoringGuardWouldNotStartWithBeforeStartingAnything() {
        // when the restore is given a setting the guard refuses
        int exit = run("bench", "--restore-holdings", "10", "--set", "rocksdb.memory.bytes=1024");
        // then it says so, naming it, before a broker starts
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("bench: --set: ").contains("rocksdb.memory.bytes");
        assertThat(out.toString()).doesNotContain("wrote the changelogs");
    }

    @Test
    void shouldRefuseIdsPerHoldingWithoutTheRestore() {
        // when
        int exit = run("bench", "--quick", "--ids-per-holding", "5");
        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--ids-per-holding applies only to --restore-holdings");
    }

    @Test
    void shouldRefuseALatencyPhaseTooShortToTimeAnyDecision() {
        // when the latency phase would end within its untimed warm-up (the first 2 s), or not run at all
        int oneSecond = run("bench", "--quick", "--api-requests", "0", "--backlog", "1000", "--latency-seconds", "1");
        int none = run("bench", "--quick", "--api-requests", "0", "--backlog", "1000", "--latency-seconds", "0");
        // then it says so before starting anything, rather than printing NaN for every latency figure
        assertThat(oneSecond).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(none).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--latency-seconds must be at least 3");
        assertThat(out.toString()).doesNotContain("machine:").doesNotContain("NaN");
    }

    @Test
    void shouldRefuseASettingNeitherTheGuardNorKafkaKnowsBeforeStartingTheBroker() {
        // when a --set key is misspelt
        int exit = run("bench", "--quick", "--api-requests", "0", "--set", "commit.intervall.ms=100");

        // then it is refused before the broker starts, rather than measure the defaults under its name
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("bench: --set: settings neither the guard nor Kafka's clients know, so "
                + "without effect (misspelt?): commit.intervall.ms" + System.lineSeparator());
        assertThat(out.toString()).doesNotContain("machine:");
    }

    @Test
    void shouldRefuseASettingThatCannotBeReadBeforeStartingTheBroker() {
        // when a --set value is not of its setting's type: a Kafka Streams setting, and a client's under its prefix
        int streams = run("bench", "--quick", "--api-requests", "0", "--set", "commit.interval.ms=abc");
        int producer = run("bench", "--quick", "--api-requests", "0", "--set", "producer.batch.size=big");
        // then it says which, before the broker starts (it was found in the first round, as a stack trace)
        assertThat(streams).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(producer).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("bench: --set: Invalid value abc for configuration commit.interval.ms")
                .contains("Invalid value big for configuration producer.batch.size").doesNotContain("\tat ");
        assertThat(out.toString()).doesNotContain("machine:");
    }

    @Test
    void shouldCheckTheSettingsAsBothTopologiesAndAllTheirClientsTakeThem() {
        // given settings the bench sets itself for every run (its own HTTP port, topics): not refused, though not
        // valid as given
        assertThatCode(() -> BrokerComparison.checkSettings(Map.of("http.port", "abc", "topic.orders", "")))
                .doesNotThrowAnyException();
        // while a setting of the restore consumer's, or of the admin client's, is read as they read it
        assertThatThrownBy(() -> BrokerComparison.checkSettings(Map.of("restore.consumer.max.poll.records", "abc")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max.poll.records");
        assertThatThrownBy(() -> BrokerComparison.checkSettings(Map.of("admin.retries", "abc")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retries");
        assertThatCode(() -> BrokerComparison.checkSettings(Map.of("commit.interval.ms", "100",
                "producer.batch.size", "65536"))).doesNotThrowAnyException();
    }
}
