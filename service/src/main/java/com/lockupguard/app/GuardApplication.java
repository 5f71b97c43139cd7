package com.lockupguard.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.avro.HoldingState;
import com.lockupguard.metrics.GuardMetrics;
import com.lockupguard.topology.StoreNames;
import com.lockupguard.web.DecisionFeed;
import com.lockupguard.web.FeedAwareHealth;
import com.lockupguard.web.GuardWebServer;
import com.lockupguard.web.Health;
import com.lockupguard.web.KafkaOrderGateway;
import com.lockupguard.web.PeerAccess;
import com.lockupguard.web.ReadinessReason;
import com.lockupguard.web.StreamsHoldingsQuery;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * The whole guard in one process: the Kafka Streams service, its metrics, and (unless
 * {@code http.port=-1}) the HTTP API, dashboard and /metrics. The HTTP server starts first, so
 * that with {@code http.port=0} its actual port is what other instances are told.
 */
public final class GuardApplication implements AutoCloseable {

    /** Decisions and positions read back per partition at start, for the dashboard's history. */
    static final long FEED_HISTORY_PER_PARTITION = 5_000;

    private final GuardMetrics metrics;
    private final GuardService service;
    private final GuardWebServer web;
    private DecisionFeed feed;
    private KafkaOrderGateway gateway;

    private GuardApplication(GuardMetrics metrics, GuardService service, GuardWebServer web) {
        this.metrics = metrics;
        this.service = service;
        this.web = web;
    }

    /**
     * Throws the {@link org.apache.kafka.common.config.ConfigException} that {@link #start} would stop with, without
     * connecting to anything or serving a port: a value Kafka Streams, its clients or the registry's client refuse,
     * or HTTP settings that do not go together (a keystore that cannot be read, an API beyond loopback without
     * authentication). For a command that starts servers of its own first: it refuses before them.
     */
    public static void checkSettings(GuardConfig config) {
        ClientSettings.check(config);
        if (config.getInt(GuardConfig.HTTP_PORT_CONFIG) >= 0) {
            HttpSecurity.from(config).refuseExposure(config.getString(GuardConfig.HTTP_HOST_CONFIG));
        }
    }

    public static GuardApplication start(GuardConfig config) throws InterruptedException {
        return start(config, made -> { });
    }

    /**
     * Starts the guard, handing it to {@code made} as soon as it exists and before Kafka Streams starts, so that a
     * shutdown hook can close it while it starts. When {@code made} throws, the guard is closed and the exception
     * passed on: Kafka Streams never starts.
     */
    public static GuardApplication start(GuardConfig config, Consumer<GuardApplication> made)
            throws InterruptedException {
        // a client's login, say, Kafka reads only as the client is made: refused here as a configuration error
        ClientSettings.check(config);
        GuardMetrics metrics = new GuardMetrics(config.ordersStampedOnArrival());
        metrics.bindInfo(config.getString(GuardConfig.APPLICATION_ID_CONFIG),
                config.getString(GuardConfig.PROCESSING_GUARANTEE_CONFIG));
        try {
            return start(config, metrics, made);
        } catch (RuntimeException | Error | InterruptedException e) {
            metrics.close(); // what the start made of the application is closed; its meters are not left bound
            throw e;
        }
    }

    private static GuardApplication start(GuardConfig config, GuardMetrics metrics, Consumer<GuardApplication> made)
            throws InterruptedException {
        ObjectMapper json = new ObjectMapper();
        GuardWebServer web = null;
        GuardConfig effective = config;
        HttpSecurity security = null;
        if (config.getInt(GuardConfig.HTTP_PORT_CONFIG) >= 0) {
            String host = config.getString(GuardConfig.HTTP_HOST_CONFIG);
            security = HttpSecurity.from(config);
            security.checkExposure(host); // refuses a network-facing API without authentication
            if (security.remoteKeys() != null) {
                // a warning early when the issuer cannot be reached; never holds up the start
                java.util.concurrent.CompletableFuture.runAsync(security.remoteKeys()::prefetch);
            }
            web = new GuardWebServer(new GuardWebServer.Settings(host, config.getInt(GuardConfig.HTTP_PORT_CONFIG),
                    Duration.ofMillis(config.getLong(GuardConfig.API_DECISION_TIMEOUT_MS_CONFIG)),
                    security.authentication(), security.https(),
                    config.getInt(GuardConfig.HTTP_CLIENT_IPV6_PREFIX_LENGTH_CONFIG)), metrics, json);
            int port = web.start();
            Map<String, String> settings = new HashMap<>(config.originalStrings());
            settings.put(GuardConfig.HTTP_PORT_CONFIG, Integer.toString(port));
            effective = new GuardConfig(settings);
        }
        GuardService service;
        try {
            service = GuardService.create(effective, metrics);
        } catch (RuntimeException | Error e) {
            if (web != null) {
                web.close(); // or its threads would keep the JVM up after the command returns
            }
            throw e;
        }
        metrics.bind(service.streams());
        metrics.bindTopicProblems(service::topicProblems);
        metrics.bindReplacedThreads(service::replacedThreads);
        metrics.bindRebuiltTasks(service::rebuiltTasks);
        service.rocksDBMemory().ifPresent(memory -> metrics.bindRocksDBMemory(memory.limit(), memory::used,
                memory::pinned));
        GuardApplication application = new GuardApplication(metrics, service, web);
        metrics.bindReadiness(application::ready);
        try {
            made.accept(application);
            service.start();
            service.waitingInputs().ifPresent(inputs -> metrics.bindWaitingInputs(inputs.partitions(), inputs::lag,
                    inputs::seconds));
            if (web != null) {
                application.attachWeb(effective, json, security.peers());
            }
            return application;
        } catch (RuntimeException | Error | InterruptedException e) {
            // an Error too (a class that cannot load): picocli passes it on without an exit code, and the web
            // server's threads, which are not daemons, would keep the process up, its port taken and live
            application.close();
            throw e;
        }
    }

    private void attachWeb(GuardConfig config, ObjectMapper json, PeerAccess peers) {
        feed = new DecisionFeed(config.consumerProperties(), service.topics(), FEED_HISTORY_PER_PARTITION);
        DecisionFeed reading = feed;
        metrics.bindDecisionFeed(() -> reading.outage().isEmpty(), reading::skippedRecords, reading::restarts);
        feed.start();
        gateway = new KafkaOrderGateway(config.producerProperties(),
                Duration.ofMillis(config.getLong(GuardConfig.API_DECISION_TIMEOUT_MS_CONFIG)), service.topics(), feed);
        HostInfo self = HostInfo.buildFromEndpoint(
                config.streamsProperties().getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG));
        StreamsHoldingsQuery holdings = new StreamsHoldingsQuery(service.streams(), service.runningPartitions(),
                service.inputPartitions(), service::awaitingRegistry, service.topics(), self, json, Clock.systemUTC(),
                peers);
        metrics.bindUnreachablePeers(holdings::unreachablePeers);
        web.attach(new GuardWebServer.Backend(gateway, holdings, feed, new FeedAwareHealth(streamsHealth(),
                feed::outageReason, feed::stoppedForGood)));
    }

    /** Whether {@code /health/ready} says 200, or would with the API: for {@code lockup_guard_ready}. */
    private boolean ready() {
        Health streams = streamsHealth();
        DecisionFeed reading = feed;
        return streams.ready() && !streams.stopping() && (reading == null || reading.outage().isEmpty());
    }

    private Health streamsHealth() {
        return new Health() {
            @Override
            public boolean live() {
                KafkaStreams.State state = service.state();
                return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                        && state != KafkaStreams.State.NOT_RUNNING;
            }

            /**
             * Kafka Streams running and this instance's holdings readable; an instance that was given no holding
             * (only standby tasks, until a probing rebalance moves one to it, or more instances than partitions) is
             * ready too: it takes orders and answers every query from the instance that owns the holding.
             */
            @Override
            public boolean ready() {
                return service.isReady() && (storesQueryable() || StreamsHoldingsQuery.givenNoHolding(
                        service.streams()));
            }

            /** Ready only in the state read once for the answer: RUNNING, whatever it became meanwhile. */
            @Override
            public Readiness readiness() {
                KafkaStreams.State state = service.state();
                return new Readiness(state == KafkaStreams.State.RUNNING && ready(), state.name());
            }

            private boolean storesQueryable() {
                try {
                    service.streams().store(StoreQueryParameters.fromNameAndType(StoreNames.HOLDING_STATE,
                            QueryableStoreTypes.<String, HoldingState>keyValueStore())).approximateNumEntries();
                    return true;
                } catch (InvalidStateStoreException e) {
                    return false;
                }
            }

            /** Stopping on its own, perhaps still RUNNING for a moment, or Kafka Streams closing or failed. */
            @Override
            public boolean stopping() {
                KafkaStreams.State state = service.state();
                return service.stopped().isPresent() || state == KafkaStreams.State.PENDING_SHUTDOWN
                        || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_ERROR
                        || state == KafkaStreams.State.ERROR;
            }

            @Override
            public String state() {
                return service.state().name();
            }

            @Override
            public ReadinessReason reason() {
                java.util.Optional<GuardService.Stop> stopped = service.stopped();
                if (stopped.isPresent()) {
                    // stopping on its own, Kafka Streams perhaps still RUNNING for a moment: say why
                    return new ReadinessReason("the guard stops: " + stopped.get().kind() + "; its log says what to "
                            + "fix", "the guard stops: " + stopped.get().reason());
                }
                if (service.awaitingRegistry()) {
                    return ReadinessReason.same("a stream thread failed on a record the schema registry could not "
                            + "describe, and waits for the registry to answer again (at most "
                            + RegistryRecovery.MAX_WAIT.toSeconds() + " s) before it is replaced");
                }
                // RUNNING, and yet not ready: a replaced stream thread waiting for its group, say
                return service.isReady() && !ready() ? ReadinessReason.same("the holdings' stores cannot be read yet: "
                        + "a stream thread is waiting for its group (a rebalance; after a thread was replaced, or an "
                        + "instance killed and started again, up to session.timeout.ms) or restoring") : null;
            }
        };
    }

    public GuardService service() {
        return service;
    }

    public GuardMetrics metrics() {
        return metrics;
    }

    /** The HTTP port, or -1 without an HTTP server. */
    public int httpPort() {
        return web == null ? -1 : web.port();
    }

    @Override
    public void close() {
        if (web != null) {
            web.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (feed != null) {
            feed.close();
        }
        service.close();
        metrics.close();
    }
}
