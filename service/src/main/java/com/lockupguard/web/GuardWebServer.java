package com.lockupguard.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.avro.ReportResult;
import com.lockupguard.contract.ContractJson;
import com.lockupguard.metrics.GuardMetrics;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.QuotedText;
import com.lockupguard.security.AuthFailure;
import com.lockupguard.security.AuthenticationException;
import com.lockupguard.security.BearerAuthenticator;
import com.lockupguard.security.Principal;
import com.lockupguard.security.Role;
import com.lockupguard.security.SseTickets;
import com.lockupguard.topology.FailureCauses;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import io.javalin.util.JavalinBindException;
import jakarta.servlet.ServletInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's HTTP face: the pre-trade API, positions and open reservations, recent decisions
 * and compliance alerts, a live feed, health, Prometheus metrics and the dashboard. It starts
 * before the guard's streams so that its port is known to them (interactive queries). Until
 * the backend is attached, the API and {@code /health/ready} answer 503 with Retry-After;
 * {@code /health/live} (the process is up), {@code /metrics} and the dashboard's files answer
 * at once.
 *
 * <p>With authentication configured every /api/* route and /metrics need a bearer credential and
 * the role their route declares ({@link Access}); the live feed also takes a single-use ticket
 * ({@link SseTickets}), since a browser's EventSource cannot send a header. With TLS configured it
 * serves https only.
 */
public final class GuardWebServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuardWebServer.class);
    /** Connections open at once; beyond them the server accepts no more until one closes. */
    static final int MAX_CONNECTIONS = 1024;
    /**
     * Connections one client address may have open at once, of the {@link #MAX_CONNECTIONS}: twice as many as orders
     * may wait for their decisions, so that one trading system sending them, and reading besides, is not cut short.
     */
    static final int CONNECTIONS_PER_CLIENT = 256;
    /**
     * Threads that may write answers to one client address at once, of the server's 250 ({@link WritesPerClient}): a
     * client that reads its answers has one or two at a time; one that reads none holds this many, no more, and gives
     * up the oldest of them, under way 100 ms or more, to a client behind the same address that reads.
     */
    static final int WRITES_PER_CLIENT = 16;
    /**
     * How long a connection may stay idle while the connections are at their limit: kept-alive connections that ask
     * nothing (one client's thousand, say) then make room for others within a second, not the usual idle timeout.
     */
    static final Duration IDLE_AT_THE_LIMIT = Duration.ofSeconds(1);
    /**
     * Orders waiting for their decisions at once; past them an order is answered 503 at once, not sent. Each waits on
     * one of the server's 250 threads, for up to the decision timeout: while the guard cannot decide (a rebalance
     * waiting for a killed instance's session, say), orders would otherwise take every thread, and the health checks,
     * the metrics and every query of the instance would wait with them.
     */
    static final int MOST_ORDERS_WAITING = 128;
    /** How much longer than the decision timeout a stop waits for the requests under way. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(1);

    /**
     * The server's settings.
     *
     * @param authentication who may call the API (off: {@link BearerAuthenticator#none()})
     * @param https TLS, or null for plain http
     * @param ipv6ClientPrefixLength the leading bits of an IPv6 client's address that name the client the
     *     per-client limits count: 128, each address alone ({@link ClientNetwork})
     */
    public record Settings(String host, int port, Duration decisionTimeout, BearerAuthenticator authentication,
            HttpsSettings https, int ipv6ClientPrefixLength) {

        /** Each IPv6 address counted alone. */
        public Settings(String host, int port, Duration decisionTimeout, BearerAuthenticator authentication,
                HttpsSettings https) {
            this(host, port, decisionTimeout, authentication, https, ClientNetwork.EACH_ADDRESS);
        }

        /** Plain http; {@code apiToken}, when set, is the only credential (grants read and submit). */
        public Settings(String host, int port, String apiToken, Duration decisionTimeout) {
            this(host, port, decisionTimeout, BearerAuthenticator.staticToken(apiToken), null);
        }
    }

    /** What a route needs: a role, and whether another instance or an event-stream ticket may call it. */
    enum Access implements RouteRole {
        READ, SUBMIT,
        /** Another instance with the service token may call it, for its local part ({@code local=true}). */
        PEER,
        /** A ticket from {@code POST /api/events/ticket} is accepted instead of a header (the live feed). */
        TICKET
    }

    /** What a list of the newest records of some holdings is asked for with. */
    private static final QueryParameters FILTERS = QueryParameters.of("investorId", "securityId", "limit");
    private static final QueryParameters ALERT_FILTERS = QueryParameters.of("investorId", "securityId", "limit",
            "breaches");

    static final String PRINCIPAL = "lockup-guard.principal";
    /** The place among the live feed's caps a stream's request took ({@link LiveStreams.Place}). */
    private static final String LIVE_STREAM_PLACE = "lockup-guard.live-stream-place";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final String SERVED_BY_HEADER = "X-Lockup-Guard-Served-By";
    /**
     * How many lists of every holding this instance builds and sends at once, of its own ({@code ?local=true}, asked
     * by another instance) and of all (which asks the others for theirs): apart, so that two instances listing at
     * once never wait for each other's places. Each holds its list in memory until sent, 56 MB at 100,000 holdings:
     * four at once took a 512 MB heap out of memory.
     */
    static final int MOST_LISTS_AT_ONCE = 2;
    /** What a list is written through: Javalin compresses an answer whose first write is at least 1,500 bytes. */
    private static final int LIST_WRITE_BUFFER = 64 * 1024;
    /** A request attribute: when {@link #timed} began. */
    private static final String TIMED_FROM = "lockup-guard.timed-from";
    /** A request attribute: when the answer was ready, before a body sent apart ({@link #answered}). */
    private static final String ANSWERED_AT = "lockup-guard.answered-at";
    /** How long a list waits for a place before it is refused: the dashboard gives up after 10 s. */
    private static final long LIST_PLACE_WAIT_MS = 5_000;
    /** The state /health says before the guard's backend is attached. */
    private static final String STARTING = "STARTING";
    /** A request attribute: the request's body was opened, which asks a client that waits to be asked to send it. */
    private static final String BODY_OPENED = "lockup-guard.body-opened";
    /** A request attribute: its route reads its body ({@link #takingABody}). */
    private static final String TAKES_BODY = "lockup-guard.takes-body";
    /** What the server answers from, attached once the guard runs. */
    public record Backend(OrderGateway orders, HoldingsQuery holdings, DecisionHistory feed, Health health) {
    }

    private final Settings settings;
    /** How long a connection has for its headers ({@link HeaderDeadline}); a test may give it longer. */
    private Duration headerDeadline = HeaderDeadline.DEADLINE;
    private final GuardMetrics metrics;
    private final ObjectMapper json;
    private final ContractJson contracts;
    private final LiveStreams liveStreams;
    /** Ends each live stream when its credential expires; a stream that ends first cancels its task, which goes. */
    private final ScheduledThreadPoolExecutor streamExpiry = streamExpiry();
    private final SseTickets tickets;
    private final Clock clock;
    private volatile Backend backend;
    /** {@code POST /api/orders} requests being answered, which a stop waits for. */
    private final AtomicInteger ordersUnderWay = new AtomicInteger();
    private final Semaphore localLists = new Semaphore(MOST_LISTS_AT_ONCE, true);
    private final Semaphore wholeLists = new Semaphore(MOST_LISTS_AT_ONCE, true);
    private volatile boolean stopping;
    private Javalin app;
    private long maxRequestBytes;
    private RequestBodies bodies;
    private final ClientNetwork clients;
    private final ConnectionsPerClient connectionsPerClient;
    private final WritesPerClient writesPerClient;

    public GuardWebServer(Settings settings, GuardMetrics metrics, ObjectMapper json) {
        this(settings, metrics, json, Clock.systemUTC());
    }

    GuardWebServer(Settings settings, GuardMetrics metrics, ObjectMapper json, Clock clock) {
        this(settings, metrics, json, clock, LiveStreams.HEARTBEAT);
    }

    /** With the live feed's streams sent a heartbeat event after {@code liveHeartbeat} without a write. */
    GuardWebServer(Settings settings, GuardMetrics metrics, ObjectMapper json, Clock clock, Duration liveHeartbeat) {
        this.liveStreams = new LiveStreams(liveHeartbeat);
        this.settings = settings;
        this.clients = new ClientNetwork(settings.ipv6ClientPrefixLength());
        this.connectionsPerClient = new ConnectionsPerClient(CONNECTIONS_PER_CLIENT, clients);
        this.writesPerClient = new WritesPerClient(WRITES_PER_CLIENT, clients);
        this.metrics = metrics;
        this.json = json;
        this.contracts = new ContractJson(json);
        this.clock = clock;
        this.tickets = new SseTickets(clock);
    }

    private static ScheduledThreadPoolExecutor streamExpiry() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "lockup-guard-sse-expiry");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true); // a token lives for hours: its cancelled task must not wait as long
        return executor;
    }

    /** Request bodies still coming. */
    int requestBodiesComing() {
        return bodies.coming();
    }

    /** Live streams whose end at their credential's expiry is still to come. */
    int streamExpiriesPending() {
        return streamExpiry.getQueue().size();
    }

    /**
     * Gives connections {@code deadline} for their headers instead of {@link HeaderDeadline#DEADLINE}, from
     * {@link #start}: for a test that holds connections open longer than that on a loaded machine.
     */
    void headerDeadline(Duration deadline) {
        this.headerDeadline = deadline;
    }

    /** Starts listening; returns the port (the actual one when {@code port} is 0). */
    public int start() {
        HeaderDeadline headers = new HeaderDeadline(headerDeadline);
        ServedKeyStore keys = settings.https() == null ? null : new ServedKeyStore(settings.https(), clock);
        if (keys != null) {
            metrics.bindHttpCertificate(keys::notBefore, keys::notAfter, keys::refused);
        }
        // assigned before it starts: its requests look up routes through it (routeRoles)
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            if (settings.https() != null) {
                // replaces the plain connector: nothing is served in clear
                config.jetty.addConnector((server, http) -> HttpsConnector.create(server, http, settings.host(),
                        settings.port(), keys));
            }
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new ServerErrors(json, settings.https() != null));
                if (keys != null) {
                    server.addBean(keys); // looks at the key store's file while the server runs
                }
                // past the limit, connections wait in the system's backlog instead of each taking a socket and a
                // buffer here; and one must send its headers in time, or a slow one holds its place for ever
                NetworkConnectionLimit limit = new NetworkConnectionLimit(MAX_CONNECTIONS, server);
                limit.setEndPointIdleTimeout(IDLE_AT_THE_LIMIT.toMillis());
                server.addBean(limit);
                // a listener of each connector's connections (a bean of the server is not given them), the https
                // one included, which is added after this
                server.addEventListener(new LifeCycle.Listener() {
                    @Override
                    public void lifeCycleStarting(LifeCycle event) {
                        for (Connector connector : server.getConnectors()) {
                            connector.addEventListener(connectionsPerClient);
                        }
                    }
                });
                headers.watch(server);
            });
            // around everything the server writes, Javalin's results and its static files alike
            config.jetty.modifyServletContextHandler(context -> context.addFilter(
                    new org.eclipse.jetty.ee10.servlet.FilterHolder(writesPerClient), "/*",
                    java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
            // the https connector's configuration is a copy of this one, customizers included
            config.jetty.modifyHttpConfiguration(http -> http.addCustomizer(headers));
            config.jsonMapper(new JavalinJackson(json, false));
            maxRequestBytes = config.http.maxRequestSize;
            // a method an endpoint does not take is a 405 naming those it does (Allow), not a 404 for no endpoint
            config.http.prefer405over404 = true;
            bodies = new RequestBodies(maxRequestBytes);
            config.routes.before(this::securityHeaders);
            config.routes.before(GuardWebServer::requireReadablePath);
            config.routes.beforeMatched(this::authorize);
            config.routes.beforeMatched("/api/events", this::requireEventStream);
            config.routes.beforeMatched("/api/events", this::requireFeed);
            config.routes.beforeMatched("/api/events", this::admitLiveStream);
            config.routes.after(GuardWebServer::giveBackUnusedPlace);
            config.staticFiles.add("/web", Location.CLASSPATH);
            config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e));
            config.routes.exception(HttpResponseException.class, this::refusedByServer);
            config.routes.exception(Exception.class, this::internalError);
            getAndHead(config, "/health/live", this::live);
            getAndHead(config, "/health/ready", this::ready);
            getAndHead(config, "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()), Access.READ);
            config.routes.post("/api/orders", timed("orders", takingABody(this::submitOrder)), Access.SUBMIT);
            config.routes.post("/api/what-if", timed("what-if", takingABody(this::whatIf)), Access.SUBMIT,
                    Access.PEER);
            getAndHead(config, "/api/holdings", timed("holdings", this::holdings), Access.READ, Access.PEER);
            getAndHead(config, "/api/holdings/{investorId}/{securityId}", timed("holding", this::holding),
                    Access.READ, Access.PEER);
            getAndHead(config, "/api/holdings/{investorId}/{securityId}/history", this::history, Access.READ);
            getAndHead(config, "/api/holdings/{investorId}/{securityId}/agreement",
                    timed("agreement", this::agreement), Access.READ, Access.PEER);
            getAndHead(config, "/api/holdings/{investorId}/{securityId}/reservations",
                    timed("reservations", this::reservations), Access.READ, Access.PEER);
            getAndHead(config, "/api/holdings/{investorId}/{securityId}/orders/{orderId}",
                    timed("order", this::order), Access.READ, Access.PEER);
            getAndHead(config, "/api/decisions", this::decisions, Access.READ, FILTERS);
            getAndHead(config, "/api/alerts", this::alerts, Access.READ, ALERT_FILTERS);
            getAndHead(config, "/api/reports", this::reports, Access.READ, FILTERS);
            config.routes.post("/api/events/ticket", this::ticket, Access.READ);
            config.routes.sse("/api/events", this::events, Access.READ, Access.TICKET);
        });
        try {
            app.start();
        } catch (JavalinBindException e) {
            // in the words of the settings, not of Javalin's classes: the start's one line says only this. Javalin
            // throws it for any failure to bind (an address not this machine's, a name that does not resolve, a
            // port below 1024 without the right): only the port taken is said to be in use
            List<Throwable> causes = FailureCauses.of(e);
            Throwable root = causes.get(causes.size() - 1);
            boolean taken = root instanceof java.net.BindException && String.valueOf(root.getMessage())
                    .contains("Address already in use");
            throw new IllegalStateException(taken
                    ? "the HTTP port " + settings.port() + " on " + settings.host() + " is in use: stop what listens "
                            + "there, or give the guard another (http.port, or --http-port)"
                    : "the HTTP API cannot listen on " + settings.host() + ":" + settings.port() + " (" + root
                            + "): check http.host and http.port", e);
        }
        LOG.info("HTTP API, dashboard and /metrics on {}://{}:{}/ (authentication: {})",
                settings.https() == null ? "http" : "https", settings.host(), app.port(),
                settings.authentication().describe());
        return app.port();
    }

    /**
     * A GET route and its HEAD, which runs the same handler (the server sends no body): without a HEAD route of its
     * own, Javalin answers a HEAD of a GET route 200 without running it, so that {@code HEAD /health/ready} would say
     * ready to a load balancer's probe while the guard is not, and an unknown holding would seem to exist.
     */
    private static void getAndHead(JavalinConfig config, String path, Handler handler, RouteRole... roles) {
        config.routes.get(path, handler, roles);
        config.routes.head(path, handler, roles);
    }

    /**
     * Who may call a matched route: every /api/* route and /metrics needs a credential once authentication is
     * configured (a route that forgot to declare its role needs READ); /health/* and the dashboard's files do
     * not. 401 for no or a bad credential, 403 for a good one without the role; the token never appears in
     * the answer or the log.
     */
    private void authorize(Context ctx) {
        java.util.Set<RouteRole> roles = routeRoles(ctx);
        boolean guarded = !roles.isEmpty() || ctx.path().startsWith("/api/") || ctx.path().equals("/metrics");
        if (!guarded) {
            return;
        }
        // what a guarded route answers is data, however its path was written (Javalin takes /metrics/ for /metrics)
        ctx.header("Cache-Control", "no-store");
        refuseOtherSites(ctx);
        BearerAuthenticator authentication = settings.authentication();
        if (!authentication.enabled()) {
            if (!LoopbackHost.named(ctx.host())) {
                // a web page can point its own name at 127.0.0.1 (DNS rebinding) and then read and submit as if
                // it were the dashboard: open, the guard answers only requests addressed to this machine
                LOG.debug("421: {} {} addressed to host '{}', with authentication off", ctx.method(), ctx.path(),
                        ctx.host());
                throw ApiException.misdirected("with no authentication configured the guard answers only requests "
                        + "addressed to this machine (Host localhost, 127.0.0.1 or [::1]); configure authentication "
                        + "to serve it under another name");
            }
            requireQueryRead(ctx);
            ctx.attribute(PRINCIPAL, Principal.anonymous());
            return;
        }
        Principal principal;
        try {
            if (ctx.queryParam(QueryParameters.ACCESS_TOKEN) != null) {
                throw new AuthenticationException(AuthFailure.TOKEN_IN_URL);
            }
            String ticket = ctx.queryParam(QueryParameters.TICKET);
            if (ticket != null) {
                if (!roles.contains(Access.TICKET)) {
                    throw new AuthenticationException(AuthFailure.TOKEN_IN_URL);
                }
                requireEventStream(ctx); // a single-use ticket is not spent on a request the feed will not answer
                requireFeed(ctx);
                Optional<Principal> holder = tickets.holder(ticket);
                if (holder.isPresent()) {
                    reserveLiveStream(ctx, holder.get()); // nor on one it would refuse: the client retries with it
                    requireQueryRead(ctx); // nor on a query it refuses; a dead ticket is a 401 first
                }
                if (ctx.method().equals(HandlerType.HEAD)) {
                    // a HEAD gets no stream: its ticket is checked, not spent, and still opens the stream after it
                    principal = holder.orElseThrow(() -> new AuthenticationException(AuthFailure.TICKET));
                } else {
                    principal = tickets.redeem(ticket);
                }
            } else if (Collections.list(ctx.req().getHeaders("Authorization")).size() > 1) {
                // which one counts would be up to each proxy on the way and to the guard: none does
                throw new AuthenticationException(AuthFailure.MALFORMED);
            } else {
                principal = authentication.authenticate(ctx.header("Authorization"));
            }
            Role required = roles.contains(Access.SUBMIT) ? Role.SUBMIT : Role.READ;
            boolean allowed = principal.kind() == Principal.Kind.PEER
                    ? roles.contains(Access.PEER) && local(ctx)
                    : principal.has(required);
            if (!allowed) {
                LOG.info("403: {} ({}) lacks the {} role for {} {}", principal.subject(), principal.kind(),
                        required.name().toLowerCase(Locale.ROOT), ctx.method(), ctx.path());
                throw new AuthenticationException(AuthFailure.FORBIDDEN);
            }
            if (ticket == null) {
                requireQueryRead(ctx); // a ticket's was checked before it was spent
            }
        } catch (AuthenticationException e) {
            refuse(ctx, e.failure());
            return;
        }
        ctx.attribute(PRINCIPAL, principal);
    }

    /**
     * The roles {@code ctx}'s route declares. A HEAD of a GET route without a HEAD route of its own (the live feed's)
     * is matched to the GET but given none of its roles: it is asked for what its GET needs, found as Javalin finds
     * the GET (a trailing slash ignored), or it would answer without a credential.
     */
    private java.util.Set<RouteRole> routeRoles(Context ctx) {
        java.util.Set<RouteRole> roles = ctx.routeRoles();
        if (!roles.isEmpty() || !ctx.method().equals(HandlerType.HEAD)) {
            return roles;
        }
        ParsedEndpoint get = app.unsafe.internalRouter.findFirstHttpHandlerEntry(HandlerType.GET, ctx.path());
        Roles declared = get == null ? null : get.endpoint.metadata(Roles.class);
        return declared == null ? roles : declared.getRoles();
    }

    /**
     * Refuses a query of the API that would be read as something else than was sent ({@link QueryParameters}); after
     * the credential (401 and 403 come first), before the endpoint. A HEAD without a route of its own (the live
     * feed's) is not given its GET's parameters: only their encoding is checked.
     */
    private static void requireQueryRead(Context ctx) {
        if (ctx.path().startsWith("/api/")) {
            QueryParameters.requireReadableAndRead(ctx.queryString(), ctx.routeRoles(),
                    !ctx.method().equals(HandlerType.HEAD) || !ctx.routeRoles().isEmpty());
        }
    }

    private void refuse(Context ctx, AuthFailure failure) {
        metrics.authFailed(failure);
        LOG.debug("{} {} {} refused: {} (from {})", failure.status(), ctx.method(), ctx.path(), failure.tag(),
                ctx.ip());
        StringBuilder challenge = new StringBuilder("Bearer realm=\"lockup-guard\"");
        if (failure.bearerError() != null) {
            challenge.append(", error=\"").append(failure.bearerError()).append("\", error_description=\"")
                    .append(failure.description().replace('"', '\'')).append('"');
        }
        ctx.header("WWW-Authenticate", challenge.toString());
        throw failure.status() == 403 ? ApiException.forbidden(failure.description())
                : ApiException.unauthorized(failure.description());
    }

    /** Headers every answer carries: no sniffing, no framing, no referrer (a ticket in a URL stays put), no caching of data. */
    private void securityHeaders(Context ctx) {
        SecurityHeaders.apply(ctx::header, settings.https() != null);
        if (ctx.path().startsWith("/api/") || ctx.path().equals("/metrics") || ctx.path().startsWith("/health/")) {
            // health: a state of the moment, whose reason depends on the caller's credential
            ctx.header("Cache-Control", "no-store");
        }
    }

    /**
     * A 403 for a browser's request to the API made by another site's page, with or without authentication: the
     * browser says where a request comes from ({@code Sec-Fetch-Site}, Fetch Metadata). The dashboard's own are
     * {@code same-origin}, a URL typed or bookmarked is {@code none}, a link followed from elsewhere is a GET
     * navigation whose answer no page can read, and clients that are not browsers send none. Let through, a page
     * anywhere could spend a caller's event-stream tickets and live streams (all of them, with authentication off,
     * where every caller is one), and so cut the dashboard's live feed, without reading a thing.
     */
    private static void refuseOtherSites(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site == null) {
            return;
        }
        String from = site.trim().toLowerCase(Locale.ROOT);
        boolean followedLink = "navigate".equalsIgnoreCase(ctx.header("Sec-Fetch-Mode"))
                && ctx.method().equals(HandlerType.GET);
        if (from.equals("same-origin") || from.equals("none") || followedLink) {
            return;
        }
        throw ApiException.forbidden("a browser's request from another site's page (Sec-Fetch-Site: " + from + ") is "
                + "refused: the API serves the dashboard it serves itself, and clients that are not browsers");
    }

    /**
     * A 400 for a path with an escape the web server lets through (Jetty takes {@code %u0064} for UTF-16) but from
     * which no path parameter can be read: as the web server refuses {@code %zz}, before any credential is asked
     * for. Read, it failed as an internal error, logged with its stack trace, for anyone who sent it.
     */
    private static void requireReadablePath(Context ctx) {
        String path = ctx.req().getRequestURI();
        for (int at = path.indexOf('%'); at >= 0; at = path.indexOf('%', at + 1)) {
            if (at + 2 >= path.length() || Character.digit(path.charAt(at + 1), 16) < 0
                    || Character.digit(path.charAt(at + 2), 16) < 0) {
                throw ApiException.badRequest(null, "the path's percent-encoding cannot be read: each % must begin "
                        + "a byte written as two hex digits (%2F)");
            }
        }
    }

    /** A single-use ticket for the live feed, for a page whose EventSource cannot send the bearer token. */
    private void ticket(Context ctx) {
        // set by the authentication in front of every /api/* route; a missing one must not fall open to anonymous
        Principal principal = Objects.requireNonNull(ctx.attribute(PRINCIPAL), "no authenticated caller");
        if (principal.expiresAt() != null && !principal.expiresAt().isAfter(clock.instant())) {
            // a token past its expiry, still taken within the allowed clock skew: a ticket, which never outlives
            // it, would be spent already, and its page would ask for one again and again
            refuse(ctx, AuthFailure.EXPIRED);
        }
        SseTickets.Ticket ticket = tickets.issue(principal);
        if (ticket == null) {
            // a place frees when a ticket is redeemed or expires: the first expiry is the latest a retry must wait
            long seconds = Math.max(1, Math.min(SseTickets.TTL.toSeconds(),
                    (tickets.untilAPlace(principal).toMillis() + 999) / 1000));
            throw ApiException.tooManyRequests("too many event-stream tickets outstanding; a place frees when one "
                    + "is used, or within " + seconds + " s when the first expires", (int) seconds);
        }
        ctx.json(json.createObjectNode().put("ticket", ticket.value())
                .put("expiresAt", ticket.expiresAt().toString()));
    }

    private static String authorization(Context ctx) {
        return ctx.header("Authorization");
    }

    public void attach(Backend attached) {
        this.backend = attached;
    }

    public int port() {
        return app.port();
    }

    private Backend backend() {
        Backend attached = backend;
        if (attached == null) {
            throw ApiException.notReady("the guard is starting; retry");
        }
        return attached;
    }

    private void live(Context ctx) {
        Backend attached = backend;
        boolean live = attached == null || attached.health().live();
        ctx.status(live ? 200 : 503).json(status(live ? "UP" : "DOWN", attached == null ? STARTING
                : attached.health().state()));
    }

    private void ready(Context ctx) {
        Backend attached = backend;
        Health.Readiness readiness = attached == null ? new Health.Readiness(false, STARTING)
                : attached.health().readiness();
        // stopping, it takes no new order: a load balancer should send them elsewhere at once
        boolean ready = !stopping && readiness.ready();
        if (!ready) {
            ctx.header("Retry-After", "1");
        }
        ObjectNode status = status(ready ? "UP" : "DOWN", readiness.state());
        ReadinessReason reason = stopping
                ? ReadinessReason.same("stopping: the orders under way are being answered, and no new one is taken")
                : attached == null ? null : attached.health().reason();
        if (!ready && reason != null) {
            status.put("reason", mayReadTheDetail(ctx) ? reason.detail() : reason.summary());
        }
        ctx.status(ready ? 200 : 503).json(status);
    }

    /**
     * Whether this caller is told a trouble in Kafka's or the registry's own words (topics, principals, hosts): why
     * the guard is not ready, on /health/ready, which needs no credential, or why an order could not be sent: a
     * caller whose one credential has the read role. Any other, or none, is told the kind of trouble, and on
     * /health/ready is not refused (a probe's status is the same). With authentication off nobody is:
     * a proxy in front of a guard on loopback, which often lets /health through unasked, would pass the detail on to
     * anyone, and the guard cannot tell its requests from a local caller's. The log has the detail in any case.
     */
    private boolean mayReadTheDetail(Context ctx) {
        BearerAuthenticator authentication = settings.authentication();
        if (!authentication.enabled()) {
            return false;
        }
        Principal known = ctx.attribute(PRINCIPAL);
        if (known != null) {
            return mayRead(known); // let in by the API's authentication: its credential is not checked twice
        }
        List<String> credentials = Collections.list(ctx.req().getHeaders("Authorization"));
        if (credentials.size() != 1) {
            return false;
        }
        try {
            return mayRead(authentication.authenticate(credentials.get(0)));
        } catch (AuthenticationException e) {
            return false;
        }
    }

    private static boolean mayRead(Principal caller) {
        return caller.kind() != Principal.Kind.PEER && caller.has(Role.READ);
    }

    private ObjectNode status(String status, String state) {
        return json.createObjectNode().put("status", status).put("state", state);
    }

    private void submitOrder(Context ctx) {
        int underWay = ordersUnderWay.incrementAndGet();
        try {
            // stopping: by a signal (this server closes), or on its own, its API still up until the process exits
            if (stopping || backend().health().stopping()) {
                throw ApiException.notReady("the guard is stopping; send the order to another instance, or again "
                        + "once this one is back");
            }
            if (underWay > MOST_ORDERS_WAITING) {
                throw ApiException.notReady("this instance has " + MOST_ORDERS_WAITING + " orders waiting for their "
                        + "decisions already (it decides slowly, or its group rebalances): the order was not sent; "
                        + "send it to another instance, or again in a moment");
            }
            decideOrder(ctx);
        } finally {
            ordersUnderWay.decrementAndGet();
        }
    }

    private void decideOrder(Context ctx) {
        // the decision timeout counts from the request's start, sending included: a stop waits no longer for it
        long deadline = System.nanoTime() + settings.decisionTimeout().toNanos();
        ProposedOrder order = OrderBody.parse(json, jsonBody(ctx));
        CompletableFuture<Decision> submitted = backend().orders().submit(order);
        try {
            ctx.json(contracts.decision(awaitDecision(order, submitted, deadline)));
        } catch (ApiException e) {
            throw e.forOrder(order.getOrderId()); // it may have been sent: a resend must carry its id
        }
    }

    /** {@code order}'s decision, or the answer that says why there is none by {@code deadline}. */
    private Decision awaitDecision(ProposedOrder order, CompletableFuture<Decision> submitted, long deadline) {
        try {
            return submitted.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // the server is being stopped past its grace: still an answer, and one that says what to do
            Thread.currentThread().interrupt();
            submitted.cancel(false);
            throw ApiException.notReady("the guard is stopping; the order " + order.getOrderId() + " may have been "
                    + "sent and decided: resend the same order (same orderId, kind and quantity) to get its decision");
        } catch (TimeoutException e) {
            submitted.cancel(false); // nobody waits for it any more: a resend waits anew
            throw ApiException.gatewayTimeout("no decision for order " + order.getOrderId() + " within "
                    + settings.decisionTimeout().toMillis() + " ms. The order was handed to Kafka and is decided if "
                    + "the brokers take it (the producer may still be retrying); resend the same order (same orderId, "
                    + "kind and quantity) to get its decision");
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            if (e.getCause() instanceof ApiException refused) {
                throw refused; // refused before it was sent
            }
            if (e.getCause() instanceof RecordTooLargeException tooLarge) {
                // no resend can pass: not a 502, whose Retry-After would ask for one
                String tooLargeForKafka = "the order is too large for Kafka to carry, and was not sent";
                String why = " (its ids are at most " + HoldingKey.MAX_ID_CODE_POINTS
                        + " characters: the producer's max.request.size is smaller than an order)";
                // Kafka's words only to a reader, as a 502's: a broker's refusal may name the topic
                throw ApiException.payloadTooLarge(tooLargeForKafka + why)
                        .withDetail(tooLargeForKafka + ": " + tooLarge.getMessage() + why);
            }
            String notSent = "the order could not be sent to Kafka";
            LOG.warn("{}: order {} ({})", notSent, order.getOrderId(), e.getCause().toString());
            throw ApiException.badGateway(notSent + " (" + DecisionFeed.kind(e.getCause()) + ")")
                    .withDetail(notSent + ": " + e.getCause().getMessage());
        }
    }

    private void whatIf(Context ctx) {
        String body = jsonBody(ctx);
        ProposedOrder order = OrderBody.parse(json, body);
        answer(ctx, backend().holdings().whatIf(order, body, local(ctx), authorization(ctx)));
    }

    /**
     * An order's body, which must say it is JSON: a page of another site can send a form or a plain-text body
     * to the guard without asking, but not a JSON one — for that the browser asks first (CORS), and the guard
     * allows no other site. So a page the user happens to open cannot submit orders through the guard.
     */
    private String jsonBody(Context ctx) {
        // as the client wrote it: the server's reading of it (ctx.contentType()) fails on a charset the JVM does not
        // know, which answered 500
        String type = ctx.req().getHeader("Content-Type");
        if (Collections.list(ctx.req().getHeaders("Content-Type")).size() > 1) {
            // only the first would be read, and the second not checked
            throw ApiException.unsupportedMediaType("send one Content-Type line, 'application/json'");
        }
        String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw ApiException.unsupportedMediaType("send the order as JSON, with 'Content-Type: application/json'"
                    + (type == null ? "" : " (not '" + type + "')"));
        }
        // JSON is UTF-8 (RFC 8259) and read so: a body sent in another charset would be read as other ids (Latin-1's
        // "ZoÃ©" as "Zoé", a holding its sender never named)
        for (String charset : MediaTypeCharsets.of(type)) {
            if (!MediaTypeCharsets.readsAsUtf8(charset)) {
                throw ApiException.unsupportedMediaType("send the order as JSON in UTF-8, the charset JSON has (not '"
                        + QuotedText.of(charset) + "')");
            }
        }
        // every Content-Encoding line, each a list: read as it came, a gzip body was refused as "not UTF-8: byte 2 is
        // 0x8b"
        for (String line : Collections.list(ctx.req().getHeaders("Content-Encoding"))) {
            for (String encoding : line.split(",")) {
                if (!encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
                    throw ApiException.unsupportedMediaType("send the order as it is: a body with "
                            + "'Content-Encoding: " + QuotedText.of(encoding.trim()) + "' is not read");
                }
            }
        }
        return onConnection(ctx, waitAtMost -> OrderBody.text(bodies.read(callerOf(ctx),
                ctx.req().getContentLengthLong(), waitsToBeAsked(ctx), () -> inputOf(ctx), waitAtMost)));
    }

    /** Whether the client sends its body only once asked ({@code Expect: 100-continue}). */
    private static boolean waitsToBeAsked(Context ctx) {
        return "100-continue".equalsIgnoreCase(ctx.header("Expect"));
    }

    /**
     * A route whose handler reads the request's body: an error it answers without reading all of it has the rest
     * read and dropped ({@link #discardUnreadBody}). Only such routes, whose callers were let in with the role to
     * send bodies, take the places bodies coming share for that.
     */
    private static Handler takingABody(Handler handler) {
        return ctx -> {
            ctx.attribute(TAKES_BODY, Boolean.TRUE);
            handler.handle(ctx);
        };
    }

    /**
     * A caller is a credential from an address (or an IPv6 client's network: {@link ClientNetwork}): with
     * authentication off, or one token for all, each client.
     */
    private String callerOf(Context ctx) {
        return countedAs(ctx.attribute(PRINCIPAL)) + "@" + clients.of(ctx.req());
    }

    /**
     * What {@code reading} returns, given a way to cut each wait for more of the request's body (the connection's
     * idle timeout, put back afterwards).
     */
    private static <T> T onConnection(Context ctx, Function<LongConsumer, T> reading) {
        EndPoint connection = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData()
                .getConnection().getEndPoint();
        long idleTimeout = connection.getIdleTimeout();
        try {
            return reading.apply(connection::setIdleTimeout);
        } finally {
            connection.setIdleTimeout(idleTimeout);
        }
    }

    /**
     * Reads what is left of the body of a request answered with {@code e} ({@link RequestBodies#discard}), so that
     * the client still sending it reads the answer instead of a reset connection: on a route {@link #takingABody}
     * only, whose callers the server let in (not after a 401 or 403, nor on a path that is no endpoint, nor for a
     * reader's GET). Not a body late already (408), nor one a client waits to be asked for
     * ({@code Expect: 100-continue}) and was not: it is not coming.
     */
    private void discardUnreadBody(Context ctx, ApiException e) {
        long length = ctx.req().getContentLengthLong();
        boolean declared = length > 0 || ctx.header("Transfer-Encoding") != null;
        boolean notAsked = waitsToBeAsked(ctx) && ctx.attribute(BODY_OPENED) == null;
        if (!declared || notAsked || e.status() == 408 || ctx.attribute(TAKES_BODY) == null || bodies == null) {
            return;
        }
        try {
            ServletInputStream body = ctx.req().getInputStream();
            if (!body.isFinished()) {
                onConnection(ctx, waitAtMost -> {
                    bodies.discard(callerOf(ctx), length, body, waitAtMost);
                    return null;
                });
            }
        } catch (IOException | RuntimeException unread) {
            LOG.debug("the unread body of a request answered {} was not read", e.status(), unread);
        }
    }

    private static InputStream inputOf(Context ctx) {
        try {
            ctx.attribute(BODY_OPENED, Boolean.TRUE);
            return ctx.req().getInputStream();
        } catch (IOException e) {
            throw ApiException.badRequest(null, "the request body cannot be read: " + e.getMessage());
        }
    }

    private void holding(Context ctx) {
        HoldingKey holding = holdingOf(ctx);
        answer(ctx, backend().holdings().one(holding, local(ctx), authorization(ctx)));
    }

    private void reservations(Context ctx) {
        HoldingKey holding = holdingOf(ctx);
        answer(ctx, backend().holdings().reservations(holding, local(ctx), authorization(ctx)));
    }

    private void order(Context ctx) {
        HoldingKey holding = holdingOf(ctx);
        String orderId = OrderBody.id("orderId", ctx.pathParam("orderId"));
        answer(ctx, backend().holdings().order(holding, orderId, local(ctx), authorization(ctx)));
    }

    private void agreement(Context ctx) {
        HoldingKey holding = holdingOf(ctx);
        answer(ctx, backend().holdings().agreement(holding, local(ctx), authorization(ctx)));
    }

    private void history(Context ctx) {
        HoldingKey holding = holdingOf(ctx);
        ArrayNode points = json.createArrayNode();
        for (DecisionHistory.HistoryPoint point : backend().feed().history(holding.asString())) {
            points.addObject().put("asOf", point.asOf().toString()).put("releasedToDate", point.releasedToDate())
                    .put("soldToDate", point.soldToDate()).put("reservedNow", point.reservedNow())
                    .put("availableNow", point.availableNow())
                    .put("contractCapacity", point.contractCapacity());
        }
        ctx.json(points);
    }

    private void decisions(Context ctx) {
        int limit = intParam(ctx, "limit", 50, 1, DecisionFeed.RECENT_DECISIONS);
        ArrayNode decisions = json.createArrayNode();
        for (Decision decision : backend().feed().recent(idFilter(ctx, "investorId"), idFilter(ctx, "securityId"),
                limit)) {
            decisions.add(contracts.decision(decision));
        }
        ctx.json(decisions);
    }

    private void alerts(Context ctx) {
        if (booleanParam(ctx, "breaches")) {
            listOfHoldings(ctx, DecisionFeed.RECENT_BREACHES, backend().feed()::breaches, contracts::alert);
        } else {
            listOfHoldings(ctx, DecisionFeed.RECENT_ALERTS, backend().feed()::alerts, contracts::alert);
        }
    }

    private void reports(Context ctx) {
        listOfHoldings(ctx, DecisionFeed.RECENT_REPORTS, backend().feed()::reports, contracts::report);
    }

    /** The records of holdings {@code ?investorId=}, {@code ?securityId=} and {@code ?limit=} ask for, newest first. */
    private <T> void listOfHoldings(Context ctx, int most, OfHoldings<T> query, Function<T, JsonNode> asJson) {
        int limit = intParam(ctx, "limit", 50, 1, most);
        ArrayNode records = json.createArrayNode();
        for (T record : query.newestFirst(idFilter(ctx, "investorId"), idFilter(ctx, "securityId"), limit)) {
            records.add(asJson.apply(record));
        }
        ctx.json(records);
    }

    /**
     * The id the query parameter {@code name} filters by, null when it is not given. One given must be an id: an empty
     * one ({@code ?investorId=}) matched nothing and answered an empty list, as if the holding had no records.
     */
    private static String idFilter(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null ? null : OrderBody.id(name, value);
    }

    /** A list of the feed's, by holding: {@link DecisionHistory#alerts} or {@link DecisionHistory#reports}. */
    @FunctionalInterface
    private interface OfHoldings<T> {
        List<T> newestFirst(String investorId, String securityId, int limit);
    }

    private void events(SseClient client) {
        client.keepAlive();
        DecisionHistory feed = backend().feed(); // first: a failure here must leave nothing scheduled
        Principal principal = client.ctx().attribute(PRINCIPAL);
        // or each reconnect would leave its expiry's task, and its client, for hours
        AtomicReference<ScheduledFuture<?>> expiry = new AtomicReference<>();
        Runnable onEnd = () -> Optional.ofNullable(expiry.get()).ifPresent(task -> task.cancel(false));
        client.sendComment("connected");
        LiveStreams.Place place = Objects.requireNonNull(client.ctx().attribute(LIVE_STREAM_PLACE),
                "a live stream without a place: admitLiveStream takes one before every stream");
        Optional<LiveStreams.Opened> opened = liveStreams.open(client, place, feed, event -> payload(event).toString(),
                onEnd);
        if (opened.isPresent() && principal != null && principal.expiresAt() != null) {
            // the stream ends when the credential that opened it does: a page must come back with a new one. Through
            // the stream, which touches the request only while the server serves it, and not amid a write
            long millis = Math.max(0, principal.expiresAt().toEpochMilli() - clock.millis());
            expiry.set(streamExpiry.schedule(opened.get()::end, millis, TimeUnit.MILLISECONDS));
            if (opened.get().ended()) {
                expiry.get().cancel(false); // it ended before its expiry was set, and its end found none to cancel
            }
        }
    }

    /** Whom the live-stream caps count a stream for: every caller is one while authentication is off. */
    private static String countedAs(Principal principal) {
        return (principal == null ? Principal.anonymous() : principal).caller();
    }

    /**
     * The live feed answers only a client that accepts an event stream (an EventSource does); anything else would
     * get an empty 200 from the server's stream handler. Asked after authorization (401 and 403 come first), but
     * before a ticket is redeemed, so that such a request does not spend it.
     */
    private void requireEventStream(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains(EVENT_STREAM)) {
            throw ApiException.notAcceptable("the live feed is an event stream: send Accept: " + EVENT_STREAM
                    + " (an EventSource does)");
        }
    }

    /**
     * 503 for a live stream while the guard is starting, before its answer begins: once begun, a stream without the
     * feed would stay open and silent, its page showing it connected (an {@code EventSource} reconnects on its own
     * only when the stream ends). And while the feed reads what was decided before (or fails before it has): its
     * page would load its lists without the newest of it. Asked before a ticket is spent: the page retries with it.
     */
    private void requireFeed(Context ctx) {
        DecisionHistory feed = backend().feed();
        if (!feed.backlogRead()) {
            // its page loads its lists as the stream opens: not before they hold what was decided until now (nor
            // once the feed reads again after a failure, which it may before its backlog is read): refused saying
            // why, the feed's failure first (seen: "reading" for ever, the feed stopped for good)
            throw ApiException.notReady(feed.outageReason().map(reason -> "the live feed reads nothing now: "
                    + reason.summary()).orElse("the live feed is reading what was decided before this instance "
                    + "started") + "; retry");
        }
    }

    /**
     * A place among {@link LiveStreams}' caps for a live stream, before its answer begins, or 429 (unless a ticket's
     * holder has one already: {@link #authorize}). The stream takes it when it opens; {@link #giveBackUnusedPlace}
     * gives it back if the request ends without one.
     */
    private void admitLiveStream(Context ctx) {
        if (ctx.attribute(LIVE_STREAM_PLACE) == null) {
            reserveLiveStream(ctx, ctx.attribute(PRINCIPAL));
        }
    }

    private void reserveLiveStream(Context ctx, Principal principal) {
        ctx.attribute(LIVE_STREAM_PLACE, liveStreams.reserve(countedAs(principal))
                .orElseThrow(GuardWebServer::tooManyLiveStreams));
    }

    /**
     * Gives back the place a live stream's request took and no stream did (refused after it was taken, or failed
     * before the stream opened): run after every request, whatever it ended with, or the caps would count it for as
     * long as the instance runs.
     */
    private static void giveBackUnusedPlace(Context ctx) {
        LiveStreams.Place place = ctx.attribute(LIVE_STREAM_PLACE);
        if (place != null) {
            place.giveBack();
        }
    }

    private static ApiException tooManyLiveStreams() {
        return ApiException.tooManyRequests("too many live streams: at most " + LiveStreams.MAX_STREAMS_PER_SUBJECT
                + " per subject and " + LiveStreams.MAX_STREAMS + " in all");
    }

    /** A feed event's data: the JSON form of its record. */
    private JsonNode payload(DecisionHistory.Event event) {
        Object value = event.value();
        if (value instanceof Decision decision) {
            return contracts.decision(decision);
        }
        if (value instanceof ComplianceAlert alert) {
            return contracts.alert(alert);
        }
        if (value instanceof ReportResult result) {
            return contracts.report(result);
        }
        return contracts.position((Position) value);
    }

    private static void answer(Context ctx, HoldingsQuery.Answer answer) {
        ctx.header(SERVED_BY_HEADER, answer.servedBy()).json(answer.body());
    }

    /**
     * Every holding's position: built, and sent, in one of {@link #MOST_LISTS_AT_ONCE} places, so that what lists
     * hold in memory is bounded (sent before the place is given back: the list is held until then).
     */
    private void holdings(Context ctx) throws IOException, InterruptedException {
        boolean local = local(ctx);
        Semaphore places = local ? localLists : wholeLists;
        if (!places.tryAcquire(LIST_PLACE_WAIT_MS, TimeUnit.MILLISECONDS)) {
            throw ApiException.notReady("this instance builds " + MOST_LISTS_AT_ONCE + " lists of "
                    + (local ? "its own" : "every") + " holding already, each held in memory until sent; retry");
        }
        try {
            HoldingsQuery.ListAnswer answer = backend().holdings().all(local, authorization(ctx));
            answered(ctx);
            answer(ctx, answer);
        } finally {
            places.release();
        }
    }

    /**
     * The answer is ready, its body still to be sent: its time is taken here (Server-Timing, sent before the body,
     * and the endpoint's timer), not when a slow client has read it.
     */
    private static void answered(Context ctx) {
        long now = System.nanoTime();
        ctx.attribute(ANSWERED_AT, now);
        Long from = ctx.attribute(TIMED_FROM);
        if (from != null) {
            ctx.header("Server-Timing", serverTiming(now - from));
        }
    }

    /** The list as the instances' lists are joined, never as one tree: it can be tens of MB (JsonArrayBytes). */
    private static void answer(Context ctx, HoldingsQuery.ListAnswer answer) {
        if (answer.partitions() != null) {
            ctx.header(RemoteGuards.PARTITIONS_HEADER, answer.partitions().stream().sorted().map(String::valueOf)
                    .collect(Collectors.joining(",")));
        }
        ctx.header(SERVED_BY_HEADER, answer.servedBy()).contentType(ContentType.APPLICATION_JSON);
        // buffered: the compression Javalin applies is chosen at the first write, by its size, and the first piece of
        // the list is its "[" alone (seen: every list sent whole, eleven times the bytes)
        try (InputStream body = answer.body();
                OutputStream out = new BufferedOutputStream(ctx.outputStream(), LIST_WRITE_BUFFER)) {
            body.transferTo(out); // here, within the list's place
        } catch (IOException e) {
            // the caller hung up (a dashboard's poll given up, a tab closed): nothing more can be sent, and the
            // answer was the server's 200, not a failure of it
            LOG.debug("a list of holdings was not read to its end: {}", e.toString());
        }
    }

    private static boolean local(Context ctx) {
        return booleanParam(ctx, QueryParameters.LOCAL); // a misspelt true would ask every other instance
    }

    private static HoldingKey holdingOf(Context ctx) {
        return new HoldingKey(OrderBody.id("investorId", ctx.pathParam("investorId")),
                OrderBody.id("securityId", ctx.pathParam("securityId")));
    }

    /** {@code ?name=true} or {@code false}; false when left out. */
    private static boolean booleanParam(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (!value.equals("true")) {
            throw ApiException.badRequest(name, name + " must be true or false, was '" + value + "'");
        }
        return true;
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("[+-]?[0-9]+")) {
            throw ApiException.badRequest(name, name + " must be a whole number, was '" + value + "'");
        }
        // digits past an int's range are a whole number still: out of range, not malformed
        BigInteger parsed = new BigInteger(value);
        if (parsed.compareTo(BigInteger.valueOf(min)) < 0 || parsed.compareTo(BigInteger.valueOf(max)) > 0) {
            throw ApiException.badRequest(name, name + " must be between " + min + " and " + max);
        }
        return parsed.intValue();
    }

    /**
     * Times an endpoint, by the status it answers with, and tells the client how long the server took in a
     * {@code Server-Timing} header. An {@link ApiException} or a refusal of the web server's own (413 for a body
     * over the size limit) is answered here, so that a 400 is counted as a 400; anything else is counted as the 500
     * it becomes and left to the exception handler, which logs it and answers.
     */
    private Handler timed(String endpoint, Handler handler) {
        return ctx -> {
            long start = System.nanoTime();
            ctx.attribute(TIMED_FROM, start);
            Integer failedWith = null;
            try {
                handler.handle(ctx);
            } catch (ApiException e) {
                error(ctx, e);
            } catch (HttpResponseException e) {
                refusedByServer(e, ctx);
            } catch (Exception e) {
                failedWith = 500;
                throw e;
            } finally {
                Long answeredAt = ctx.attribute(ANSWERED_AT);
                long took = (answeredAt != null ? answeredAt : System.nanoTime()) - start;
                if (answeredAt == null) {
                    ctx.header("Server-Timing", serverTiming(took));
                }
                if (!ctx.method().equals(HandlerType.HEAD)) { // a probe's HEADs would dilute what callers wait
                    metrics.apiTimer(endpoint, failedWith != null ? failedWith : ctx.statusCode())
                            .record(took, TimeUnit.NANOSECONDS);
                }
            }
        };
    }

    private static String serverTiming(long nanos) {
        return String.format(Locale.ROOT, "app;dur=%.3f", nanos / 1e6);
    }

    /**
     * The web server's own refusals (413 for a body over its size limit, 404 or 405 for no such endpoint): JSON
     * like every other error on the API, /health and /metrics (in any case, with any slashes doubled); plain text for
     * the dashboard's files.
     */
    private void refusedByServer(HttpResponseException e, Context ctx) {
        // as a client may have meant it: /api, //api/holdings and /API/holdings are the API's too
        String path = ctx.path().replaceAll("/{2,}", "/").toLowerCase(Locale.ROOT);
        String allowed = e.getStatus() == 405 ? e.getDetails().get("availableMethods") : null;
        if (allowed != null && allowed.matches("(.*, )?GET(, .*)?") && !allowed.contains("HEAD")) {
            allowed += ", HEAD"; // a GET route answers HEAD too
        }
        if (allowed != null) {
            ctx.header("Allow", allowed);
        }
        if (path.equals("/api") || path.startsWith("/api/") || path.equals("/health") || path.startsWith("/health/")
                || path.equals("/metrics") || path.startsWith("/metrics/")) {
            error(ctx, ApiException.refusedByServer(e.getStatus(), e.getStatus() == 413
                    ? "the request body is over the server's limit of " + maxRequestBytes + " bytes"
                    : allowed != null ? ctx.method() + " is not taken by " + ctx.path() + ": it takes " + allowed
                    : e.getMessage()));
        } else {
            ctx.status(e.getStatus()).contentType(ContentType.TEXT_PLAIN).result(e.getMessage());
        }
    }

    /** 500: the details go to the log, not to the caller. */
    private void internalError(Exception e, Context ctx) {
        String request;
        try {
            request = ctx.method() + " " + ctx.path();
        } catch (RuntimeException recycled) {
            // the server is done with the request (a stream whose reader left, a stop): there is nobody to answer,
            // and a handler that throws here sets Javalin's error handling off again
            LOG.debug("a request the web server was done with failed", e);
            return;
        }
        LOG.error("{} failed", request, e);
        error(ctx, ApiException.internal("internal error (" + e.getClass().getSimpleName() + "); see the guard's log"));
    }

    private void error(Context ctx, ApiException e) {
        discardUnreadBody(ctx, e);
        String message = e.detail() != null && mayReadTheDetail(ctx) ? e.detail() : e.getMessage();
        ObjectNode body = json.createObjectNode().put("status", e.status()).put("error", message);
        if (e.field() != null) {
            body.put("field", e.field());
        }
        if (e.orderId() != null) {
            body.put("orderId", e.orderId());
        }
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401 && ctx.res().getHeader("WWW-Authenticate") == null) {
            // a 401 says how to authenticate (RFC 9110): one the instance owning a holding gave the caller's token
            ctx.header("WWW-Authenticate", "Bearer realm=\"lockup-guard\", error=\"invalid_token\"");
        }
        ctx.status(e.status()).json(body);
    }

    /** Waits until {@code underWay} is 0, for {@code atMost}. */
    private static void waitUntil(IntSupplier underWay, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (underWay.getAsInt() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    @Override
    public void close() {
        // a stop (SIGTERM) lets the orders under way get their decisions, within the decision timeout, before the
        // server closes their connections; the decision feed and the producer close after the server
        stopping = true;
        waitUntil(ordersUnderWay::get, settings.decisionTimeout().plus(STOP_MARGIN));
        try {
            // while the server still serves them: stopped first, it would take their requests from under them
            liveStreams.closeAll(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (app != null) {
            // an answer is written after its handler returns: let those given go out before the connections close
            StatisticsHandler requests = app.jettyServer().server().getDescendant(StatisticsHandler.class);
            if (requests != null) {
                waitUntil(requests::getRequestsActive, STOP_MARGIN);
            }
            app.stop();
        }
        streamExpiry.shutdownNow();
    }
}
