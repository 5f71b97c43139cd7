package com.lockupguard.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/** Asks another instance of the guard, over its HTTP API, for what only it holds. */
final class RemoteGuards {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json;

    RemoteGuards(ObjectMapper json) {
        this.json = json;
    }

    JsonNode get(HostInfo host, String path) {
        return send(host, HttpRequest.newBuilder(uri(host, path)).GET(), null);
    }

    JsonNode post(HostInfo host, String path, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(host, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(host, request, authorization);
    }

    private JsonNode send(HostInfo host, HttpRequest.Builder request, String authorization) {
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
            if (response.statusCode() == 404) {
                throw ApiException.notFound(json.readTree(response.body()).path("error").asText("not found"));
            }
            throw ApiException.badGateway("instance " + host.host() + ":" + host.port() + " answered "
                    + response.statusCode() + ": " + response.body());
        } catch (IOException e) {
            // in a rebalance the owner may be gone or not yet up: transient, like the rebalance itself
            throw ApiException.notReady("instance " + host.host() + ":" + host.port()
                    + " that owns this holding cannot be reached (" + e.getMessage() + "); retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.notReady("interrupted");
        }
    }

    private static URI uri(HostInfo host, String path) {
        return URI.create("http://" + host.host() + ":" + host.port() + path);
    }
}
