package com.lockupguard.registry;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.types.Password;

/** The HTTP registry client's settings, under the names Confluent's client uses. */
public final class RegistryClientConfig extends AbstractConfig {

    /** The one declaration of {@code schema.registry.url}: the serdes and the guard refer to it. */
    public static final String URL = "schema.registry.url";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MISSING_ID_CACHE_TTL_SEC = "missing.id.cache.ttl.sec";
    public static final String MISSING_CACHE_SIZE = "missing.cache.size";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    /** Confluent's older name of {@link #USER_INFO}, which its client still reads, and first. */
    public static final String DEPRECATED_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String BEARER_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_TOKEN = "bearer.auth.token";
    public static final String BEARER_LOGICAL_CLUSTER = "bearer.auth.logical.cluster";
    public static final String BEARER_IDENTITY_POOL_ID = "bearer.auth.identity.pool.id";
    public static final String PROXY_HOST = "proxy.host";
    public static final String PROXY_PORT = "proxy.port";
    /** The one bearer credentials source served: a token given in {@link #BEARER_TOKEN}. */
    public static final String STATIC_TOKEN = "STATIC_TOKEN";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";

    /** What {@link #quoted} shows of a value it cannot show safely. */
    public static final String HIDDEN = "[hidden]";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Comma-separated registry URLs; requests fail over from one to the next.")
            .define(MAX_RETRIES, Type.INT, 3, Range.atLeast(0), Importance.LOW,
                    "Retries of a request that got no answer, a 5xx, or a page that is not the registry's (a body "
                    + "that is not JSON; a 404 without a registry's error code where GET /config is not served "
                    + "either), across the URLs.")
            .define(RETRIES_WAIT_MS, Type.INT, 1000, Range.atLeast(0), Importance.LOW,
                    "Wait before the first retry; doubled for each further one.")
            .define(RETRIES_MAX_WAIT_MS, Type.INT, 20_000, Range.atLeast(0), Importance.LOW,
                    "Longest wait between retries.")
            .define(CONNECT_TIMEOUT_MS, Type.INT, 60_000, Range.atLeast(1), Importance.LOW,
                    "Connection timeout.")
            .define(READ_TIMEOUT_MS, Type.INT, 60_000, Range.atLeast(1), Importance.LOW,
                    "How long to wait for an answer, its body included (then asked again, or another URL).")
            .define(MISSING_ID_CACHE_TTL_SEC, Type.LONG, 1L, Range.atLeast(0), Importance.LOW,
                    "How long a schema id the registry does not know, or whose schema is not Avro, is remembered "
                            + "so (0: not at all), so that a run of records naming it asks the registry once, not "
                            + "once per record.")
            .define(MISSING_CACHE_SIZE, Type.INT, 10_000, Range.atLeast(0), Importance.LOW,
                    "How many such ids are remembered at most (0: none); when full, all are forgotten.")
            .define(CREDENTIALS_SOURCE, Type.STRING, "URL", ValidString.in("URL", "USER_INFO"), Importance.MEDIUM,
                    "Where basic-auth credentials come from: USER_INFO (basic.auth.user.info) or URL (user:pass@host).")
            .define(USER_INFO, Type.PASSWORD, null, Importance.MEDIUM, "Basic-auth credentials as user:password.")
            .define(DEPRECATED_USER_INFO, Type.PASSWORD, null, Importance.LOW,
                    "The older name of basic.auth.user.info; when both are given, this one is sent, as Confluent's "
                            + "client sends it.")
            .define(BEARER_CREDENTIALS_SOURCE, Type.STRING, null, Importance.MEDIUM,
                    "STATIC_TOKEN: send bearer.auth.token as a bearer token instead of basic auth; unset: no token.")
            .define(BEARER_TOKEN, Type.PASSWORD, null, Importance.MEDIUM, "The bearer token (STATIC_TOKEN).")
            .define(BEARER_LOGICAL_CLUSTER, Type.STRING, null, Importance.LOW,
                    "With a bearer token: the registry cluster id (lsrc-...) sent as target-sr-cluster (Confluent Cloud).")
            .define(BEARER_IDENTITY_POOL_ID, Type.STRING, null, Importance.LOW,
                    "With a bearer token: the identity pool sent as Confluent-Identity-Pool-Id (Confluent Cloud).")
            .define(PROXY_HOST, Type.STRING, null, Importance.LOW,
                    "HTTP proxy to reach the registry through (a host name, or a URL whose host is used); unset: "
                            + "the JVM's proxy settings.")
            .define(PROXY_PORT, Type.INT, null, Importance.LOW, "Port of proxy.host.")
            .define(TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM, "Trust store for the registry's TLS.")
            .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Trust store password.")
            .define(TRUSTSTORE_TYPE, Type.STRING, "JKS", Importance.LOW, "Trust store type (JKS, PKCS12).")
            .define(KEYSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM, "Key store for TLS client authentication.")
            .define(KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Key store password.")
            .define(KEYSTORE_TYPE, Type.STRING, "JKS", Importance.LOW, "Key store type (JKS, PKCS12).")
            .define(KEY_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of the key in the key store.");

    /** The names of the registry client's settings. */
    public static java.util.Set<String> names() {
        return DEFINITION.names();
    }

    public RegistryClientConfig(Map<String, ?> configs) {
        super(DEFINITION, configs, false);
    }

    public List<String> urls() {
        return getList(URL).stream().map(String::trim).filter(s -> !s.isEmpty())
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
    }

    /**
     * The bearer token to send, or null when {@code bearer.auth.credentials.source} is unset. A source other than
     * STATIC_TOKEN (Confluent's OAUTHBEARER, SASL_OAUTHBEARER_INHERIT, CUSTOM), or STATIC_TOKEN without a token,
     * is refused rather than ignored: ignored, every request would be refused as unauthenticated.
     */
    public String bearerToken() {
        String source = getString(BEARER_CREDENTIALS_SOURCE);
        if (source == null || source.isBlank()) {
            return null;
        }
        if (originals().get(CREDENTIALS_SOURCE) != null) {
            // as Confluent's client refuses it: one of the two would be dropped without a word
            throw new org.apache.kafka.common.config.ConfigException("Only one of '" + CREDENTIALS_SOURCE + "' and '"
                    + BEARER_CREDENTIALS_SOURCE + "' may be specified");
        }
        if (!STATIC_TOKEN.equalsIgnoreCase(source.trim())) {
            throw new org.apache.kafka.common.config.ConfigException(BEARER_CREDENTIALS_SOURCE, source,
                    "only STATIC_TOKEN (with bearer.auth.token) is supported; fetch the token outside the guard, or "
                            + "use basic.auth.*");
        }
        Password token = getPassword(BEARER_TOKEN);
        if (token == null || token.value().isBlank()) {
            // not "Invalid value [hidden]": there is none to hide
            throw new org.apache.kafka.common.config.ConfigException(BEARER_TOKEN + " is not set, or blank: "
                    + BEARER_CREDENTIALS_SOURCE + "=STATIC_TOKEN needs the token in it");
        }
        return token.value();
    }

    /** The proxy {@code proxy.host} and {@code proxy.port} name, or null when either is unset (as Confluent's client). */
    public InetSocketAddress proxy() {
        String host = getString(PROXY_HOST);
        Integer port = getInt(PROXY_PORT);
        if (host == null || host.isBlank() || port == null || port <= 0) {
            return null;
        }
        String name = host.trim();
        try {
            URI uri = new URI(name);
            if (uri.getHost() != null) {
                name = uri.getHost();
            }
        } catch (URISyntaxException e) {
            throw new org.apache.kafka.common.config.ConfigException(PROXY_HOST, host, "not a host name or URL");
        }
        return InetSocketAddress.createUnresolved(name, port);
    }

    /**
     * user:password for basic auth, or null. With {@code basic.auth.credentials.source=USER_INFO}: the older
     * {@code schema.registry.basic.auth.user.info} if given, as Confluent's client reads it first, else
     * {@code basic.auth.user.info}; with neither, refused, as Confluent's client refuses it: sent without
     * credentials, every request would be refused as unauthenticated, far from the setting that is missing.
     */
    public String userInfo(String url) {
        if ("USER_INFO".equals(getString(CREDENTIALS_SOURCE))) {
            for (String name : List.of(DEPRECATED_USER_INFO, USER_INFO)) {
                Password info = getPassword(name);
                if (info != null && !info.value().isEmpty()) {
                    return info.value();
                }
            }
            throw new org.apache.kafka.common.config.ConfigException(USER_INFO + " is not set, or empty: it must be "
                    + "given (as user:password) when " + CREDENTIALS_SOURCE + " is USER_INFO");
        }
        java.net.URI uri = java.net.URI.create(url);
        return uri.getUserInfo();
    }

    /**
     * {@code text} — a URL, a comma-separated list of them, or any message holding URLs — as it may be shown in
     * logs, messages and {@code config --check}: without the user-info of any URL, nor the value of a query parameter
     * whose name says it holds a secret ({@link #secretParameter}: a presigned URL's {@code sig} or
     * {@code X-Amz-Signature}, an {@code api_key}). A URL's user-info is what lies between its {@code scheme://} and
     * the last {@code @} before the next whitespace or the next URL, so that a password holding an unencoded
     * {@code @}, {@code /} or {@code ,} is hidden whole (at the price of hiding the host too of a URL whose path holds
     * an {@code @}). Linear in the text's length.
     */
    public static String shown(String text) {
        StringBuilder shown = null;
        int copied = 0;
        int separator = text.indexOf("://");
        while (separator >= 0) {
            int from = separator + 3;
            int next = text.indexOf("://", from);
            int limit = next < 0 ? text.length() : schemeStart(text, next);
            int end = from;
            while (end < limit && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            while (end > from && text.charAt(end - 1) == ',') {
                end--; // a list's separator, not the URL's
            }
            // the query's secrets first: an '@' among them (an e-mail address) must not be taken for user-info's end;
            // where the only '@' was in a hidden value, a password holding '#sig=' or '?key=' could be left: all goes
            String url = text.substring(from, end);
            String masked = withoutSecrets(url);
            int at = masked.lastIndexOf('@');
            String urlShown = at >= 0 ? masked.substring(at + 1) : url.indexOf('@') >= 0 ? HIDDEN : masked;
            if (!urlShown.equals(url)) {
                shown = shown == null ? new StringBuilder(text.length()) : shown;
                shown.append(text, copied, from).append(urlShown);
                copied = end;
            }
            separator = next;
        }
        return shown == null ? text : shown.append(text, copied, text.length()).toString();
    }

    /**
     * A URL after its {@code scheme://}, with the value of each {@link #secretParameter} of its query and fragment
     * hidden: parameters are separated by {@code &} or {@code ;}, from the first {@code ?} or {@code #} on.
     */
    private static String withoutSecrets(String url) {
        int query = url.indexOf('?');
        int fragment = url.indexOf('#');
        int start = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
        if (start < 0) {
            return url;
        }
        StringBuilder shown = new StringBuilder(url.length()).append(url, 0, start + 1);
        int name = start + 1;
        for (int i = name; i <= url.length(); i++) {
            char c = i < url.length() ? url.charAt(i) : '&';
            if (c == '&' || c == ';' || c == '#' || c == '?') {
                String parameter = url.substring(name, i);
                int equals = parameter.indexOf('=');
                shown.append(equals > 0 && secretParameter(parameter.substring(0, equals))
                        ? parameter.substring(0, equals + 1) + HIDDEN : parameter);
                if (i < url.length()) {
                    shown.append(c);
                }
                name = i + 1;
            }
        }
        return shown.toString();
    }

    /**
     * What the name of a query parameter that may hold a secret holds, in any case: a presigned URL's signature, keys,
     * tokens (a JWT, a bearer token), passwords, credentials, codes, an HMAC, a session.
     */
    private static final String[] SECRET_PARAMETER_WORDS = {"sig", "key", "token", "secret", "pass", "pwd", "auth",
        "cred", "code", "jwt", "bearer", "hmac", "session"};

    /**
     * Whether a query parameter named {@code name} (percent-decoded) may hold a secret: its name holds one of
     * {@link #SECRET_PARAMETER_WORDS}, in any case.
     */
    static boolean secretParameter(String name) {
        String lower;
        try {
            lower = URLDecoder.decode(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return true; // a name that does not decode could spell anything
        }
        for (String secret : SECRET_PARAMETER_WORDS) {
            if (lower.contains(secret)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code uri} names its host as written with a '_' in it (a Docker Compose service name such as
     * {@code schema_registry}), which {@link URI} reads no host in: no host name may hold one, and Java's HTTP client
     * cannot reach such a host. False where URI reads a host, and where what it read as the authority is not the host:
     * an '@' further on means a password holding '/', '?' or '#' cut the authority short, and the refusal is the
     * password's.
     */
    public static boolean hostHoldsUnderscore(URI uri) {
        String authority = uri.getRawAuthority();
        if (uri.getHost() != null || authority == null
                || uri.getRawSchemeSpecificPart().indexOf('@', 2 + authority.length()) >= 0) {
            return false;
        }
        String host = authority.substring(authority.lastIndexOf('@') + 1).replaceFirst(":[0-9]*$", "");
        return host.indexOf('_') >= 0;
    }

    /**
     * A setting's {@code value} — a URL, or a comma-separated list of them — as a message or {@code config --check}
     * may quote it: {@link #shown} when each of its URLs parses, and {@code [hidden]} whole when one holds an
     * {@code @} but does not parse as a URL with user-info and a host (a password with an unencoded space or
     * {@code ://} in it), or has no scheme, or holds a query or fragment but does not parse (a secret parameter's
     * value with an unencoded space in it): where such a secret ends cannot be told, so none of it is shown.
     */
    public static String quoted(String value) {
        String before = "";
        for (String entry : value.split(",")) {
            String url = entry.trim();
            // no scheme: user:password@host, unless it is the rest of a password with a comma in it
            if (!url.contains("://") && url.indexOf('@') >= 0 && before.indexOf('@') < 0) {
                return HIDDEN;
            }
            // no scheme after a URL with a query or fragment: the rest of a parameter's value with a comma in it
            // (seen in a review: ?sig=A,B C quoted as ?sig=[hidden] C)
            if (!url.contains("://") && (before.indexOf('?') >= 0 || before.indexOf('#') >= 0)) {
                return HIDDEN;
            }
            before = url;
            if (url.contains("://") && url.indexOf('@') < 0 && (url.indexOf('?') >= 0 || url.indexOf('#') >= 0)) {
                try {
                    new URI(url);
                } catch (URISyntaxException e) {
                    return HIDDEN;
                }
            }
            if (url.contains("://") && url.indexOf('@') >= 0) {
                try {
                    URI parsed = new URI(url);
                    if (parsed.getRawUserInfo() == null || parsed.getHost() == null) {
                        return HIDDEN;
                    }
                } catch (URISyntaxException e) {
                    return HIDDEN;
                }
            }
        }
        return shown(value);
    }

    /** Where the scheme of the URL whose {@code ://} is at {@code separator} starts. */
    private static int schemeStart(String text, int separator) {
        int start = separator;
        while (start > 0 && isSchemeCharacter(text.charAt(start - 1))) {
            start--;
        }
        return start;
    }

    private static boolean isSchemeCharacter(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '.' || c == '-');
    }

    static char[] chars(Password password) {
        return password == null ? null : password.value().toCharArray();
    }

    @Override
    public String toString() {
        return "registry " + Arrays.toString(urls().stream().map(RegistryClientConfig::shown).toArray());
    }
}
