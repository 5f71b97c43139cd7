package com.lockupguard.app;

import com.lockupguard.security.BearerAuthenticator;
import com.lockupguard.security.JwksKeys;
import com.lockupguard.security.JwtSettings;
import com.lockupguard.security.JwtVerifier;
import com.lockupguard.security.Role;
import com.lockupguard.security.StaticToken;
import com.lockupguard.security.TlsStores;
import com.lockupguard.web.HttpsSettings;
import com.lockupguard.web.PeerAccess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's security, from the settings: who may call it ({@link BearerAuthenticator}), its
 * TLS, and how instances call each other. Settings that only make sense together are checked
 * together; a mistake stops start-up with a message naming the settings, and never their secrets.
 *
 * @param https null: plain http
 */
public record HttpSecurity(BearerAuthenticator authentication, HttpsSettings https, PeerAccess peers,
        JwksKeys.Remote remoteKeys, List<String> shortStaticTokens, boolean emptyTokenGiven) {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSecurity.class);

    /** The fewest characters a static token must have for an API served beyond this machine. */
    static final int MIN_STATIC_TOKEN_LENGTH = 16;

    public static HttpSecurity from(GuardConfig config) {
        X509ExtendedTrustManager peersTrust = trust(config);
        SSLContext trust = TlsStores.trusting(peersTrust);
        HttpsSettings https = https(config, peersTrust);
        String apiToken = secret(config, GuardConfig.API_TOKEN_CONFIG);
        String serviceToken = secret(config, GuardConfig.API_SERVICE_TOKEN_CONFIG);
        if (apiToken != null && apiToken.equals(serviceToken)) {
            // the user's token is checked first: the secret every instance sends the others would read and submit
            throw new ConfigException(GuardConfig.API_SERVICE_TOKEN_CONFIG + " is the same as "
                    + GuardConfig.API_TOKEN_CONFIG + ": it would grant whoever holds it, every instance among them, "
                    + "read and submit, not the forwarding alone. Give it a secret of its own");
        }
        JwksKeys.Remote remote = null;
        JwtVerifier jwt = null;
        String jwtDescription = null;
        String url = config.getString(GuardConfig.API_AUTH_JWT_JWKS_URL_CONFIG).trim();
        String file = config.getString(GuardConfig.API_AUTH_JWT_JWKS_FILE_CONFIG).trim();
        String issuer = config.getString(GuardConfig.API_AUTH_JWT_ISSUER_CONFIG).trim();
        String audience = config.getString(GuardConfig.API_AUTH_JWT_AUDIENCE_CONFIG).trim();
        if (!url.isEmpty() && !file.isEmpty()) {
            throw new ConfigException("set one of " + GuardConfig.API_AUTH_JWT_JWKS_URL_CONFIG + " and "
                    + GuardConfig.API_AUTH_JWT_JWKS_FILE_CONFIG + ", not both");
        }
        if (!url.isEmpty() || !file.isEmpty()) {
            if (issuer.isEmpty() || audience.isEmpty()) {
                throw new ConfigException("bearer JWTs need " + GuardConfig.API_AUTH_JWT_ISSUER_CONFIG + " and "
                        + GuardConfig.API_AUTH_JWT_AUDIENCE_CONFIG + ": without them a token any client of the same "
                        + "issuer got for another service would be accepted");
            }
            VerificationKeyResolver keys;
            if (!url.isEmpty()) {
                remote = JwksKeys.url(URI.create(url), Duration.ofMillis(config.getLong(
                        GuardConfig.API_AUTH_JWT_JWKS_CACHE_MS_CONFIG)), trust);
                keys = remote;
                jwtDescription = "JWT from " + JwksKeys.shown(URI.create(url));
            } else {
                try {
                    keys = JwksKeys.file(Path.of(file));
                } catch (IOException e) {
                    // the JDK's message for a missing or unreadable file is its path alone
                    throw new ConfigException(GuardConfig.API_AUTH_JWT_JWKS_FILE_CONFIG, file,
                            e instanceof java.nio.file.NoSuchFileException ? "does not exist"
                                    : e instanceof java.nio.file.AccessDeniedException ? "cannot be read (permission "
                                            + "denied)" : "cannot be read as a JWKS: " + e.getMessage());
                }
                jwtDescription = "JWT from " + file;
            }
            jwt = new JwtVerifier(keys, new JwtSettings(issuer, audience,
                    config.getList(GuardConfig.API_AUTH_JWT_ALGORITHMS_CONFIG),
                    Duration.ofMillis(config.getLong(GuardConfig.API_AUTH_JWT_CLOCK_SKEW_MS_CONFIG)),
                    config.getList(GuardConfig.API_AUTH_JWT_ROLES_CLAIM_CONFIG),
                    Map.of(Role.READ, new LinkedHashSet<>(config.getList(GuardConfig.API_AUTH_ROLE_READ_CONFIG)),
                            Role.SUBMIT, new LinkedHashSet<>(config.getList(
                                    GuardConfig.API_AUTH_ROLE_SUBMIT_CONFIG)))));
            jwtDescription += " (issuer " + issuer + ", audience " + audience + ")";
        } else if (!issuer.isEmpty() || !audience.isEmpty()) {
            throw new ConfigException(GuardConfig.API_AUTH_JWT_ISSUER_CONFIG + " and "
                    + GuardConfig.API_AUTH_JWT_AUDIENCE_CONFIG + " are set but no JWKS is: set "
                    + GuardConfig.API_AUTH_JWT_JWKS_URL_CONFIG + " or " + GuardConfig.API_AUTH_JWT_JWKS_FILE_CONFIG);
        }
        BearerAuthenticator authentication = new BearerAuthenticator(
                apiToken == null ? null : new StaticToken(apiToken),
                serviceToken == null ? null : new StaticToken(serviceToken), jwt, jwtDescription);
        List<String> shortTokens = new ArrayList<>();
        if (apiToken != null && apiToken.length() < MIN_STATIC_TOKEN_LENGTH) {
            shortTokens.add(GuardConfig.API_TOKEN_CONFIG);
        }
        if (serviceToken != null && serviceToken.length() < MIN_STATIC_TOKEN_LENGTH) {
            shortTokens.add(GuardConfig.API_SERVICE_TOKEN_CONFIG);
        }
        // given, but empty or blank: a secret that came through empty, say (a compose file's ${API_TOKEN:-})
        boolean emptyToken = apiToken == null && config.originals().get(GuardConfig.API_TOKEN_CONFIG) != null;
        return new HttpSecurity(authentication, https, new PeerAccess(https != null, trust, serviceToken), remote,
                List.copyOf(shortTokens), emptyToken);
    }

    /**
     * Refuses a server reachable beyond this machine without authentication; warns where the
     * configuration is weaker than it looks.
     */
    public void checkExposure(String host) {
        refuseExposure(host);
        boolean loopback = HttpExposure.isLoopback(host);
        if (!loopback && https == null && authentication.enabled()) {
            LOG.warn("{}={} serves bearer-token authentication over plain http: tokens cross the network in clear. "
                    + "Set {} (or terminate TLS in front of the guard)", GuardConfig.HTTP_HOST_CONFIG, host,
                    GuardConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG);
        }
        if (emptyTokenGiven && !authentication.enabled()) {
            LOG.warn("{} is set, but empty: the API and /metrics have no authentication, and answer any caller on "
                    + "this machine. Give it a token, or leave it out", GuardConfig.API_TOKEN_CONFIG);
        }
        if (authentication.enabled() && !authentication.acceptsJwt() && !authentication.acceptsStaticToken()) {
            LOG.warn("{} is the only credential set: the API answers the other instances alone, and refuses every "
                    + "user and the dashboard. Set {} (or {} for development) as well",
                    GuardConfig.API_SERVICE_TOKEN_CONFIG, GuardConfig.API_AUTH_JWT_JWKS_URL_CONFIG,
                    GuardConfig.API_TOKEN_CONFIG);
        }
        if (authentication.acceptsJwt() && authentication.acceptsStaticToken()) {
            LOG.warn("{} is set beside JWT authentication: whoever holds it may read and submit. It is meant for "
                    + "development", GuardConfig.API_TOKEN_CONFIG);
        }
    }

    /** What {@link #checkExposure} refuses, without its warnings: for a check of the settings before the start. */
    public void refuseExposure(String host) {
        HttpExposure.check(host, authentication.enabled());
        if (!HttpExposure.isLoopback(host) && !shortStaticTokens.isEmpty()) {
            throw new ConfigException(String.join(" and ", shortStaticTokens) + " must have at least "
                    + MIN_STATIC_TOKEN_LENGTH + " characters when " + GuardConfig.HTTP_HOST_CONFIG + "=" + host
                    + " serves the API beyond this machine: a short token can be guessed, and attempts are not "
                    + "limited. Generate one, for example with 'openssl rand -hex 24'");
        }
    }

    private static HttpsSettings https(GuardConfig config, X509ExtendedTrustManager peersTrust) {
        String location = config.getString(GuardConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG).trim();
        if (location.isEmpty()) {
            return null;
        }
        String password = secret(config, GuardConfig.HTTP_SSL_KEYSTORE_PASSWORD_CONFIG);
        if (password == null) {
            throw new ConfigException(GuardConfig.HTTP_SSL_KEYSTORE_PASSWORD_CONFIG + " is required with "
                    + GuardConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG);
        }
        String type = config.getString(GuardConfig.HTTP_SSL_KEYSTORE_TYPE_CONFIG);
        Path keyStore = Path.of(location);
        if (!Files.isReadable(keyStore)) {
            throw new ConfigException(GuardConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG, location, "cannot be read");
        }
        String keyPassword = secret(config, GuardConfig.HTTP_SSL_KEY_PASSWORD_CONFIG);
        checkKeyStore(keyStore, password, keyPassword == null ? password : keyPassword, type);
        // what the other instances will say of the certificate is checked where they can ask this one (an API on
        // loopback, advertised as such, is one instance's alone), and its name where the host they ask at is known:
        // advertised, or the one address served, not this machine's name, which the guard falls back to
        String httpHost = config.getString(GuardConfig.HTTP_HOST_CONFIG);
        boolean advertised = !config.getString(GuardConfig.HTTP_ADVERTISED_HOST_CONFIG).isBlank();
        boolean peers = advertised || !HttpExposure.isLoopback(httpHost);
        boolean hostKnown = advertised || peers && !GuardConfig.isEveryInterface(httpHost);
        return new HttpsSettings(keyStore, password, keyPassword, type,
                config.getList(GuardConfig.HTTP_SSL_ENABLED_PROTOCOLS_CONFIG),
                hostKnown ? config.advertisedHost() : null, peers ? peersTrust : null, HttpsSettings.RELOAD_INTERVAL);
    }

    /** Opens the key store and its key now, so that a wrong password stops start-up with a clear message. */
    private static void checkKeyStore(Path location, String password, String keyPassword, String type) {
        KeyStore store;
        try {
            store = TlsStores.load(location, password, type);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(GuardConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG + ": " + e.getMessage()
                    + " (check " + GuardConfig.HTTP_SSL_KEYSTORE_PASSWORD_CONFIG + " and "
                    + GuardConfig.HTTP_SSL_KEYSTORE_TYPE_CONFIG + ")");
        }
        try {
            if (TlsStores.keyChains(store, keyPassword).isEmpty()) {
                throw new ConfigException(GuardConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG + ": " + location
                        + " holds no private key");
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new ConfigException(GuardConfig.HTTP_SSL_KEY_PASSWORD_CONFIG + ": the private key in " + location
                    + " cannot be opened (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Trusts the JVM's CAs and the configured trust store, for calls to other instances and the JWKS. */
    private static X509ExtendedTrustManager trust(GuardConfig config) {
        String location = config.getString(GuardConfig.HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG).trim();
        KeyStore store = null;
        if (!location.isEmpty()) {
            try {
                store = TlsStores.loadTrusted(Path.of(location),
                        secret(config, GuardConfig.HTTP_SSL_TRUSTSTORE_PASSWORD_CONFIG),
                        config.getString(GuardConfig.HTTP_SSL_TRUSTSTORE_TYPE_CONFIG));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(GuardConfig.HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG + ": " + e.getMessage()
                        + (Files.exists(Path.of(location)) ? " (check "
                                + GuardConfig.HTTP_SSL_TRUSTSTORE_PASSWORD_CONFIG + " and "
                                + GuardConfig.HTTP_SSL_TRUSTSTORE_TYPE_CONFIG + ")" : ""));
            }
        }
        return TlsStores.trustManager(store, true);
    }

    private static String secret(GuardConfig config, String name) {
        Password password = config.getPassword(name);
        return password == null || password.value().isEmpty() ? null : password.value();
    }

    @Override
    public String toString() {
        return "HttpSecurity[authentication=" + authentication.describe() + ", https=" + https + ", peers=" + peers
                + "]";
    }
}
