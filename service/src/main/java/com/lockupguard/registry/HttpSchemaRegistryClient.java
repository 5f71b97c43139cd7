package com.lockupguard.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of Confluent's Schema Registry REST API, with the JDK HTTP client and Jackson.
 * Schemas by id and ids by (subject, schema) are cached for good — both are immutable in a
 * registry — so that the serdes' hot path never calls the registry; an id the registry does not know, for a
 * moment ({@value RegistryClientConfig#MISSING_ID_CACHE_TTL_SEC}). Requests that get no
 * answer, a 5xx, or a page that is not the registry's (a body that is not JSON, a 404 without a registry's error code
 * where {@code GET /config} is not served either) are retried with bounded, doubling backoff, failing over across the
 * URLs.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, "
            + "application/json";

    private final ObjectMapper json = new ObjectMapper();
    private final RegistryClientConfig config;
    private final List<String> urls;
    private final HttpClient http;
    private final Duration readTimeout;
    private final String bearerToken;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    /**
     * How long a run of failures of the registry to serve one schema id, while it serves the guard others, lasts before
     * the records naming it are dead-lettered, and how long they then are without asking again.
     */
    static final Duration UNSERVED_LIMIT = Duration.ofMinutes(5);
    /** How long the registry is given to serve another schema when an id it was asked for failed. */
    private static final Duration UNSERVED_PROBE = Duration.ofSeconds(2);
    /** The most ids {@link #unservedSince} holds. */
    private static final int UNSERVED_KEPT = 1_000;
    /**
     * A quiet spell, from the end of one failure of an id to the start of the next ask, after which its failures are
     * counted again: longer than a stream thread's replacement and restore take between two asks.
     */
    static final Duration UNSERVED_GAP = Duration.ofMinutes(10);

    /** Ids the registry said it does not know, with why and until when (System.nanoTime) that answer stands. */
    private final Map<Integer, Missing> missingIds = new ConcurrentHashMap<>();
    /**
     * Ids the registry failed to serve while it served others: since when, and when last (System.nanoTime), until it
     * serves them.
     */
    private final Map<Integer, long[]> unservedSince = new ConcurrentHashMap<>();
    private final Duration unservedLimit;
    private final Duration unservedGap;
    /** Ids the guard read records by (producers' schemas, by id): the probe asks one of them first. */
    private final Set<Integer> readIds = ConcurrentHashMap.newKeySet();
    private final long missingIdNanos;
    private final int missingIdsKept;
    private volatile int preferredUrl;

    /** An id the registry gave no usable schema for: unknown to it, or a schema that is not Avro the guard reads. */
    private record Missing(SchemaRegistryException failure, long untilNanos) {
        SchemaRegistryException again() {
            if (failure instanceof SchemaRegistryException.SchemaNotServed notServed) {
                return new SchemaRegistryException.SchemaNotServed(failure.getMessage(), notServed.registryFailure());
            }
            return failure instanceof SchemaRegistryException.InvalidSchema
                    ? new SchemaRegistryException.InvalidSchema(failure.getMessage())
                    : new SchemaRegistryException.SchemaNotFound(failure.getMessage());
        }
    }

    public HttpSchemaRegistryClient(Map<String, ?> configs) {
        this(configs, UNSERVED_LIMIT, UNSERVED_GAP);
    }

    /**
     * A client that dead-letters the records of an id the registry fails to serve through {@code unservedLimit} of
     * failures none of which came {@code unservedGap} after the one before.
     */
    HttpSchemaRegistryClient(Map<String, ?> configs, Duration unservedLimit, Duration unservedGap) {
        this.unservedLimit = unservedLimit;
        this.unservedGap = unservedGap;
        this.config = withUrlsChecked(configs); // the rest is checked as it is built below
        this.urls = config.urls();
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(config.getInt(RegistryClientConfig.CONNECT_TIMEOUT_MS)))
                // never: the JDK's client would send the Authorization header on to wherever a redirect points
                .followRedirects(HttpClient.Redirect.NEVER)
                // HTTP/1.1, as Confluent's client speaks: the JDK's default asks a plain-http registry to upgrade
                // to HTTP/2 (Upgrade: h2c) on every first request, which some proxies and load balancers mishandle
                .version(HttpClient.Version.HTTP_1_1);
        InetSocketAddress proxy = config.proxy();
        if (proxy != null) {
            builder.proxy(ProxySelector.of(proxy));
        }
        if (urls.stream().anyMatch(HttpSchemaRegistryClient::isHttps)) {
            builder.sslContext(sslContext(config));
        }
        this.http = builder.build();
        this.readTimeout = Duration.ofMillis(config.getInt(RegistryClientConfig.READ_TIMEOUT_MS));
        this.bearerToken = config.bearerToken();
        urls.forEach(config::userInfo); // a USER_INFO source without user info refused here, not at the first request
        this.missingIdNanos = TimeUnit.SECONDS.toNanos(config.getLong(RegistryClientConfig.MISSING_ID_CACHE_TTL_SEC));
        this.missingIdsKept = config.getInt(RegistryClientConfig.MISSING_CACHE_SIZE);
    }

    /**
     * {@code configs} read as the client reads them, refused ({@link ConfigException}) as its construction refuses
     * them: the URLs, the proxy, the bearer token, the trust and key stores of an https registry. Nothing is asked.
     */
    static RegistryClientConfig checked(Map<String, ?> configs) {
        RegistryClientConfig config = withUrlsChecked(configs);
        config.proxy();
        if (config.urls().stream().anyMatch(HttpSchemaRegistryClient::isHttps)) {
            sslContext(config);
        }
        config.bearerToken();
        config.urls().forEach(config::userInfo);
        return config;
    }

    /** {@code configs} read as the client reads them, its URLs refused unless each is an http(s) URL with a host. */
    private static RegistryClientConfig withUrlsChecked(Map<String, ?> configs) {
        RegistryClientConfig config = new RegistryClientConfig(configs);
        if (config.urls().isEmpty()) {
            throw new ConfigException(RegistryClientConfig.URL,
                    RegistryClientConfig.quoted(String.valueOf(configs.get(RegistryClientConfig.URL))),
                    "no registry URL given");
        }
        for (String url : config.urls()) {
            // here rather than at the first request, whose IllegalArgumentException would quote it whole
            if (hasHostWithUnderscore(url)) {
                throw new ConfigException(RegistryClientConfig.URL,
                        RegistryClientConfig.quoted(String.valueOf(configs.get(RegistryClientConfig.URL))),
                        "its host name holds '_', which host names may not, and the JDK's HTTP client cannot "
                                + "reach such a host: give the registry a name without '_' (a network alias, say) "
                                + "or its address");
            }
            if (!isUrl(url)) {
                throw new ConfigException(RegistryClientConfig.URL,
                        RegistryClientConfig.quoted(String.valueOf(configs.get(RegistryClientConfig.URL))),
                        "not an http(s) URL with a host: percent-encode a space, '@', '/' or ':' in a password, or "
                                + "give it in basic.auth.user.info with basic.auth.credentials.source=USER_INFO");
            }
        }
        return config;
    }

    /** Whether {@code url} parses, but names a host with a '_' ({@link RegistryClientConfig#hostHoldsUnderscore}). */
    private static boolean hasHostWithUnderscore(String url) {
        try {
            return RegistryClientConfig.hostHoldsUnderscore(new URI(url));
        } catch (URISyntaxException e) {
            return false; // a space or the like: isUrl's refusal says what to do
        }
    }

    /** Whether {@code url} is an https one, its scheme in any case, as {@link #isUrl} and the JDK's client take it. */
    private static boolean isHttps(String url) {
        return url.regionMatches(true, 0, "https:", 0, 6);
    }

    private static boolean isUrl(String url) {
        try {
            URI parsed = new URI(url);
            return parsed.getHost() != null
                    && ("http".equalsIgnoreCase(parsed.getScheme()) || "https".equalsIgnoreCase(parsed.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", body(schema), subject,
                RegistryAnswer.ID);
        int id = answer.get("id").asInt();
        remember(subject, schema, id);
        return id;
    }

    @Override
    public int getId(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject), body(schema), subject, RegistryAnswer.ID);
        int id = answer.get("id").asInt();
        remember(subject, schema, id);
        return id;
    }

    /**
     * The schema of {@code id}. An id the registry does not know, or whose schema is not Avro (a Protobuf or JSON
     * Schema producer's), is remembered so for {@value RegistryClientConfig#MISSING_ID_CACHE_TTL_SEC}: Kafka Streams
     * skips the undecodable records at the head of a partition in one loop, within one transaction, so a few hundred
     * records naming one such id, each asking the registry again, could outlast the transaction's timeout; the thread
     * was then fenced and read them again, for ever. An id below 1 is no registry's, and is not asked for.
     */
    @Override
    public Schema getSchemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        if (id <= 0) {
            // a registry numbers its schemas from 1: any five bytes after a zero name an id, and none is asked for
            throw new SchemaRegistryException.SchemaNotFound("schema id " + id + " is no registry's: ids start at 1");
        }
        Missing missing = missingIds.get(id);
        if (missing != null && missing.untilNanos() - System.nanoTime() > 0) {
            throw missing.again();
        }
        Schema schema;
        long asked = System.nanoTime();
        try {
            schema = parse(send("GET", "/schemas/ids/" + id, null, null, RegistryAnswer.SCHEMA), "schema id " + id);
        } catch (SchemaRegistryException.SchemaNotFound | SchemaRegistryException.InvalidSchema e) {
            throw remembered(id, e, missingIdNanos);
        } catch (SchemaRegistryException.NotAuthorized e) {
            if (e.errorCode() != 403 || !servesAnotherSchema(id)) {
                throw e; // the credentials refused, or every schema: no record can be read
            }
            // a registry lets a principal read a schema id where it may read a subject the id is registered under,
            // and it gives the guard another: this one's producer registered it under a subject the guard may not read
            throw remembered(id, new SchemaRegistryException.SchemaNotServed("schema registry does not let the guard "
                    + "read schema id " + id + " (403), where it reads others: its producer registered it under a "
                    + "subject the guard's principal may not read; grant it read on that subject, and send the record "
                    + "again (" + e.getMessage() + ")", e), missingIdNanos);
        } catch (SchemaRegistryException.Unavailable e) {
            throw unserved(id, e, asked);
        }
        schemasById.putIfAbsent(id, schema);
        readIds.add(id);
        missingIds.remove(id);
        unservedSince.remove(id);
        return schema;
    }

    /** {@code failure}, remembered as the answer for {@code id} for {@code nanos} (not when the cache is off). */
    private SchemaRegistryException remembered(int id, SchemaRegistryException failure, long nanos) {
        if (nanos > 0 && missingIdsKept > 0) {
            if (missingIds.size() >= missingIdsKept) {
                missingIds.clear(); // ids made up by the thousand: each asked once more, memory bounded
            }
            missingIds.put(id, new Missing(failure, System.nanoTime() + nanos));
        }
        return failure;
    }

    /**
     * {@code failure} to get {@code id}'s schema as the outage it is, to be waited out, unless the registry serves the
     * guard another schema ({@link #servesAnotherSchema}) and has failed to serve this id through a run of failures of
     * {@link #UNSERVED_LIMIT}: a registry that cannot give one schema (a 500 for it alone) would otherwise stop the
     * stream thread at its records for ever, and every holding of its partitions with it. Then its records are not
     * readable, and are not asked for again for as long. {@code asked}: when this ask began.
     */
    private SchemaRegistryException unserved(int id, SchemaRegistryException.Unavailable failure, long asked) {
        if (Thread.currentThread().isInterrupted() || !servesAnotherSchema(id)) {
            unservedSince.remove(id);
            return failure; // the registry away, or its schemas all (or the caller stopping)
        }
        long now = System.nanoTime();
        if (unservedSince.size() >= UNSERVED_KEPT && !unservedSince.containsKey(id)) {
            unservedSince.clear(); // a registry failing for every id it is asked: memory bounded
        }
        // counted from the first failure of a run of them: an ask begun after a quiet spell starts the count again
        long[] failing = unservedSince.compute(id, (unserved, seen) -> seen == null
                || asked - seen[1] > unservedGap.toNanos() ? new long[] {now, now} : new long[] {seen[0], now});
        long since = failing[0];
        if (now - since < unservedLimit.toNanos()) {
            LOG.warn("schema registry serves other schemas, but not schema id {} ({}); its records are "
                    + "dead-lettered if it still does not serve it {} min after the first failure", id,
                    failure.getMessage(), unservedLimit.toMinutes());
            return failure;
        }
        // its records are not asked for while it is remembered: the run goes on through that time
        failing[1] = now + unservedLimit.toNanos();
        return remembered(id, new SchemaRegistryException.SchemaNotServed("schema registry serves other schemas, "
                + "but has not served schema id " + id + " for " + TimeUnit.NANOSECONDS.toSeconds(now - since)
                + " s (" + failure.getMessage() + "): its records cannot be read, and it is asked for again in "
                + unservedLimit.toMinutes() + " min; once the registry serves it, send them again", failure),
                unservedLimit.toNanos());
    }

    /**
     * Whether the registry serves the guard, within {@link #UNSERVED_PROBE}, the schema of an id it served before
     * (asked again, not from the cache), other than {@code failing}: then what fails is that id alone. False when the
     * guard was served none yet, which says nothing.
     */
    private boolean servesAnotherSchema(int failing) {
        // one read as the failing one is, where there is one: the guard's own, which it writes, may be readable where
        // its inputs' are no longer
        Integer known = readIds.stream().filter(id -> id != failing).findAny()
                .or(() -> schemasById.keySet().stream().filter(id -> id != failing).findAny()).orElse(null);
        return known != null && firstAnswer("/schemas/ids/" + known, response -> response.statusCode() == 200
                && isJsonHolding(response.body(), RegistryAnswer.SCHEMA), UNSERVED_PROBE);
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null, subject,
                RegistryAnswer.VERSION);
        int id = answer.get("id").asInt();
        Schema schema = parse(answer, "subject " + subject);
        schemasById.putIfAbsent(id, schema);
        return new SchemaMetadata(subject, answer.get("version").asInt(), id, schema);
    }

    /**
     * Whether registering {@code schema} under {@code subject} would pass the subject's level: asked of the check
     * against every version the level names ({@code /compatibility/subjects/{subject}/versions}: the latest, or all of
     * them under a {@code _TRANSITIVE} level), and of the latest version alone where a registry does not serve that
     * (whatever it answers instead: a 404, a 405, a proxy's page), as every registry speaking Confluent's API does; not
     * after an outage (nothing but no answer, a 5xx, a 408 or a 429 from every URL), which would be waited out twice.
     */
    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        String versions = "/compatibility/subjects/" + encode(subject) + "/versions";
        try {
            return send("POST", versions, body(schema), subject, RegistryAnswer.COMPATIBILITY)
                    .path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException.SubjectNotFound e) {
            return true; // nothing registered yet: anything is compatible
        } catch (SchemaRegistryException.NotAuthorized e) {
            throw e;
        } catch (SchemaRegistryException notServed) {
            if (notServed instanceof SchemaRegistryException.Unavailable down
                    && (down.outage() || Thread.currentThread().isInterrupted())) {
                // down, cut off or overloaded (or the caller stopping), not a path it does not serve: the latest
                // version's check would wait as long again
                throw down;
            }
            LOG.debug("the schema registry does not check against every version ({}); asking of the latest",
                    notServed.getMessage());
        }
        try {
            return send("POST", versions + "/latest", body(schema), subject, RegistryAnswer.COMPATIBILITY)
                    .path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException.SubjectNotFound e) {
            return true;
        }
    }

    @Override
    public Collection<String> getAllSubjects() {
        JsonNode answer = send("GET", "/subjects", null, null, RegistryAnswer.SUBJECTS);
        List<String> subjects = new ArrayList<>();
        answer.forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    /**
     * Asks every URL at once, so that a hung one does not use up the time a healthy one would answer in, for the
     * global compatibility level ({@code GET /config}), which every registry speaking Confluent's API serves. Only
     * what the guard's requests take for the registry's answer counts ({@link #isConfigAnswer}): a redirect, a 404, a
     * proxy's page or a load balancer's maintenance page is what they got, not the registry back.
     */
    @Override
    public boolean answers(Duration within) {
        return firstAnswer("/config", this::isConfigAnswer, within);
    }

    /** Whether {@code body} is JSON that holds {@code expected}. */
    private boolean isJsonHolding(String body, RegistryAnswer expected) {
        try {
            return expected.isHeldBy(json.readTree(body));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether any URL, asked {@code GET path} all at once, gives what {@code isAnswer} takes within {@code within}. */
    private boolean firstAnswer(String path, Predicate<HttpResponse<String>> isAnswer, Duration within) {
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        List<CompletableFuture<HttpResponse<String>>> asked = new ArrayList<>(urls.size());
        List<CompletableFuture<HttpResponse<String>>> heard = new ArrayList<>(urls.size());
        for (String url : urls) {
            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request("GET", url, path, null),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            heard.add(answer.whenComplete((response, failure) -> {
                if (response != null && isAnswer.test(response)) {
                    answered.complete(true);
                } else if (failure != null) {
                    LOG.debug("schema registry {} gave no answer: {}", RegistryClientConfig.shown(url),
                            failure.toString());
                }
            }));
            asked.add(answer);
        }
        // after every answer was heard (not merely received): false when none was the registry's
        CompletableFuture.allOf(heard.toArray(CompletableFuture[]::new)).whenComplete((all, failure) ->
                answered.complete(false));
        try {
            return answered.get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            asked.forEach(answer -> answer.cancel(true));
        }
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private String body(Schema schema) {
        ObjectNode body = json.createObjectNode();
        body.put("schema", schema.toString());
        body.put("schemaType", "AVRO");
        return body.toString();
    }

    /**
     * Sends a request, retrying and failing over on no answer, a 5xx, a 408 or 429, or a page that is not the
     * registry's (what it answers holds {@code expected}); maps registry errors. Every URL is asked once before any is
     * asked again, and a URL not yet asked is asked without waiting, however few retries are allowed.
     */
    private JsonNode send(String method, String path, String body, String subject, RegistryAnswer expected) {
        int attempts = Math.max(config.getInt(RegistryClientConfig.MAX_RETRIES) + 1, urls.size());
        long wait = config.getInt(RegistryClientConfig.RETRIES_WAIT_MS);
        long maxWait = config.getInt(RegistryClientConfig.RETRIES_MAX_WAIT_MS);
        Exception last = null;
        String lastProblem = null;
        boolean answeredOtherwise = false; // than an outage does: no answer, a 5xx, a 408 or a 429
        boolean untrusted = false; // whether the last failure was a certificate refused
        for (int attempt = 0; attempt < attempts; attempt++) {
            int urlIndex = Math.floorMod(preferredUrl + attempt, urls.size());
            String url = urls.get(urlIndex);
            untrusted = false;
            try {
                HttpResponse<String> response = exchange(request(method, url, path, body));
                // (a 501 says it does not serve the path: an answer, whatever it is retried as)
                answeredOtherwise |= response.statusCode() < 500 && !isTransient(response.statusCode())
                        || response.statusCode() == 501;
                if (response.statusCode() < 300) {
                    try {
                        JsonNode answer = json.readTree(response.body());
                        if (expected.isHeldBy(answer)) {
                            preferredUrl = urlIndex;
                            return answer;
                        }
                        // JSON, but not the registry's answer: a health page, a gateway's, a wrong base path
                        lastProblem = RegistryClientConfig.shown(url) + " answered " + response.statusCode()
                                + " to " + method + " " + path + " with JSON that is not the registry's answer (no "
                                + expected.lacks() + ": \"" + errorMessage(response.body(), url) + "\"): is "
                                + "schema.registry.url the registry's own, its path included?";
                    } catch (JsonProcessingException notJson) {
                        // not a registry's answer (a proxy's page): asked again, and another URL may be the registry
                        last = notJson;
                        lastProblem = RegistryClientConfig.shown(url) + " answered " + response.statusCode()
                                + " with a body that is not JSON (\"" + errorMessage(response.body(), url)
                                + "\"): is schema.registry.url the registry's own?";
                    }
                } else if (response.statusCode() == 404 && !isRegistrysOwn(errorCode(response.body(), 404))
                        && !servesConfig(url)) {
                    // a page the registry did not write (a proxy's, or its own for a base path it does not serve):
                    // not an answer about the schema, so asked again, and another URL may be the registry
                    lastProblem = RegistryClientConfig.shown(url) + " answered 404 to " + method + " " + path
                            + " without a schema registry's error code (" + errorMessage(response.body(), url)
                            + "): is schema.registry.url right, its path included?";
                } else if (response.statusCode() < 400) {
                    // a redirect, not followed: it would take the registry's credentials to another host, and the
                    // registry answers at its own URL; asked again, and another URL may be the registry
                    lastProblem = RegistryClientConfig.shown(url) + " answered " + response.statusCode()
                            + ", a redirect to " + response.headers().firstValue("Location")
                                    .map(RegistryClientConfig::shown).orElse("nowhere")
                            + ", which is not followed (the registry's credentials would go with it): set "
                            + "schema.registry.url to the registry's own URL";
                } else if (response.statusCode() < 500 && !isTransient(response.statusCode())) {
                    if (isAnswer(response)) {
                        throw failure(response, method, path, subject, url);
                    }
                    // 400, 405, 407, 421... without a registry's error code: a proxy's or a load balancer's page
                    lastProblem = RegistryClientConfig.shown(url) + " answered " + response.statusCode() + " to "
                            + method + " " + path + " without a schema registry's error code (\""
                            + errorMessage(response.body(), url) + "\")" + (response.statusCode() == 407
                                    ? ": the proxy asks for credentials the guard does not give (proxy.host)"
                                    : ": is schema.registry.url the registry's own?");
                } else {
                    lastProblem = RegistryClientConfig.shown(url) + " answered " + response.statusCode() + ": "
                            + errorMessage(response.body(), url);
                    wait = Math.max(wait, Math.min(maxWait, retryAfterMillis(response)));
                }
            } catch (IOException e) {
                last = e;
                Throwable certificate = certificateRefusal(e);
                if (certificate != null) {
                    // waited out as an outage all the same: a registry's certificate expired, or swapped for one
                    // its clients do not trust yet, is mended on the registry's side
                    untrusted = true;
                    lastProblem = RegistryClientConfig.shown(url) + " presented a certificate the guard does not "
                            + "trust (" + certificate.getMessage() + ")";
                } else {
                    // the JDK's client leaves a refused connection's message out (ConnectException: null)
                    lastProblem = RegistryClientConfig.shown(url) + " gave no answer (" + (e instanceof ConnectException
                            && e.getMessage() == null ? "could not connect" : e.getClass().getSimpleName() + ": "
                            + e.getMessage()) + ")";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException.Unavailable("interrupted while calling the schema registry", e);
            }
            if (attempt + 1 < attempts && attempt + 1 < urls.size()) {
                LOG.warn("schema registry request {} {} failed ({}); asking the next URL", method, path,
                        lastProblem);
            } else if (attempt + 1 < attempts) {
                LOG.warn("schema registry request {} {} failed ({}); retrying in {} ms", method, path, lastProblem, wait);
                sleep(wait);
                wait = Math.min(maxWait, wait * 2);
            }
        }
        throw new SchemaRegistryException.Unavailable("schema registry unavailable after " + attempts + " attempts on "
                + urls.stream().map(RegistryClientConfig::shown).toList() + ": " + lastProblem + (untrusted
                        ? ". Check that the registry's certificate is valid, names the host in schema.registry.url, "
                                + "and is issued by a CA in schema.registry.ssl.truststore.location (or the JVM's)."
                        : ". Check schema.registry.url and that the registry is up."), last, !answeredOtherwise);
    }

    /** What refused the registry's certificate in {@code failure} (expired, another CA's, another host's), if so. */
    private static Throwable certificateRefusal(IOException failure) {
        if (!(failure instanceof javax.net.ssl.SSLHandshakeException)) {
            return null;
        }
        Throwable cause = failure.getCause();
        for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
            if (cause instanceof java.security.cert.CertificateException) {
                return cause; // the outermost: "PKIX path validation failed: ... validity check failed"
            }
        }
        return null;
    }

    /**
     * Whether the registry itself answers at {@code url}: its global compatibility level ({@code GET /config}) with
     * JSON, or a refusal of the credentials. Asked after a 404 without a registry's error code, to tell a registry's
     * terse "not found" (a compatible registry may give no code for some things) from a proxy's page or a base path the
     * registry does not serve, which must not dead-letter a record.
     */
    private boolean servesConfig(String url) {
        try {
            return isConfigAnswer(exchange(request("GET", url, "/config", null)));
        } catch (IOException e) {
            return false; // no answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The registry's answer to {@code GET /config}: its compatibility level in JSON, or a refusal of credentials. */
    private boolean isConfigAnswer(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            return true;
        }
        if (status < 200 || status >= 300) {
            return false;
        }
        try {
            return json.readTree(response.body()).isObject();
        } catch (IOException e) {
            return false; // a page that is not JSON
        }
    }

    /**
     * Whether a 404's error code is a registry's own (404xx: Confluent's codes for a subject, version or schema it does
     * not have). A 404 with none, or with the bare status as Confluent's server gives for a path it does not serve, is
     * about the URL, not the schema, unless the registry itself answers there ({@link #servesConfig}).
     */
    private static boolean isRegistrysOwn(int code) {
        return code / 100 == 404;
    }

    /**
     * Whether a 4xx is the registry's answer: a refusal of the credentials (401, 403; a proxy's too, as nothing
     * changes until someone gives others), a 404 taken as one, a 409 or a 422, or any other with a registry's error
     * code. Without one, a 400, 405, 407 or 421 is a proxy's or a load balancer's page, which must not dead-letter a
     * record.
     */
    private boolean isAnswer(HttpResponse<String> response) {
        int status = response.statusCode();
        return status == 401 || status == 403 || status == 404 || status == 409 || status == 422
                || errorCode(response.body(), -1) != -1;
    }

    /** 408 (the registry timed the request out) and 429 (rate limited, as Confluent Cloud does): ask again. */
    private static boolean isTransient(int status) {
        return status == 408 || status == 429;
    }

    /** The wait a retried answer asks for (Retry-After, in seconds), or 0. */
    private static long retryAfterMillis(HttpResponse<String> response) {
        try {
            return response.headers().firstValue("Retry-After").map(v -> Long.parseLong(v.trim()) * 1_000)
                    .orElse(0L);
        } catch (NumberFormatException e) {
            return 0; // an HTTP date: the usual backoff will do
        }
    }

    /**
     * Sends {@code request} and reads its answer whole within {@code http.read.timeout.ms}. The request's own timeout
     * ends at the answer's headers: a registry, or a proxy, that stalled in the body held the calling thread (a stream
     * thread decoding a record) for as long as the connection stayed open, with no retry and no other URL asked.
     */
    private HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            return answer.get(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HttpTimeoutException("no whole answer within " + readTimeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } finally {
            answer.cancel(true); // an answer given up on: its connection closed, not left to stall on
        }
    }

    private HttpRequest request(String method, String url, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(withoutUserInfo(url) + path))
                .timeout(readTimeout)
                .header("Accept", ACCEPT);
        String userInfo = config.userInfo(url);
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
            header(request, "target-sr-cluster", config.getString(RegistryClientConfig.BEARER_LOGICAL_CLUSTER));
            header(request, "Confluent-Identity-Pool-Id",
                    config.getString(RegistryClientConfig.BEARER_IDENTITY_POOL_ID));
        } else if (userInfo != null && !userInfo.isEmpty()) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method,
                    HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return request.build();
    }

    /**
     * {@code url} without its user-info. Through an HTTP proxy the request line carries the whole URI, so the URL's
     * password would go to the proxy, and into its access log; the credentials go in the Authorization header only.
     */
    private static String withoutUserInfo(String url) {
        String userInfo = URI.create(url).getRawUserInfo();
        if (userInfo == null) {
            return url;
        }
        int authority = url.indexOf("://") + 3; // a raw component is the URL's own text, right after the "//"
        return url.substring(0, authority) + url.substring(authority + userInfo.length() + 1);
    }

    private static void header(HttpRequest.Builder request, String name, String value) {
        if (value != null && !value.isBlank()) {
            request.header(name, value.trim());
        }
    }

    private SchemaRegistryException failure(HttpResponse<String> response, String method, String path,
            String subject, String url) {
        int status = response.statusCode();
        int code = errorCode(response.body(), status);
        String message = errorMessage(response.body(), url);
        if (status == 401) {
            return new SchemaRegistryException.NotAuthorized("schema registry " + RegistryClientConfig.shown(url)
                    + " refused the credentials (401): give them in basic.auth.user.info=user:password with "
                    + "basic.auth.credentials.source=USER_INFO, or in the URL (user:password@host) with "
                    + "basic.auth.credentials.source=URL, or a token in bearer.auth.token with "
                    + "bearer.auth.credentials.source=STATIC_TOKEN", 401);
        }
        if (status == 403) {
            return new SchemaRegistryException.NotAuthorized("schema registry " + RegistryClientConfig.shown(url)
                    + " does not allow " + method
                    + " " + path + " for these credentials (403): grant the guard's principal "
                    + (subject == null ? "that access" : "access to subject " + subject), 403);
        }
        if (code == 40401 && subject != null) {
            return new SchemaRegistryException.SubjectNotFound(subject);
        }
        if (status == 404 && !isRegistrysOwn(code)) {
            // the registry is there (it serves GET /config), and said no more than 404
            return new SchemaRegistryException.SchemaNotFound(RegistryClientConfig.shown(url) + " answered 404 to "
                    + method + " " + path + " without a schema registry's error code (" + message + ")");
        }
        if (status == 404) {
            // 40402 version, 40403 schema, and the registry's other codes of a thing it does not have
            return new SchemaRegistryException.SchemaNotFound(message + (subject == null ? ""
                    : ": the schema is not registered under subject '" + subject + "'; register it or deploy the "
                            + "version that matches the registry"));
        }
        if (status == 409) {
            return new SchemaRegistryException.IncompatibleSchema("schema registry refused the schema for subject '"
                    + subject + "' as incompatible (409): " + message + ". Evolve it compatibly: add fields with "
                    + "defaults, never change or remove a field's type, never reuse an enum symbol.");
        }
        if (status == 422 && (code == 42201 || code / 100 != 422)) {
            return new SchemaRegistryException.InvalidSchema("schema registry found the schema "
                    + (subject == null ? "of " + method + " " + path : "for subject '" + subject + "'") + " invalid ("
                    + code + "): " + message);
        }
        if (status == 422) {
            // the registry's other 422s are not about the schema's text: its own code says what they are about
            return new SchemaRegistryException("schema registry refused " + method + " " + path + " (" + code + "): "
                    + unprocessable(code) + ": " + message, code);
        }
        return new SchemaRegistryException("schema registry answered " + status + " (" + code + ") to " + method
                + " " + path + ": " + message, code);
    }

    /** What a 422 with one of Confluent's error codes other than 42201 (an invalid schema) refused. */
    private static String unprocessable(int code) {
        return switch (code) {
            case 42202 -> "not a valid version";
            case 42203 -> "not a valid compatibility level";
            case 42204 -> "not a valid mode";
            case 42205 -> "not permitted in the mode of the subject or the registry: only READWRITE takes a "
                    + "registration (not READONLY, nor IMPORT, as a Schema Linking destination is)";
            case 42206 -> "the schema is still referenced by another";
            case 42207 -> "the id given does not match the schema's";
            case 42208 -> "not a valid subject name";
            case 42209 -> "the schema is larger than the registry takes";
            default -> "the registry could not process it";
        };
    }

    private int errorCode(String body, int fallback) {
        try {
            return json.readTree(body).path("error_code").asInt(fallback);
        } catch (IOException e) {
            return fallback;
        }
    }

    /**
     * The registry's message, or the start of what answered (a page, JSON that is not the registry's), without the
     * credentials the guard sent to {@code url} in any form it may echo them (a proxy's page that shows the request).
     */
    private String errorMessage(String body, String url) {
        String told = withoutOwnCredentials(body, url);
        try {
            JsonNode node = json.readTree(told);
            if (node != null && node.has("message")) {
                return QuotedAnswer.message(withoutOwnCredentials(node.get("message").asText(), url));
            }
        } catch (IOException e) {
            // not JSON: its start is quoted
        }
        return QuotedAnswer.page(told);
    }

    /** {@code text} with the bearer token, the user info, its password and its Base64 form written as hidden. */
    private String withoutOwnCredentials(String text, String url) {
        if (text == null) {
            return null;
        }
        List<String> secrets = new ArrayList<>();
        if (bearerToken != null) {
            secrets.add(bearerToken);
        }
        String userInfo = config.userInfo(url);
        if (userInfo != null && !userInfo.isEmpty()) {
            secrets.add(Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
            secrets.add(userInfo);
            int colon = userInfo.indexOf(':');
            if (colon >= 0 && userInfo.length() - colon > 4) {
                secrets.add(userInfo.substring(colon + 1)); // the password alone; not one so short it is any word
            }
        }
        String shown = text;
        for (String secret : secrets) {
            shown = shown.replace(secret, RegistryClientConfig.HIDDEN);
        }
        return shown;
    }

    /**
     * A schema the registry holds, parsed as Confluent's client parses it: without validating defaults, which the
     * registry checked (or, before it did, did not) when the schema was registered. A default that does not match
     * its field's type is only used by a reader that lacks the field, never by the writer whose schema this is.
     */
    private Schema parse(JsonNode answer, String what) {
        requireAvro(answer, what);
        try {
            Schema.Parser parser = new Schema.Parser().setValidateDefaults(false);
            parseReferences(parser, answer.path("references"), new HashSet<>(), what);
            return parser.parse(answer.path("schema").asText());
        } catch (AvroRuntimeException e) {
            throw new SchemaRegistryException.InvalidSchema("the registry's " + what + " is not an Avro schema: "
                    + e.getMessage());
        }
    }

    /**
     * Refuses a schema whose {@code schemaType} (which the registry leaves out for Avro) names another kind: a JSON
     * Schema can parse as an Avro schema that means something else ({"type":"string"}), and a Protobuf one fails
     * with Avro's words, which do not say why.
     */
    private static void requireAvro(JsonNode answer, String what) {
        JsonNode type = answer.path("schemaType");
        if (!type.isMissingNode() && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new SchemaRegistryException.InvalidSchema("the registry's " + what + " is not an Avro schema: its "
                    + "schemaType is " + type.asText() + ", and the guard reads Avro only");
        }
    }

    /**
     * Parses into {@code parser}, dependencies first, the schemas a registered schema references (Confluent's schema
     * references: each a subject and version whose schema defines a name the referencing schema uses), each name once.
     * A reference the registry does not have makes {@code what} a schema it has not whole: not found, so that
     * {@link #getSchemaById} remembers its id as missing rather than asking again for every record naming it.
     */
    private void parseReferences(Schema.Parser parser, JsonNode references, Set<String> parsed, String what) {
        for (JsonNode reference : references) {
            String subject = reference.path("subject").asText();
            String version = reference.path("version").asText();
            String name = reference.path("name").asText(subject + "/" + version);
            // by the name it defines, as Confluent's client: two versions of one referenced type are parsed once
            if (parsed.add(name)) {
                JsonNode referenced;
                try {
                    // soft-deleted versions too, as Confluent's client asks: a schema id stays readable after its
                    // versions are retired, and so must what it references
                    referenced = send("GET", "/subjects/" + encode(subject) + "/versions/" + encode(version)
                            + "?deleted=true", null, subject, RegistryAnswer.SCHEMA);
                } catch (SchemaRegistryException.SubjectNotFound | SchemaRegistryException.SchemaNotFound e) {
                    throw new SchemaRegistryException.SchemaNotFound("the registry's " + what + " references " + name
                            + " as version " + version + " of subject '" + subject + "', which the registry does "
                            + "not have (" + (e instanceof SchemaRegistryException.SubjectNotFound ? "no such subject"
                                    : e.getMessage()) + "): a schema's references must stay registered");
                }
                requireAvro(referenced, what + " (its reference " + name + ")");
                parseReferences(parser, referenced.path("references"), parsed, what);
                parser.parse(referenced.path("schema").asText());
            }
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SSLContext sslContext(RegistryClientConfig config) {
        try {
            TrustManagerFactory trust = null;
            String truststore = config.getString(RegistryClientConfig.TRUSTSTORE_LOCATION);
            if (truststore != null) {
                char[] password = RegistryClientConfig.chars(
                        config.getPassword(RegistryClientConfig.TRUSTSTORE_PASSWORD));
                KeyStore store = load(config, RegistryClientConfig.TRUSTSTORE_LOCATION,
                        RegistryClientConfig.TRUSTSTORE_TYPE, password, RegistryClientConfig.TRUSTSTORE_PASSWORD);
                refuseWithoutCertificates(store, truststore, password);
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
            }
            KeyManagerFactory keys = null;
            String keystore = config.getString(RegistryClientConfig.KEYSTORE_LOCATION);
            if (keystore != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = RegistryClientConfig.chars(config.getPassword(RegistryClientConfig.KEY_PASSWORD));
                char[] storePassword = RegistryClientConfig.chars(config.getPassword(RegistryClientConfig.KEYSTORE_PASSWORD));
                keys.init(load(config, RegistryClientConfig.KEYSTORE_LOCATION, RegistryClientConfig.KEYSTORE_TYPE,
                        storePassword, RegistryClientConfig.KEYSTORE_PASSWORD),
                        keyPassword != null ? keyPassword : storePassword);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot set up TLS to the schema registry from schema.registry.ssl.*: "
                    + e.getMessage());
        }
    }

    /**
     * A trust store that trusts nothing: a PKCS12 store read without its password (its certificates are encrypted
     * with it, and left out) failed every handshake as a registry that does not answer.
     */
    private static void refuseWithoutCertificates(KeyStore store, String location, char[] password)
            throws KeyStoreException {
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (store.getCertificate(alias) != null) {
                return;
            }
        }
        throw new ConfigException(RegistryClientConfig.TRUSTSTORE_LOCATION + ": the " + store.getType() + " store "
                + location + " holds no certificate" + (password == null ? " read without a password (a PKCS12 "
                + "store's certificates are read only with it: give " + RegistryClientConfig.TRUSTSTORE_PASSWORD
                + ")" : ""));
    }

    /** The store {@code location} names, or a refusal naming that setting, never the password. */
    private static KeyStore load(RegistryClientConfig config, String location, String type, char[] password,
            String passwordSetting) {
        String file = config.getString(location);
        String storeType = config.getString(type);
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore store = KeyStore.getInstance(storeType);
            store.load(in, password);
            return store;
        } catch (NoSuchFileException e) {
            throw new ConfigException(location + ": " + file + " does not exist");
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(location + ": cannot read " + file + " as a " + storeType + " store ("
                    + e.getMessage() + "): check " + passwordSetting + " and " + type);
        }
    }
}
