package com.lockupguard.tools.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lockupguard.registry.CompatibilityLevel;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.registry.SchemaMetadata;
import com.lockupguard.registry.SchemaRegistryException;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * A small schema registry speaking the subset of Confluent's REST API that serializers use, in
 * memory, on the JDK's HTTP server: register, look up, schema by id, versions, latest, the
 * compatibility check and the compatibility config. For tests and the embedded demo; production
 * always points at a real registry.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final ObjectMapper json = new ObjectMapper();
    private final InMemorySchemaRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String requiredUserInfo;

    private SchemaRegistryServer(InMemorySchemaRegistry registry, HttpServer server, String requiredUserInfo,
            List<Filter> filters) {
        this.registry = registry;
        this.server = server;
        this.requiredUserInfo = requiredUserInfo;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "schema-registry-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        var context = server.createContext("/", this::handle);
        context.getFilters().addAll(filters);
    }

    /** Builds a server; {@code port} 0 picks a free one. */
    public static final class Builder {
        private final InMemorySchemaRegistry registry;
        private String host = "127.0.0.1";
        private int port;
        private SSLContext tls;
        private boolean clientCertificates;
        private String userInfo;
        private final List<Filter> filters = new java.util.ArrayList<>();

        public Builder(InMemorySchemaRegistry registry) {
            this.registry = registry;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        /** Serve HTTPS with this context. */
        public Builder tls(SSLContext value) {
            tls = value;
            return this;
        }

        /** With {@link #tls}: require clients to present a certificate the context trusts. */
        public Builder requireClientCertificates() {
            clientCertificates = true;
            return this;
        }

        /** Require HTTP basic auth with these user:password credentials. */
        public Builder basicAuth(String value) {
            userInfo = value;
            return this;
        }

        /** A filter before the registry (fault injection in tests). */
        public Builder filter(Filter value) {
            filters.add(value);
            return this;
        }

        public SchemaRegistryServer start() throws IOException {
            HttpServer server;
            if (tls == null) {
                server = HttpServer.create(new InetSocketAddress(host, port), 0);
            } else {
                HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 0);
                boolean needClientAuth = clientCertificates;
                https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                    @Override
                    public void configure(com.sun.net.httpserver.HttpsParameters parameters) {
                        javax.net.ssl.SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                        ssl.setNeedClientAuth(needClientAuth);
                        parameters.setSSLParameters(ssl);
                    }
                });
                server = https;
            }
            SchemaRegistryServer registryServer = new SchemaRegistryServer(registry, server, userInfo, filters);
            server.start();
            return registryServer;
        }
    }

    public String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    public InMemorySchemaRegistry registry() {
        return registry;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (requiredUserInfo != null && !authorized(exchange)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"schema-registry\"");
                respond(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            try {
                respond(exchange, 200, route(exchange));
            } catch (SchemaRegistryException e) {
                int status = e.errorCode() >= 40400 && e.errorCode() < 40500 ? 404
                        : e.errorCode() == 409 ? 409 : e.errorCode() / 100 == 422 ? 422 : 500;
                respond(exchange, status, error(e.errorCode(), e.getMessage()));
            } catch (NotFound e) {
                respond(exchange, 404, error(404, e.getMessage()));
            } catch (MethodNotAllowed e) {
                respond(exchange, 405, error(405, "HTTP 405 Method Not Allowed"));
            } catch (JsonProcessingException e) {
                // a body that is not JSON: answered as Confluent's registry answers it, not a dropped connection
                respond(exchange, 400, error(400, "Unrecognized JSON in the request: " + e.getOriginalMessage()));
            } catch (RuntimeException e) {
                respond(exchange, 500, error(50001, e.toString()));
            }
        }
    }

    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    private static final class MethodNotAllowed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MethodNotAllowed() {
            super(null, null, false, false);
        }
    }

    private JsonNode route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String[] path = exchange.getRequestURI().getRawPath().replaceAll("^/+|/+$", "").split("/");
        for (int i = 0; i < path.length; i++) {
            // percent-decoded as a path is: a '+' is a plus (a query's space is no path's)
            path[i] = URLDecoder.decode(path[i].replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        if (path.length == 1 && path[0].equals("subjects") && method.equals("GET")) {
            ArrayNode subjects = json.createArrayNode();
            registry.getAllSubjects().forEach(subjects::add);
            return subjects;
        }
        if (path.length == 3 && path[0].equals("schemas") && path[1].equals("ids") && method.equals("GET")) {
            Schema schema = registry.getSchemaById(number(path[2]));
            return json.createObjectNode().put("schema", schema.toString());
        }
        if (path.length == 2 && path[0].equals("subjects") && method.equals("POST")) {
            Schema schema = requestSchema(exchange);
            int id;
            try {
                id = registry.getId(path[1], schema);
            } catch (SchemaRegistryException.SchemaNotFound e) {
                // in Confluent's words: a client says what to do about it in its own
                throw new SchemaRegistryException.SchemaNotFound("Schema not found");
            }
            return versionOf(path[1], id);
        }
        if (path.length == 3 && path[0].equals("subjects") && path[2].equals("versions") && method.equals("POST")) {
            refuseInvalidSubject(path[1]);
            return json.createObjectNode().put("id", registry.register(path[1], requestSchema(exchange)));
        }
        if (path.length == 3 && path[0].equals("subjects") && path[2].equals("versions") && method.equals("GET")) {
            ArrayNode versions = json.createArrayNode();
            registry.getAllVersions(path[1]).forEach(v -> versions.add(v.version()));
            return versions;
        }
        if (path.length == 4 && path[0].equals("subjects") && path[2].equals("versions") && method.equals("GET")) {
            return metadata(version(path[1], path[3]));
        }
        if (path.length == 4 && path[0].equals("compatibility") && path[1].equals("subjects")
                && path[3].equals("versions") && method.equals("POST")) {
            // against the versions registering would be checked against: the latest, or all under a transitive level
            return json.createObjectNode().put("is_compatible",
                    registry.testCompatibility(path[2], requestSchema(exchange)));
        }
        if (path.length == 5 && path[0].equals("compatibility") && path[1].equals("subjects")
                && path[3].equals("versions") && method.equals("POST")) {
            Schema schema = requestSchema(exchange);
            if (!registry.getAllSubjects().contains(path[2])) {
                if (isLatest(path[4])) {
                    return json.createObjectNode().put("is_compatible", true); // nothing to be compatible with yet
                }
                versionNumber(path[4]);
                throw new SchemaRegistryException("Version " + path[4] + " not found.", 40402); // as Confluent's
            }
            SchemaMetadata against = version(path[2], path[4]); // 40402 for a version it does not have
            // against the one version named, "latest" included, whatever the level: as Confluent checks
            return json.createObjectNode().put("is_compatible",
                    registry.compatibility(path[2]).allows(schema, List.of(against.schema())));
        }
        if (path[0].equals("config") && path.length <= 2) {
            return config(exchange, method, path.length == 2 ? path[1] : null);
        }
        if (served(path)) {
            throw new MethodNotAllowed(); // a DELETE of a subject or a version, say: not served, and must not look done
        }
        throw new NotFound("no such endpoint: " + method + " " + exchange.getRequestURI().getPath());
    }

    /** Whether {@code path} is one this server answers with some method. */
    private static boolean served(String[] path) {
        return switch (path[0]) {
            case "subjects" -> path.length <= 4 && (path.length < 3 || path[2].equals("versions"));
            case "schemas" -> path.length == 3 && path[1].equals("ids");
            case "compatibility" -> (path.length == 4 || path.length == 5) && path[1].equals("subjects")
                    && path[3].equals("versions");
            default -> false;
        };
    }

    /**
     * The compatibility level of the registry ({@code subject} null) or of one subject, as Confluent serves it:
     * {@code GET} a subject's own level (40408 for one without, unless {@code ?defaultToGlobal=true}), {@code PUT} one,
     * {@code DELETE} one (the subject falls back to the registry's; the registry's to BACKWARD), saying the level
     * removed.
     */
    private JsonNode config(HttpExchange exchange, String method, String subject) throws IOException {
        switch (method) {
            case "PUT" -> {
                String asked = json.readTree(body(exchange)).path("compatibility").asText();
                CompatibilityLevel level;
                try {
                    level = CompatibilityLevel.valueOf(asked.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new SchemaRegistryException("Invalid compatibility level: " + asked, 42203);
                }
                if (subject == null) {
                    registry.setDefaultCompatibility(level);
                } else {
                    registry.setCompatibility(subject, level);
                }
                return json.createObjectNode().put("compatibility", level.name());
            }
            case "GET" -> {
                CompatibilityLevel level = subject == null ? registry.defaultCompatibility()
                        : registry.subjectCompatibility(subject).orElseGet(() -> {
                            if (query(exchange).stream().anyMatch("defaultToGlobal=true"::equalsIgnoreCase)) {
                                return registry.defaultCompatibility();
                            }
                            throw noLevelOf(subject);
                        });
                return json.createObjectNode().put("compatibilityLevel", level.name());
            }
            case "DELETE" -> {
                CompatibilityLevel removed;
                if (subject == null) {
                    removed = registry.defaultCompatibility();
                    registry.setDefaultCompatibility(CompatibilityLevel.BACKWARD);
                } else {
                    removed = registry.clearCompatibility(subject).orElseThrow(() -> noLevelOf(subject));
                }
                return json.createObjectNode().put("compatibilityLevel", removed.name());
            }
            default -> throw new MethodNotAllowed();
        }
    }

    private static SchemaRegistryException noLevelOf(String subject) {
        return new SchemaRegistryException("Subject '" + subject + "' does not have subject-level compatibility "
                + "configured", 40408);
    }

    private static List<String> query(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        return query == null ? List.of() : List.of(query.split("&"));
    }

    private static boolean isLatest(String version) {
        return version.equals("latest") || version.equals("-1");
    }

    /**
     * Refuses to register under a subject Confluent's registry refuses (42208): an empty one, one with a control
     * character, or a name it keeps for itself. Accepted here, a test would pass that a real registry fails.
     */
    private static void refuseInvalidSubject(String subject) {
        if (subject.isEmpty() || subject.chars().anyMatch(Character::isISOControl) || subject.equals("__GLOBAL")
                || subject.equals("__EMPTY")) {
            throw new SchemaRegistryException("Invalid subject " + subject, 42208);
        }
    }

    /** A subject's version, with Confluent's codes: 40401 no such subject, 40402 no such version, 42202 no version. */
    private SchemaMetadata version(String subject, String version) {
        if (isLatest(version)) {
            return registry.getLatestSchemaMetadata(subject);
        }
        int wanted = versionNumber(version);
        List<SchemaMetadata> versions = registry.getAllVersions(subject); // 40401 for a subject it does not have
        return versions.stream().filter(v -> v.version() == wanted).findFirst()
                .orElseThrow(() -> new SchemaRegistryException("Version " + version + " not found.", 40402));
    }

    /** The number {@code version} names, or 42202 for what is no version. */
    private static int versionNumber(String version) {
        int wanted;
        try {
            wanted = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            wanted = 0;
        }
        if (wanted < 1) {
            throw new SchemaRegistryException("The specified version '" + version + "' is not a valid version id. "
                    + "Allowed values are between [1, 2^31-1] and the string \"latest\"", 42202);
        }
        return wanted;
    }

    private ObjectNode versionOf(String subject, int id) {
        return metadata(registry.getAllVersions(subject).stream().filter(v -> v.id() == id).findFirst().orElseThrow());
    }

    private ObjectNode metadata(SchemaMetadata metadata) {
        return json.createObjectNode().put("subject", metadata.subject()).put("version", metadata.version())
                .put("id", metadata.id()).put("schema", metadata.schema().toString());
    }

    private Schema requestSchema(HttpExchange exchange) throws IOException {
        JsonNode request = json.readTree(body(exchange));
        String type = request.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException.InvalidSchema("Only AVRO schemas are supported, not " + type);
        }
        if (!request.path("references").isMissingNode() && !request.path("references").isEmpty()) {
            // a schema naming types of other subjects: this registry keeps none of them, so it cannot resolve them
            throw new SchemaRegistryException.InvalidSchema("Invalid schema: schema references are not supported by "
                    + "this registry");
        }
        try {
            return new Schema.Parser().parse(request.path("schema").asText());
        } catch (AvroRuntimeException e) {
            // a parse error, and what Avro finds invalid in a schema that parses (a default of the wrong type: its
            // AvroTypeException; a field or union branch twice): 42201, as Confluent's registry answers, not a 500
            throw new SchemaRegistryException.InvalidSchema("Invalid schema: " + e.getMessage());
        }
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new NotFound("not a number: " + text);
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic " + Base64.getEncoder().encodeToString(requiredUserInfo.getBytes(StandardCharsets.UTF_8));
        return expected.equals(header);
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private ObjectNode error(int code, String message) {
        return json.createObjectNode().put("error_code", code).put("message", message);
    }

    private void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
