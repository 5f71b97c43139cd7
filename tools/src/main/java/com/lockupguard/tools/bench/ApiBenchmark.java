package com.lockupguard.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.timeline.TimelineEntry;
import com.lockupguard.timeline.TimelineProducer;
import com.lockupguard.timeline.TimelineReader;
import com.lockupguard.tools.timeline.SyntheticTimeline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The pre-trade API as a trading system uses it: one client, one request at a time, against a
 * guard service with its HTTP server on a broker. Times {@code POST /api/what-if} (answered from
 * local state) and {@code POST /api/orders} (produced, decided, committed, read back
 * {@code read_committed}) at the client, from sending the request to reading the whole answer.
 */
final class ApiBenchmark {

    /** Latencies of the two endpoints in milliseconds: at the client, and the server's own (Server-Timing). */
    record Result(Percentiles whatIfMs, Percentiles whatIfServerMs, Percentiles ordersMs, Percentiles ordersServerMs) {
    }

    /** One request's time at the client and at the server, in nanoseconds. */
    private record Timing(long clientNanos, long serverNanos) {
    }

    private static final int HOLDINGS = 50;
    private static final int WARM_UP_REQUESTS = 50;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Times the two endpoints; Ctrl-C ({@code stopRequested}) stops it between two requests, with the guard closed,
     * so that the bench can delete its broker's data before the JVM halts.
     */
    Result run(GuardConfig benchConfig, int whatIfRequests, int orderRequests, BooleanSupplier stopRequested)
            throws Exception {
        Map<String, String> settings = new HashMap<>(benchConfig.originalStrings());
        settings.put(GuardConfig.HTTP_PORT_CONFIG, "0");
        settings.remove(GuardConfig.ORDERS_TIMESTAMP_TYPE_CONFIG); // the API's orders take the broker's time
        GuardConfig config = new GuardConfig(settings);
        try (GuardApplication application = GuardApplication.start(config)) {
            long runningBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!application.service().awaitRunning(Duration.ofMillis(200))) {
                BenchStoppedException.check(stopRequested);
                if (System.nanoTime() - runningBy > 0 || !application.service().state().isRunningOrRebalancing()
                        && application.service().state() != KafkaStreams.State.CREATED) {
                    throw new IllegalStateException("the guard did not reach RUNNING: "
                            + application.service().state());
                }
            }
            SyntheticTimeline timeline = new SyntheticTimeline(11, HOLDINGS);
            produceAgreements(config, application, timeline);
            String base = "http://127.0.0.1:" + application.httpPort();
            Random random = new Random(11);
            for (int n = 0; n < WARM_UP_REQUESTS; n++) {
                BenchStoppedException.check(stopRequested);
                time(base + "/api/orders", order("warm-" + n, random));
                time(base + "/api/what-if", order("warm-what-if-" + n, random));
            }
            List<Timing> whatIf = new ArrayList<>();
            for (int n = 0; n < whatIfRequests; n++) {
                BenchStoppedException.check(stopRequested);
                whatIf.add(time(base + "/api/what-if", order("what-if-" + n, random)));
            }
            List<Timing> orders = new ArrayList<>();
            for (int n = 0; n < orderRequests; n++) {
                BenchStoppedException.check(stopRequested);
                orders.add(time(base + "/api/orders", order("order-" + n, random)));
            }
            return new Result(client(whatIf), server(whatIf), client(orders), server(orders));
        }
    }

    private static void produceAgreements(GuardConfig config, GuardApplication application,
            SyntheticTimeline timeline) throws InterruptedException {
        List<TimelineEntry> entries = new TimelineReader(new ObjectMapper()).parse(timeline.agreements(Instant.now()));
        try (TimelineProducer producer = new TimelineProducer(config.clientProperties(),
                application.service().topics())) {
            producer.send(entries, n -> { }).orFail();
        }
    }

    private String order(String orderId, Random random) throws IOException {
        Map<String, Object> order = Map.of("orderId", orderId,
                "investorId", SyntheticTimeline.investor(random.nextInt(HOLDINGS)), "securityId", "SEC",
                "kind", "PUBLIC_SALE", "quantity", 1 + random.nextInt(5_000));
        return json.writeValueAsString(order);
    }

    private static Percentiles client(List<Timing> timings) {
        return Percentiles.ofNanosAsMillis(timings.stream().mapToLong(Timing::clientNanos).toArray());
    }

    private static Percentiles server(List<Timing> timings) {
        return Percentiles.ofNanosAsMillis(timings.stream().mapToLong(Timing::serverNanos).toArray());
    }

    /** From sending {@code body} to having read a 200 answer with a decision; and what the server says it took. */
    private Timing time(String url, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long began = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - began;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode decision = json.readTree(response.body());
        if (!decision.hasNonNull("decision")) {
            throw new IllegalStateException(url + " answered without a decision: " + response.body());
        }
        double serverMillis = response.headers().firstValue("Server-Timing")
                .map(value -> Double.parseDouble(value.substring(value.indexOf("dur=") + 4)))
                .orElseThrow(() -> new IllegalStateException(url + " answered without a Server-Timing header"));
        return new Timing(took, Math.round(serverMillis * 1e6));
    }
}
