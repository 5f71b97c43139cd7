package com.lockupguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class TransactionTimeoutTest {

    private final FakeAdmin cluster = new FakeAdmin();

    private static GuardConfig config(String... settings) {
        Map<String, String> given = new HashMap<>(Map.of("application.id", "guard-x",
                "bootstrap.servers", "broker:9092"));
        for (int i = 0; i < settings.length; i += 2) {
            given.put(settings[i], settings[i + 1]);
        }
        return new GuardConfig(given);
    }

    private void brokersAllow(String... maxima) {
        cluster.brokers = maxima.length;
        for (int id = 0; id < maxima.length; id++) {
            cluster.brokerConfigs.put(String.valueOf(id), Map.of("transaction.max.timeout.ms", maxima[id]));
        }
    }

    @Test
    void shouldRefuseATransactionTimeoutAboveTheBrokersMaximum() throws Exception {
        // given brokers that allow transactions of up to 15 minutes (Kafka's default)
        brokersAllow("900000", "900000", "900000");

        // when the guard's producers are given 30 minutes, then the start refuses, naming the setting as given
        assertThat(TransactionTimeout.refusal(cluster.admin(), config("producer.transaction.timeout.ms", "1800000"),
                Duration.ofSeconds(1)))
                .hasValue("producer.transaction.timeout.ms=1800000: Kafka Streams' producers would ask for "
                        + "transactions of up to 1800000 ms, and the brokers allow at most 900000 "
                        + "(transaction.max.timeout.ms), so they refuse them and every stream thread would fail, and "
                        + "be replaced, for ever. Set producer.transaction.timeout.ms to at most 900000, or raise "
                        + "transaction.max.timeout.ms on the brokers.");
    }

    @Test
    void shouldNameTheStrictestBrokerAndTheSettingGivenToEveryClient() throws Exception {
        // given brokers of which one allows shorter transactions than the others
        brokersAllow("900000", "60000", "900000");

        // when the timeout is given to every client, then the refusal names that setting and the broker
        assertThat(TransactionTimeout.refusal(cluster.admin(), config("transaction.timeout.ms", "120000"),
                Duration.ofSeconds(1)))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("transaction.timeout.ms=120000: ")
                        .contains("and broker 1 allows at most 60000 (transaction.max.timeout.ms)")
                        .endsWith("Set transaction.timeout.ms to at most 60000, or raise transaction.max.timeout.ms "
                                + "on the brokers."));
    }

    @Test
    void shouldNotAskTheBrokersWhenNoTimeoutIsGiven() throws Exception {
        // given brokers that allow less than Kafka Streams' 10 s, and no transaction timeout given
        brokersAllow("5000");

        // when the start looks, then it does not ask them (a broker that does not let the guard describe it logs
        // each refusal): Kafka Streams' default is within what brokers allow but those set below it
        assertThat(TransactionTimeout.refusal(cluster.admin(), config(), Duration.ofSeconds(1))).isEmpty();
        assertThat(cluster.brokerConfigsAsked).isZero();
    }

    @Test
    void shouldNameKafkaStreamsDefaultWhenAThreadIsRefusedWithoutATimeoutGiven() {
        // given a guard given no transaction timeout, on brokers that allow less than Kafka Streams' 10 s
        StreamsException refused = new StreamsException(new KafkaException("Unexpected error in "
                + "InitProducerIdResponse; The transaction timeout is larger than the maximum value allowed by the "
                + "broker (as configured by transaction.max.timeout.ms)."));

        // when a stream thread is refused, then the stop names the default and the setting to give
        assertThat(TransactionTimeout.stopFor(refused, config())).hasValueSatisfying(reason -> assertThat(reason)
                .contains("transaction.timeout.ms=10000 (Kafka Streams' default under exactly_once_v2) is above "
                        + "the brokers' transaction.max.timeout.ms; set producer.transaction.timeout.ms to at most "
                        + "that"));
    }

    @Test
    void shouldStartWithATimeoutTheBrokersAllowOrWithoutTransactions() throws Exception {
        // given brokers that allow transactions of up to 15 minutes
        brokersAllow("900000", "900000");

        // when the timeout is within it, or is too long but no transaction is made, then the start goes on
        assertThat(TransactionTimeout.refusal(cluster.admin(), config("producer.transaction.timeout.ms", "900000"),
                Duration.ofSeconds(1))).isEmpty();
        assertThat(TransactionTimeout.refusal(cluster.admin(), config("producer.transaction.timeout.ms", "1800000",
                "processing.guarantee", "at_least_once"), Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void shouldStartWhenTheBrokersDoNotShowTheirSettings() throws Exception {
        // given brokers that do not let this principal describe them (no DescribeConfigs on the cluster)
        brokersAllow("900000");
        cluster.brokerConfigsFailure = new ClusterAuthorizationException("Cluster authorization failed.");

        // when the start looks, then it is not refused for what it cannot see: the stream threads would say it
        assertThat(TransactionTimeout.refusal(cluster.admin(), config("producer.transaction.timeout.ms", "1800000"),
                Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void shouldTellABrokersRefusalOfTheTimeoutFromOtherThreadFailures() {
        // given a stream thread that failed as Kafka Streams 4.4 reports the broker's refusal at its first request
        GuardConfig config = config("producer.transaction.timeout.ms", "1800000");
        StreamsException refused = new StreamsException("Error encountered trying to initialize transactions",
                new KafkaException("Cannot execute transactional method because we are in an error state",
                        new KafkaException("Unexpected error in InitProducerIdResponse; The transaction timeout is "
                                + "larger than the maximum value allowed by the broker (as configured by "
                                + "transaction.max.timeout.ms).")));

        // when the guard asks what it means, then it is the timeout, named as given, with what to do
        assertThat(TransactionTimeout.stopFor(refused, config)).hasValue("Kafka refuses the guard's transactions "
                + "(Unexpected error in InitProducerIdResponse; The transaction timeout is larger than the maximum "
                + "value allowed by the broker (as configured by transaction.max.timeout.ms)): "
                + "producer.transaction.timeout.ms=1800000 is above the brokers' transaction.max.timeout.ms; set "
                + "producer.transaction.timeout.ms to at most that, or raise it on the brokers, and start the guard "
                + "again");
        // and another failure is not
        assertThat(TransactionTimeout.stopFor(new StreamsException(new KafkaException("Disconnected")), config))
                .isEmpty();
    }
}
