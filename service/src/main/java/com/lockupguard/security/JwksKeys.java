package com.lockupguard.security;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Key;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.jose4j.http.Response;
import org.jose4j.http.SimpleGet;
import org.jose4j.http.SimpleResponse;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's public keys, from its JWKS: fetched from a URL and cached, or read from a file and
 * read again when the file changes (key rotation without a restart).
 */
public final class JwksKeys {

    private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);

    /**
     * A token signed with a key id the cache does not know makes the guard fetch the JWKS again, at most once
     * in this long: tokens with made-up key ids cannot turn the guard into a load on the issuer. The issuer is
     * asked no more often than this in any case, also while it fails or serves no keys.
     */
    static final Duration UNKNOWN_KEY_REFETCH_INTERVAL = Duration.ofSeconds(30);
    /** How often a run of failed fetches is logged again: its first, then one in this long. */
    static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(5);
    /**
     * While the issuer cannot be reached, the keys fetched last are used this long after each failed refresh
     * (jose4j's retained cache, which jose4j does not ask the issuer again within): through a long outage, until the
     * issuer answers again, each failure keeping them this much longer, and a key the issuer withdrew meanwhile no
     * longer than this once it answers. A second past {@link #UNKNOWN_KEY_REFETCH_INTERVAL}: the first refresh after
     * it is then neither refused by the throttle (which counts from a moment after jose4j read its clock) nor skipped
     * by jose4j (which refreshes no sooner than that after it last stored keys), either of which would keep the keys
     * another interval for nothing.
     */
    static final Duration KEEP_KEYS_AFTER_A_FAILURE = UNKNOWN_KEY_REFETCH_INTERVAL.plusSeconds(1);
    /** How long a fetch may take to connect, and then to read each part of the answer. */
    private static final int TIMEOUT_MILLIS = 5_000;
    /**
     * How long a whole fetch may take, connecting, reading the headers and the body: an issuer that sends its answer
     * a byte every few seconds meets no read timeout, and would hold the fetch (and the requests waiting for it) for
     * as long as it likes.
     */
    static final Duration FETCH_DEADLINE = Duration.ofMillis(2 * TIMEOUT_MILLIS);
    /**
     * How many requests may at once ask jose4j for a key the last fetch did not serve (or any key before a fetch
     * served one), which may fetch the JWKS or wait for the fetch under way. The others are refused at once, as if the
     * issuer could not be reached: tokens with made-up key ids, sent while the issuer answers slowly, would otherwise
     * take every thread of the web server (seen: 246 of 250 waiting, /health/live unanswered, for as long as the
     * issuer took).
     */
    static final int MOST_WAITING_FOR_A_FETCH = 8;
    /**
     * How long a token of a key the last answer served waits for jose4j to store that answer, which it does a moment
     * after the fetch has read it.
     */
    private static final Duration STORING_WAIT = Duration.ofMillis(100);
    /** The most of a JWKS read, in characters, as jose4j's own fetch (a set of a few keys is a few kilobytes). */
    private static final int MAX_JWKS_CHARS = 512 * 1024;
    /** How often a JWKS file is looked at for changes. */
    static final Duration FILE_CHECK_INTERVAL = Duration.ofSeconds(5);

    private JwksKeys() {
    }

    /**
     * Keys from {@code url}, cached for {@code cacheDuration} when the response does not say how long
     * (Cache-Control, Expires); over https, trusting {@code ssl}'s trust managers ({@code null}: the JVM's).
     */
    public static Remote url(URI url, Duration cacheDuration, SSLContext ssl) {
        return url(url, cacheDuration, ssl, System::nanoTime);
    }

    static Remote url(URI url, Duration cacheDuration, SSLContext ssl, LongSupplier nanoClock) {
        return url(url, cacheDuration, ssl, nanoClock, UNKNOWN_KEY_REFETCH_INTERVAL);
    }

    /**
     * As {@link #url(URI, Duration, SSLContext)}, the issuer asked at most once per {@code refetchInterval} (whole
     * seconds; {@link #UNKNOWN_KEY_REFETCH_INTERVAL} but in tests, which cannot move the clock jose4j reads) and the
     * keys kept a second longer than that after a failure, as {@link #KEEP_KEYS_AFTER_A_FAILURE} says why.
     */
    static Remote url(URI url, Duration cacheDuration, SSLContext ssl, LongSupplier nanoClock,
            Duration refetchInterval) {
        // jose4j logs the location it is given (unable to refresh from it, at INFO), and its own fetch logs the URL it
        // fetches: it is given the URL as shown, and the guard's fetch below fetches the real one, query and all
        HttpsJwks jwks = new HttpsJwks(shown(url));
        jwks.setDefaultCacheDuration(cacheDuration.toSeconds());
        jwks.setRetainCacheOnErrorDuration(refetchInterval.plusSeconds(1).toSeconds());
        jwks.setRefreshReprieveThreshold(refetchInterval.toMillis());
        Throttled fetch = new Throttled(new Fetch(url, ssl, FETCH_DEADLINE), shown(url), nanoClock,
                refetchInterval);
        jwks.setSimpleHttpGet(fetch);
        return new Remote(url, jwks, fetch);
    }

    /**
     * A GET of the JWKS, as jose4j's own ({@link org.jose4j.http.Get}) made it, but for what it writes: that logs the
     * URL at DEBUG and names it in its errors, user-info and query included, which may be a password or a signature.
     * Once, without retries: a retry with backoff would hold every request waiting for the keys that much longer. The
     * location jose4j passes (the URL as shown) is not the one fetched. Within a deadline, after which the connection
     * is closed under it; and without following a redirect, which could lead a fetch the guard allows over plain
     * http only to this machine to another host.
     */
    static final class Fetch implements SimpleGet {
        private final URI url;
        private final String shown;
        private final SSLContext ssl;
        private final Duration deadline;

        Fetch(URI url, SSLContext ssl, Duration deadline) {
            this.url = url;
            this.shown = shown(url);
            this.ssl = ssl;
            this.deadline = deadline;
        }

        @Override
        public SimpleResponse get(String location) throws IOException {
            try {
                return fetch();
            } catch (IOException e) {
                // what the JDK says rarely names the URL, but jose4j logs it with all its causes: none of it may
                throw new IOException(withoutTheUrl(e));
            }
        }

        private SimpleResponse fetch() throws IOException {
            HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
            // set once, by the fetch's end or by its deadline, whichever comes first
            AtomicBoolean settled = new AtomicBoolean();
            CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (settled.compareAndSet(false, true)) {
                    connection.disconnect(); // the read under way fails, or ends as if the answer had
                }
            });
            SimpleResponse answer;
            try {
                answer = fetch(connection);
            } catch (IOException e) {
                throw settled.compareAndSet(false, true) ? e : overdue(e);
            }
            if (!settled.compareAndSet(false, true)) {
                throw overdue(null);
            }
            return answer;
        }

        private IOException overdue(IOException cause) {
            return new IOException("the JWKS endpoint " + shown + " did not answer in full within "
                    + deadline.toSeconds() + " s", cause);
        }

        private SimpleResponse fetch(HttpURLConnection connection) throws IOException {
            try {
                connection.setConnectTimeout(TIMEOUT_MILLIS);
                connection.setReadTimeout(TIMEOUT_MILLIS);
                connection.setInstanceFollowRedirects(false);
                connection.setUseCaches(false);
                connection.setRequestProperty("Cache-Control", "no-cache");
                if (ssl != null && connection instanceof HttpsURLConnection https) {
                    https.setSSLSocketFactory(ssl.getSocketFactory());
                }
                int status = connection.getResponseCode();
                if (status != HttpURLConnection.HTTP_OK) {
                    throw new IOException("the JWKS endpoint " + shown + " answered " + status + " "
                            + connection.getResponseMessage() + (status / 100 == 3 ? " (a redirect is not followed: "
                            + "configure the URL it leads to)" : ""));
                }
                return new Response(status, connection.getResponseMessage(), headersOf(connection),
                        bodyOf(connection));
            } finally {
                connection.disconnect();
            }
        }

        private static Map<String, List<String>> headersOf(HttpURLConnection connection) {
            Map<String, List<String>> headers = new HashMap<>();
            connection.getHeaderFields().forEach((name, values) -> {
                if (name != null) { // the status line
                    headers.put(name, values);
                }
            });
            return headers;
        }

        private static String bodyOf(HttpURLConnection connection) throws IOException {
            Charset charset = StandardCharsets.UTF_8;
            String type = connection.getContentType();
            Matcher named = type == null ? null : CHARSET.matcher(type);
            if (named != null && named.find()) {
                try {
                    charset = Charset.forName(named.group(1).replace("\"", "").trim());
                } catch (IllegalArgumentException unknown) {
                    // as jose4j: UTF-8
                }
            }
            try (Reader body = new InputStreamReader(connection.getInputStream(), charset)) {
                StringBuilder text = new StringBuilder();
                char[] chunk = new char[8192];
                for (int n = body.read(chunk); n >= 0; n = body.read(chunk)) {
                    text.append(chunk, 0, n);
                    if (text.length() > MAX_JWKS_CHARS) {
                        throw new IOException("the JWKS is over " + MAX_JWKS_CHARS + " characters");
                    }
                }
                return text.toString();
            }
        }

        /** {@code e} and its causes, as jose4j writes them, with the URL and its parts that may be secret hidden. */
        private String withoutTheUrl(IOException e) {
            StringBuilder text = new StringBuilder();
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                text.append(text.length() == 0 ? "" : "; caused by ").append(cause);
            }
            String message = text.toString().replace(url.toString(), shown);
            // where a part of the URL shows, as a part of a URL: a short one ("a", "v=1") is left alone elsewhere
            for (String userInfo : new String[] {url.getRawUserInfo(), url.getUserInfo()}) {
                if (userInfo != null && !userInfo.isEmpty()) {
                    message = message.replace(userInfo + "@", "[hidden]@");
                }
            }
            for (String query : new String[] {url.getRawQuery(), url.getQuery()}) {
                if (query != null && !query.isEmpty()) {
                    message = message.replace("?" + query, "?[hidden]");
                }
            }
            return message;
        }
    }

    private static final Pattern CHARSET = Pattern.compile("(?i)charset=([^;]+)");

    /**
     * The issuer's JWKS endpoint, asked at most once per {@link #UNKNOWN_KEY_REFETCH_INTERVAL}. jose4j itself
     * limits refetches for unknown key ids only while it holds keys; with none (the issuer failed at start, or serves
     * an empty set) it would fetch for
     * every token, one request at a time. A request within the interval fails at once, as an unreachable issuer.
     */
    static final class Throttled implements SimpleGet {
        private final SimpleGet http;
        /** The URL as it may be logged. */
        private final String shown;
        private final LongSupplier nanoClock;
        private final Duration interval;
        private boolean asked;
        private long askedAt;
        /** What the last JWKS read served; nothing before one was read. */
        private volatile ServedKeys served = ServedKeys.NONE;
        /** Since a fetch failed, until one reads a JWKS again; and when that was last logged. */
        private boolean failing;
        private long failureLoggedAt;
        /** Whether a JWKS was ever read: the first read after failures is not read "again". */
        private boolean everRead;

        /** The ids of the keys a JWKS read served, and how many keys it served, those without an id too. */
        private record ServedKeys(Set<String> ids, int keys) {
            static final ServedKeys NONE = new ServedKeys(Set.of(), 0);

            boolean any() {
                return keys > 0;
            }
        }

        Throttled(SimpleGet http, String shown, LongSupplier nanoClock) {
            this(http, shown, nanoClock, UNKNOWN_KEY_REFETCH_INTERVAL);
        }

        Throttled(SimpleGet http, String shown, LongSupplier nanoClock, Duration interval) {
            this.http = http;
            this.shown = shown;
            this.nanoClock = nanoClock;
            this.interval = interval;
        }

        @Override
        public synchronized SimpleResponse get(String location) throws IOException {
            long now = nanoClock.getAsLong();
            long since = now - askedAt;
            if (asked && since < interval.toNanos()) {
                throw new IOException("the JWKS was asked for " + Duration.ofNanos(since).toMillis()
                        + " ms ago; it is asked at most every " + interval.toSeconds() + " s");
            }
            asked = true;
            askedAt = now;
            SimpleResponse answer;
            try {
                answer = http.get(location);
            } catch (IOException e) {
                failed(now, e.getMessage());
                throw e;
            }
            ServedKeys read = keysOf(answer.getBody());
            if (read == null) {
                // jose4j refuses the same answer and keeps the keys it holds: so are their ids kept
                failed(now, "its answer is not a JSON Web Key Set");
            } else {
                if (failing) {
                    LOG.info("JWKS {} read{}: {} key(s)", shown, everRead ? " again" : "", read.keys());
                }
                everRead = true;
                failing = false;
                served = read;
            }
            return answer;
        }

        /**
         * Logs a failed fetch, the first of a run of them and then every {@link #FAILURE_LOG_INTERVAL}: jose4j's
         * own line about it is at INFO, below the guard's log level, and without a word the keys in use age.
         */
        private void failed(long now, String why) {
            if (!failing || now - failureLoggedAt >= FAILURE_LOG_INTERVAL.toNanos()) {
                LOG.warn("JWKS {} cannot be read ({}): {} until it can; it is asked again at most every {} s", shown,
                        why, served.any() ? "tokens of the keys it served last are verified with them, others refused,"
                                : "bearer JWTs are refused", interval.toSeconds());
                failureLoggedAt = now;
            }
            failing = true;
        }

        /**
         * Whether the last JWKS read served a key of id {@code keyId}; for a token that names none, whether it served
         * any key, with an id or without.
         */
        boolean served(String keyId) {
            ServedKeys keys = served;
            return keyId == null ? keys.any() : keys.ids().contains(keyId);
        }

        /** What {@code jwks} serves; null where it is not a JSON Web Key Set. */
        private static ServedKeys keysOf(String jwks) {
            try {
                Set<String> ids = new HashSet<>();
                List<JsonWebKey> keys = new JsonWebKeySet(jwks).getJsonWebKeys();
                for (JsonWebKey key : keys) {
                    if (key.getKeyId() != null) {
                        ids.add(key.getKeyId());
                    }
                }
                return new ServedKeys(Set.copyOf(ids), keys.size());
            } catch (JoseException notAJwks) {
                return null;
            }
        }
    }

    /**
     * {@code url} as it may be logged: without its user-info (user and password) or its query, which may hold a
     * signature (a presigned URL) or a key. Where {@link URI} finds no host (an underscore in it, as in a compose
     * service's name {@code key_cloak}; a password holding an unencoded {@code @}, {@code /} or {@code ?}) it parses
     * no user-info either, and gives what it could not read as the authority or the path: such a URL holding an
     * {@code @} anywhere is shown as {@code scheme://[hidden]}. So is one with an {@code @} after its authority, in
     * the path, the query or the fragment: a password that starts like a port and holds a {@code /}, {@code ?} or
     * {@code #} ({@code idp:8443/secret@host}) leaves a host URI can read, which is the user name, and a port, which
     * is the password's start.
     */
    public static String shown(URI url) {
        String rest = url.getRawSchemeSpecificPart();
        if ((url.getHost() == null && rest != null && rest.indexOf('@') >= 0) || holdsAt(url.getRawPath())
                || holdsAt(url.getRawQuery()) || holdsAt(url.getRawFragment())) {
            return url.getScheme() + "://[hidden]";
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String authority = url.getRawAuthority();
        return url.getScheme() + "://" + (authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1))
                + path + (url.getRawQuery() == null ? "" : "?[hidden]");
    }

    private static boolean holdsAt(String part) {
        return part != null && part.indexOf('@') >= 0;
    }

    /** Keys from a JWKS file; fails now if it cannot be read or is not a JWKS. */
    public static VerificationKeyResolver file(Path file) throws IOException {
        return new FileKeys(file);
    }

    /**
     * A JWKS at a URL. A token whose key the last fetch served is resolved from jose4j's cache; one whose key it did
     * not (a new key after a rotation, a made-up id, or any before the first fetch succeeded) has jose4j fetch the
     * keys, or wait for the fetch under way: at most {@link #MOST_WAITING_FOR_A_FETCH} such requests at once, the
     * fetching one among them. A check of whether a fetch was under way let a burst that came as one began past it.
     */
    public static final class Remote implements VerificationKeyResolver {
        /** As logged: without user-info. */
        private final String url;
        private final HttpsJwks jwks;
        private final HttpsJwksVerificationKeyResolver resolver;
        private final Throttled fetch;
        private final Semaphore waiting = new Semaphore(MOST_WAITING_FOR_A_FETCH);
        /** A resolver of the keys jose4j holds, made again when it holds others. */
        private volatile KeysInHand inHand;

        private record KeysInHand(List<JsonWebKey> keys, JwksVerificationKeyResolver resolver) {
        }

        private Remote(URI url, HttpsJwks jwks, Throttled fetch) {
            this.url = shown(url);
            this.jwks = jwks;
            this.resolver = new HttpsJwksVerificationKeyResolver(jwks);
            // a token naming no key is tried against each key its algorithm fits, not the first alone
            this.resolver.setDisambiguateWithVerifySignature(true);
            this.fetch = fetch;
        }

        /** Fetches the keys now; false (the fetch warns) when the issuer cannot be reached. */
        public boolean prefetch() {
            try {
                int keys = jwks.getJsonWebKeys().size();
                LOG.info("JWKS {}: {} key(s)", url, keys);
                return true;
            } catch (IOException | JoseException e) {
                return false; // the fetch said why, and what it means for the tokens meanwhile
            }
        }

        @Override
        public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext)
                throws UnresolvableKeyException {
            if (fetch.served(jws.getKeyIdHeaderValue())) {
                // served by the last answer: in hand, or within moments, once jose4j has stored that answer (a key
                // rotation's first tokens come as it does); only a key the issuer really served is waited for
                long until = System.nanoTime() + STORING_WAIT.toNanos();
                Optional<Key> inHand = fromKeysInHand(jws, nestingContext);
                while (inHand.isEmpty() && System.nanoTime() < until) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    inHand = fromKeysInHand(jws, nestingContext);
                }
                if (inHand.isPresent()) {
                    return inHand.get();
                }
            }
            if (!waiting.tryAcquire()) {
                throw new UnresolvableKeyException("the issuer's keys are not in hand, and " + MOST_WAITING_FOR_A_FETCH
                        + " requests are asking for them already");
            }
            try {
                return resolver.resolveKey(jws, nestingContext);
            } finally {
                waiting.release();
            }
        }

        /**
         * The key of the keys in hand that verifies {@code jws}, never a fetch: jose4j's own resolver asks the issuer
         * again for a token none of its keys verifies, and waits for a fetch under way, outside the places of
         * {@link #MOST_WAITING_FOR_A_FETCH}; a forgery naming no key (tried against each key) or one naming a served
         * key with another algorithm would hold a thread of the web server each. Refused at once instead. (Keys whose
         * cache ran out are fetched as jose4j does, with its reprieve for the requests meanwhile.) Empty where the
         * keys in hand do not hold the key named, or any, though the last answer served it: jose4j is storing that
         * answer this moment.
         */
        private Optional<Key> fromKeysInHand(JsonWebSignature jws, List<JsonWebStructure> nestingContext)
                throws UnresolvableKeyException {
            List<JsonWebKey> keys;
            try {
                keys = jwks.getJsonWebKeys();
            } catch (IOException | JoseException e) {
                throw new UnresolvableKeyException("the issuer's keys cannot be read now: " + e.getMessage(), e);
            }
            String keyId = jws.getKeyIdHeaderValue();
            if (keys.isEmpty() || keyId != null && keys.stream().noneMatch(key -> keyId.equals(key.getKeyId()))) {
                // the fetch has read an answer that serves it, and jose4j has not stored that answer yet
                return Optional.empty();
            }
            KeysInHand held = inHand;
            if (held == null || held.keys() != keys) {
                JwksVerificationKeyResolver resolver = new JwksVerificationKeyResolver(keys);
                resolver.setDisambiguateWithVerifySignature(true);
                held = new KeysInHand(keys, resolver);
                inHand = held;
            }
            return Optional.of(held.resolver().resolveKey(jws, nestingContext));
        }
    }

    /**
     * A JWKS file, read again when its modification time changes. What it holds is said as it is read: how many keys
     * a token can be checked with (RSA and EC: the algorithms allowed are asymmetric), and a warning when none, or
     * when some have no {@code kid}, which a token naming one is not checked against.
     */
    private static final class FileKeys implements VerificationKeyResolver {
        private final Path file;
        private volatile Snapshot snapshot;
        /** Why, and at which modification time, the file could not be read when last looked at; null once it is. */
        private String lastProblem;

        private record Snapshot(FileTime modified, JwksVerificationKeyResolver resolver, long checkedAtNanos) {
        }

        FileKeys(Path file) throws IOException {
            this.file = file;
            this.snapshot = read(System.nanoTime(), "read");
        }

        private Snapshot read(long now, String how) throws IOException {
            FileTime modified = Files.getLastModifiedTime(file);
            try {
                List<JsonWebKey> keys = new JsonWebKeySet(Files.readString(file)).getJsonWebKeys();
                JwksVerificationKeyResolver resolver = new JwksVerificationKeyResolver(keys);
                resolver.setDisambiguateWithVerifySignature(true);
                List<JsonWebKey> usable = keys.stream().filter(key -> "RSA".equals(key.getKeyType())
                        || "EC".equals(key.getKeyType())).toList();
                long withoutId = usable.stream().filter(key -> key.getKeyId() == null).count();
                if (usable.isEmpty()) {
                    LOG.warn("JWKS file {}: {}, and holds no RSA or EC key: every bearer JWT is refused until it "
                            + "does", file, how);
                } else if (withoutId > 0) {
                    LOG.warn("JWKS file {}: {}, {} key(s), {} of them without a kid: a token that names a kid is "
                            + "not checked against those", file, how, usable.size(), withoutId);
                } else {
                    LOG.info("JWKS file {}: {}, {} key(s)", file, how, usable.size());
                }
                return new Snapshot(modified, resolver, now);
            } catch (JoseException e) {
                throw new IOException("JWKS file " + file + " is not a JSON Web Key Set: " + e.getMessage(), e);
            }
        }

        @Override
        public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext)
                throws UnresolvableKeyException {
            return current().resolver().resolveKey(jws, nestingContext);
        }

        private Snapshot current() {
            Snapshot seen = snapshot;
            long now = System.nanoTime();
            if (now - seen.checkedAtNanos() < FILE_CHECK_INTERVAL.toNanos()) {
                return seen;
            }
            synchronized (this) {
                seen = snapshot;
                if (now - seen.checkedAtNanos() < FILE_CHECK_INTERVAL.toNanos()) {
                    return seen;
                }
                FileTime modified = null;
                try {
                    modified = Files.getLastModifiedTime(file);
                    if (!modified.equals(seen.modified())) {
                        // read again at every look while it cannot be: a copy finished within the same tick of
                        // the modification time, or a chmod, mends it without changing that time
                        snapshot = read(now, "read again (it changed)");
                        lastProblem = null;
                    } else {
                        snapshot = new Snapshot(seen.modified(), seen.resolver(), now);
                    }
                } catch (IOException e) {
                    // warned of once for each version of the file and reason, not at every look (every 5 s)
                    String problem = modified + " " + e.getMessage();
                    if (!problem.equals(lastProblem)) {
                        LOG.warn("JWKS file {} cannot be read again ({}); keeping the keys read before", file,
                                e.getMessage());
                    }
                    lastProblem = problem;
                    snapshot = new Snapshot(seen.modified(), seen.resolver(), now);
                }
                return snapshot;
            }
        }
    }
}
