package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.topology.DecisionObserver;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams' producers given a longer transaction timeout than the brokers allow: the brokers refused each
 * stream thread's first transactional request, and every thread failed and was replaced, for ever, 45 s apart, the
 * guard never ready and saying why only inside a stack trace.
 */
@Timeout(240)
class TransactionTimeoutIT {

    @TempDir
    Path stateDir;

    @Test
    void shouldRefuseToStartWithATransactionTimeoutTheBrokersDoNotAllowAndSayItInConfigCheck() throws Exception {
        String scope = "transaction-timeout-" + UUID.randomUUID();
        try (TestKafka kafka = TestKafka.start(1)) {
            // given a broker with Kafka's default transaction.max.timeout.ms (15 minutes), and a guard given 30
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-txn-timeout", scope);
            settings.put("producer.transaction.timeout.ms", "1800000");

            // when it starts, then it refuses at once, naming the setting and the brokers' maximum
            assertThatThrownBy(() -> GuardInstance.start(settings, stateDir, DecisionObserver.NONE))
                    .hasMessageContaining("producer.transaction.timeout.ms=1800000: Kafka Streams' producers would "
                            + "ask for transactions of up to 1800000 ms, and the broker allows at most 900000 "
                            + "(transaction.max.timeout.ms)")
                    .hasMessageContaining("Set producer.transaction.timeout.ms to at most 900000");
            // and config --check says the same without starting
            StringWriter out = new StringWriter();
            assertThat(ConfigCheck.run(settings, out)).isEqualTo(1);
            assertThat(out.toString()).contains("# topics: `run` would refuse to start: "
                    + "producer.transaction.timeout.ms=1800000");

            // and with the brokers' maximum it starts
            settings.put("producer.transaction.timeout.ms", "900000");
            try (GuardInstance guard = GuardInstance.start(settings, stateDir, DecisionObserver.NONE)) {
                assertThat(guard.service().isReady()).isTrue();
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
