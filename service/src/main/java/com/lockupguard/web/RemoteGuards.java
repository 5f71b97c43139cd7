package com.lockupguard.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance of the guard, over its HTTP API, for what only it holds: over https when
 * this instance serves https, with the service credential ({@link PeerAccess}).
 */
final class RemoteGuards {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    /**
     * For another instance's list of positions, which it reads whole from its stores: tens of thousands of holdings
     * take seconds on a busy instance, and the dashboard waits 10 s for the list.
     */
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(8);
    private static final String OWNS_THE_HOLDING = "that owns this holding";
    private static final String OWNS_SOME_HOLDINGS = "that owns some of the holdings";
    /** How much of another instance's unexpected answer an error quotes. */
    static final int SHOWN_BODY_CHARACTERS = 1_000;
    /**
     * The partitions of the inputs whose holdings an instance's own list holds ({@code 0,2,4}; empty: none), as it
     * answers {@code GET /api/holdings?local=true}: what another instance asked covers, whatever the asker thought it
     * owned. An instance of an older guard does not send it.
     */
    static final String PARTITIONS_HEADER = "X-Lockup-Guard-Partitions";

    /** An instance's list, and the partitions it says it covers (null: it did not say). */
    record Reply(JsonArrayBytes body, Set<Integer> partitions) {
    }

    private final HttpClient http;
    private final ObjectMapper json;
    private final PeerAccess access;
    private final UnreachablePeers unreachable;
    private final Duration listTimeout;

    RemoteGuards(ObjectMapper json, PeerAccess access) {
        this(json, access, new UnreachablePeers());
    }

    /** {@code unreachable}: told of each instance that could not be reached, and of each that answered. */
    RemoteGuards(ObjectMapper json, PeerAccess access, UnreachablePeers unreachable) {
        this(json, access, unreachable, LIST_TIMEOUT);
    }

    /** {@code listTimeout}: how long another instance's list is waited for, whole. */
    RemoteGuards(ObjectMapper json, PeerAccess access, UnreachablePeers unreachable, Duration listTimeout) {
        this.listTimeout = listTimeout;
        this.json = json;
        this.access = access;
        this.unreachable = unreachable;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (access.https() && access.ssl() != null) {
            builder.sslContext(access.ssl());
        }
        this.http = builder.build();
    }

    /** GET {@code path} of {@code host}, on behalf of a caller who sent {@code authorization} (may be null). */
    JsonNode get(HostInfo host, String path, String authorization) {
        return send(new Ask(host, OWNS_THE_HOLDING, TIMEOUT), HttpRequest.newBuilder(uri(host, path)).GET(),
                authorization);
    }

    JsonNode post(HostInfo host, String path, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(host, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(new Ask(host, OWNS_THE_HOLDING, TIMEOUT), request, authorization);
    }

    /**
     * GET the list of {@code path} of each of {@code hosts} at once, so that the answer waits for the slowest of them
     * rather than for all of them in turn: their lists, as they sent them, in the order of {@code hosts}, or the
     * failure of the first that failed in that order (the rest are not waited for, but each is still told to
     * {@link UnreachablePeers} when it ends: a second instance that cannot be reached is counted while the first
     * stays so).
     */
    List<Reply> getEach(List<HostInfo> hosts, String path, String authorization) {
        List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
        for (HostInfo host : hosts) {
            Ask ask = new Ask(host, OWNS_SOME_HOLDINGS, listTimeout);
            answers.add(http.sendAsync(request(HttpRequest.newBuilder(uri(host, path)).GET(), authorization,
                    listTimeout), HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> note(
                            ask, response, failure instanceof CompletionException ? failure.getCause() : failure)));
        }
        List<Reply> bodies = new ArrayList<>();
        // the client's time out ends at an answer's headers: a list whose body stalls (its instance stopped while
        // sending it) is waited for as long, from the first request, and no longer
        long deadline = System.nanoTime() + listTimeout.toNanos();
        for (int i = 0; i < hosts.size(); i++) {
            Ask ask = new Ask(hosts.get(i), OWNS_SOME_HOLDINGS, listTimeout);
            try {
                HttpResponse<byte[]> response = answers.get(i).get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                if (response.statusCode() != 200) {
                    throw refusal(ask, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
                }
                bodies.add(new Reply(list(ask, response.body()), partitions(response)));
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException cause ? unreachable(ask, cause)
                        : new IllegalStateException("asking instance " + ask.named() + " failed", e.getCause());
            } catch (TimeoutException e) {
                answers.forEach(answer -> answer.cancel(true));
                HttpTimeoutException late = new HttpTimeoutException("its list's body did not come in time");
                unreachable.failed(ask.named(), why(ask, late), true);
                throw unreachable(ask, late);
            } catch (IOException e) {
                throw unreachable(ask, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answers.forEach(answer -> answer.cancel(true));
                throw stopping();
            }
        }
        return bodies;
    }

    /** Another instance's list, as it sent it, once it is seen to be one JSON array. */
    private JsonArrayBytes list(Ask ask, byte[] body) {
        try {
            return JsonArrayBytes.read(json.getFactory(), body);
        } catch (JsonProcessingException e) {
            String answered = "instance " + ask.named() + " answered 200";
            throw ApiException.badGateway(answered + " with what is not a list of positions (not a guard's answer: "
                    + "a proxy between the instances?)").withDetail(answered + ", " + e.getOriginalMessage() + ": "
                            + shortened(new String(body, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // read from memory
        }
    }

    /** The partitions {@code response} says its list covers, or null when it does not say (or says nonsense). */
    private static Set<Integer> partitions(HttpResponse<?> response) {
        String listed = response.headers().firstValue(PARTITIONS_HEADER).orElse(null);
        if (listed == null) {
            return null;
        }
        Set<Integer> partitions = new TreeSet<>();
        for (String partition : listed.split(",")) {
            if (!partition.isBlank()) {
                try {
                    partitions.add(Integer.parseInt(partition.strip()));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return partitions;
    }

    private JsonNode send(Ask ask, HttpRequest.Builder request, String callerAuthorization) {
        HttpResponse<String> response;
        try {
            response = http.send(request(request, callerAuthorization, ask.timeout()),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            note(ask, null, e);
            throw unreachable(ask, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopping();
        }
        note(ask, response, null);
        try {
            return answered(ask, response);
        } catch (IOException e) {
            throw unreachable(ask, e); // a body that is not JSON
        }
    }

    /** {@code request} with {@code timeout}, carrying the credential {@link PeerAccess} gives for the caller's. */
    private HttpRequest request(HttpRequest.Builder request, String callerAuthorization, Duration timeout) {
        String authorization = access.authorization(callerAuthorization);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.timeout(timeout).build();
    }

    /**
     * Tells {@link UnreachablePeers} how asking {@code ask}'s instance ended: an answer of the guard's reaches it, but
     * for a refusal of the service token; a failure to connect or to be answered in time, or a 5xx that is not a
     * guard's (a proxy's or a sidecar's page between the instances), does not.
     */
    private void note(Ask ask, HttpResponse<?> response, Throwable failure) {
        if (response == null) {
            if (failure instanceof IOException e) {
                unreachable.failed(ask.named(), why(ask, e), answeredTooSlowly(e));
            }
            return;
        }
        int status = response.statusCode();
        boolean refusal = status == 401 || status == 403;
        // read as text only where it may be a guard's error, once: never a list's 200, which may be tens of MB
        String body = refusal || status >= 500 ? text(response) : null;
        boolean guards = body != null && isGuardsError(body);
        if (refusal && guards && access.sendsServiceToken()) {
            // answered, but asking it fails until the instances' credentials agree: nothing else says so
            unreachable.refused(ask.named(), status, errorOf(body));
        } else if (status < 500 || guards) {
            unreachable.answered(ask.named());
            if (refusal && guards) {
                unreachable.refusedCallers(ask.named(), status, errorOf(body));
            }
        } else {
            unreachable.failed(ask.named(), "it answered " + status + " without a guard's answer");
        }
    }

    /** A body as text, whether it was read as text or, for a list, as bytes. */
    private static String text(HttpResponse<?> response) {
        return response.body() instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(response.body());
    }

    /** The body of another instance's 200, or what its other answer means here. */
    private JsonNode answered(Ask ask, HttpResponse<String> response) throws IOException {
        if (response.statusCode() == 200) {
            return json.readTree(response.body());
        }
        throw refusal(ask, response.statusCode(), response.body());
    }

    /** What another instance's answer other than 200, {@code status} with {@code body}, means here. */
    private ApiException refusal(Ask ask, int status, String body) throws IOException {
        String instance = "instance " + ask.named();
        if (status == 421 && isGuardsError(body)) {
            return ApiException.notReady(instance + " " + ask.role() + " is not ready (rebalancing); retry");
        }
        if (status == 503 && isGuardsError(body)) {
            // in its own words: rebalancing, starting, stopping, or busy with lists already
            return ApiException.notReady(instance + " " + ask.role() + " cannot answer now ("
                    + errorOf(body).replaceFirst("; retry$", "") + "); retry");
        }
        if (status == 429) {
            return ApiException.tooManyRequests(instance + " " + ask.role() + " has too many requests of this caller "
                    + "under way; retry");
        }
        if (status == 404) {
            return ApiException.notFound(json.readTree(body).path("error").asText("not found"));
        }
        if ((status == 401 || status == 403) && !access.sendsServiceToken() && isGuardsError(body)) {
            // the caller's own credential, checked there as here: refused there (a key rotated that it has not
            // fetched yet, a token expiring between the two checks, roles configured apart), it is the caller's
            // answer, in the owner's words (seen in a review: a valid token's every such query a 502 for 30 s)
            String why = instance + " " + ask.role() + " refused the caller's credential, which this instance "
                    + "let in (" + status + "): " + errorOf(body);
            return status == 401 ? ApiException.unauthorized(why) : ApiException.forbidden(why);
        }
        if (status == 401 || status == 403) {
            // the instances disagree on credentials (api.service.token, issuer, keys): an operator's problem
            return ApiException.badGateway(instance + " refused this instance's credential (" + status
                    + "): give every instance the same api.service.token and api.auth.* settings");
        }
        String answered = instance + " answered " + status;
        return ApiException.badGateway(answered + guardsError(body)).withDetail(answered + ": " + shortened(body));
    }

    /**
     * In a rebalance the owner may be gone or not yet up: transient, like the rebalance itself. An owner whose
     * advertised address cannot be reached from here is not, and the answer says what to check once it lasts.
     */
    private static ApiException unreachable(Ask ask, IOException e) {
        if (answeredTooSlowly(e)) {
            // connected, and so reachable: slow (a long list, a busy machine) or hung, not misaddressed
            return ApiException.notReady("instance " + ask.named() + " " + ask.role() + " " + why(ask, e)
                    + "; retry");
        }
        String why = why(ask, e);
        return ApiException.notReady("instance " + ask.named() + " " + ask.role() + " cannot be reached (" + why
                + "); retry" + (why.endsWith("?") ? "" : ", and if this lasts, is its http.advertised.host an "
                        + "address the other instances can reach?"));
    }

    /** The server is being stopped past its grace: an answer that says what to do, as its orders' do. */
    private static ApiException stopping() {
        return ApiException.notReady("the guard is stopping; ask another instance, or again once this one is back");
    }

    /**
     * The other guard's own error, in the words it gives the credential this call carried: the service token, which
     * is told what anyone without the read role is, or the caller's own, checked there as here. A page that is not a
     * guard's (a proxy's between the instances) is only said to be one.
     */
    private String guardsError(String body) {
        String error = errorOf(body);
        return error != null ? ": " + error : " (not a guard's answer: a proxy between the instances?)";
    }

    /** Whether {@code body} is a guard's error, {@code {"status": ..., "error": "..."}}. */
    private boolean isGuardsError(String body) {
        return errorOf(body) != null;
    }

    private String errorOf(String body) {
        try {
            JsonNode error = json.readTree(body).path("error");
            return error.isTextual() ? error.asText() : null;
        } catch (IOException e) {
            return null; // not JSON
        }
    }

    /** {@code body} whole up to {@value #SHOWN_BODY_CHARACTERS} characters, else cut there with its length. */
    static String shortened(String body) {
        int characters = body.codePointCount(0, body.length());
        if (characters <= SHOWN_BODY_CHARACTERS) {
            return body;
        }
        return body.substring(0, body.offsetByCodePoints(0, SHOWN_BODY_CHARACTERS)) + "... (" + characters
                + " characters)";
    }

    /**
     * What went wrong, also where the client gives no message: a refused connection's is null, and so is that of a
     * name that does not resolve, which the client reports as a refused connection too (the other instance's
     * http.advertised.host, a pod name, say).
     */
    private static String why(Ask ask, IOException e) {
        if (answeredTooSlowly(e)) {
            Duration waited = ask.timeout();
            return "did not answer within " + (waited.toMillis() % 1000 == 0 ? waited.toSeconds() + " s"
                    : waited.toMillis() + " ms");
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
                return "its name does not resolve here: is its http.advertised.host a name or address the other "
                        + "instances can reach?";
            }
            if (cause instanceof SSLException) {
                // reached, and refused in TLS: its certificate (its name, its dates, its CA), not its address
                return "TLS refused: " + cause.getMessage() + ": does it serve https with a certificate a CA of "
                        + "this instance's trust store issued, valid now and naming its http.advertised.host?";
            }
        }
        return e.getMessage() != null ? e.getMessage()
                : e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }

    private URI uri(HostInfo host, String path) {
        return URI.create((access.https() ? "https://" : "http://") + authorityHost(host.host()) + ":" + host.port()
                + path);
    }

    /** An IPv6 address in brackets, as a URL needs it: Kafka Streams names an instance's host without them. */
    private static String authorityHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** A request's time out once connected, not its connection's ({@link #TIMEOUT}, always). */
    private static boolean answeredTooSlowly(IOException e) {
        return e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException);
    }

    /**
     * An instance asked, what it is asked as ({@code "that owns this holding"}), for the errors that name it, and how
     * long its answer is waited for.
     */
    private record Ask(HostInfo host, String role, Duration timeout) {

        String named() {
            return host.host() + ":" + host.port();
        }
    }
}
