package com.lockupguard.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance of the guard, over its HTTP API, for what only it holds: over https when
 * this instance serves https, with the service credential ({@link PeerAccess}).
 */
final class RemoteGuards {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** How much of another instance's unexpected answer an error quotes. */
    static final int SHOWN_BODY_CHARACTERS = 1_000;

    private final HttpClient http;
    private final ObjectMapper json;
    private final PeerAccess access;

    RemoteGuards(ObjectMapper json, PeerAccess access) {
        this.json = json;
        this.access = access;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (access.https() && access.ssl() != null) {
            builder.sslContext(access.ssl());
        }
        this.http = builder.build();
    }

    /** GET {@code path} of {@code host}, on behalf of a caller who sent {@code authorization} (may be null). */
    JsonNode get(HostInfo host, String path, String authorization) {
        return send(host, HttpRequest.newBuilder(uri(host, path)).GET(), authorization);
    }

    JsonNode post(HostInfo host, String path, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(host, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(host, request, authorization);
    }

    private JsonNode send(HostInfo host, HttpRequest.Builder request, String callerAuthorization) {
        String authorization = access.authorization(callerAuthorization);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return json.readTree(response.body());
            }
            if (response.statusCode() == 503 || response.statusCode() == 421) {
                throw ApiException.notReady("instance " + host.host() + ":" + host.port()
                        + " that owns this holding is not ready (rebalancing); retry");
            }
            if (response.statusCode() == 429) {
                throw ApiException.tooManyRequests("instance " + host.host() + ":" + host.port() + " that owns this "
                        + "holding has too many requests of this caller under way; retry");
            }
            if (response.statusCode() == 404) {
                throw ApiException.notFound(json.readTree(response.body()).path("error").asText("not found"));
            }
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                // the instances disagree on credentials (api.service.token, issuer, keys): an operator's problem
                throw ApiException.badGateway("instance " + host.host() + ":" + host.port() + " refused this "
                        + "instance's credential (" + response.statusCode() + "): give every instance the same "
                        + "api.service.token and api.auth.* settings");
            }
            String answered = "instance " + host.host() + ":" + host.port() + " answered " + response.statusCode();
            throw ApiException.badGateway(answered + guardsError(response.body()))
                    .withDetail(answered + ": " + shortened(response.body()));
        } catch (IOException e) {
            // in a rebalance the owner may be gone or not yet up: transient, like the rebalance itself
            throw ApiException.notReady("instance " + host.host() + ":" + host.port()
                    + " that owns this holding cannot be reached (" + why(e) + "); retry");
        } catch (InterruptedException e) {
            // the server is being stopped past its grace: an answer that says what to do, as its orders' do
            Thread.currentThread().interrupt();
            throw ApiException.notReady("the guard is stopping; ask another instance, or again once this one is "
                    + "back");
        }
    }

    /**
     * The other guard's own error, in the words it gives the credential this call carried: the service token, which
     * is told what anyone without the read role is, or the caller's own, checked there as here. A page that is not a
     * guard's (a proxy's between the instances) is only said to be one.
     */
    private String guardsError(String body) {
        try {
            JsonNode error = json.readTree(body).path("error");
            if (error.isTextual()) {
                return ": " + error.asText();
            }
        } catch (IOException e) {
            // not JSON
        }
        return " (not a guard's answer: a proxy between the instances?)";
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
    private static String why(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
                return "its name does not resolve here: is its http.advertised.host a name or address the other "
                        + "instances can reach?";
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
}
