package com.lockupguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.registry.SchemaRegistryServer;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orders {@code POST /api/orders} sends have their schema id from the start, not from their first order: a
 * registry that is slow then would hold that order (seen: 20 s, for a caller who waited 3).
 */
@Timeout(180)
class ApiOrderSchemaIT {

    @TempDir
    Path stateDir;

    @Test
    void shouldSendTheFirstOrderAfterAStartWithoutAskingTheRegistryForItsSchemaId() throws Exception {
        String scope = "api-order-schema-" + UUID.randomUUID();
        RecordedRequests asked = new RecordedRequests();
        try (SchemaRegistryServer registry = new SchemaRegistryServer.Builder(InMemorySchemaRegistry.scope(scope))
                .host("127.0.0.1").filter(asked).start();
                TestKafka kafka = TestKafka.start(1)) {
            // given a guard serving its API, started on a registry that has none of its schemas yet
            Map<String, String> settings = GuardInstance.settings(kafka, "guard-api-order-schema", scope);
            settings.put(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
            settings.put(GuardConfig.HTTP_PORT_CONFIG, "0");
            settings.put(GuardConfig.STATE_DIR_CONFIG, stateDir.toString());
            try (GuardApplication guard = GuardApplication.start(new GuardConfig(settings))) {
                assertThat(guard.service().awaitRunning(Duration.ofSeconds(90))).isTrue();
                asked.requests.clear();

                // when its first order is posted
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + guard.httpPort() + "/api/orders"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"first\",\"investorId\":\"dutchess\","
                                + "\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":10}")).build(),
                        HttpResponse.BodyHandlers.ofString());

                // then it is decided (no agreement here yet), and the registry was not asked for the order's schema
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("\"UNKNOWN_AGREEMENT\"");
                assertThat(asked.requests).noneMatch(request -> request.contains("/subjects/"));
            }
        } finally {
            InMemorySchemaRegistry.dropScope(scope);
        }
    }

    /** The requests a registry was sent, as {@code METHOD path}. */
    private static final class RecordedRequests extends Filter {
        private final List<String> requests = new CopyOnWriteArrayList<>();

        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            chain.doFilter(exchange);
        }

        @Override
        public String description() {
            return "records each request";
        }
    }
}
