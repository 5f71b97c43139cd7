package com.lockupguard.security.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** An identity provider's JWKS endpoint for tests: {@code /jwks} on a loopback server of the test's own. */
public final class JwksEndpoint {

    private JwksEndpoint() {
    }

    /**
     * Serves {@code body} with {@code status} at {@code /jwks} of {@code server} (plain or https), counting each
     * request in {@code fetches}, and starts it.
     */
    public static <S extends HttpServer> S serve(S server, int status, Supplier<String> body, AtomicInteger fetches) {
        return serve(server, status, body, Map.of(), fetches);
    }

    /** As {@link #serve(HttpServer, int, Supplier, AtomicInteger)}, answering with {@code headers} as well. */
    public static <S extends HttpServer> S serve(S server, int status, Supplier<String> body,
            Map<String, String> headers, AtomicInteger fetches) {
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            headers.forEach(exchange.getResponseHeaders()::add);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }
}
