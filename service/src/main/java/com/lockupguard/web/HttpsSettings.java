package com.lockupguard.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * The HTTP server's TLS: its key store (certificate and key), the protocol versions it speaks, and what the other
 * instances expect of its certificate.
 *
 * @param keyPassword the private key's password; null: the key store's
 * @param advertisedHost the host the other instances ask this one at, which the certificate must name; null: not
 *     checked
 * @param peersTrust what the other instances trust, if set as this one; null: not checked
 * @param reloadInterval how often the key store's file is looked at for a renewed certificate
 */
public record HttpsSettings(Path keyStore, String keyStorePassword, String keyPassword, String keyStoreType,
        List<String> protocols, String advertisedHost, X509TrustManager peersTrust, Duration reloadInterval) {

    /** How often the key store's file is looked at, by default. */
    public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(30);

    public HttpsSettings {
        protocols = List.copyOf(protocols);
    }

    /** Nothing checked against the other instances; the file looked at every {@link #RELOAD_INTERVAL}. */
    public HttpsSettings(Path keyStore, String keyStorePassword, String keyPassword, String keyStoreType,
            List<String> protocols) {
        this(keyStore, keyStorePassword, keyPassword, keyStoreType, protocols, null, null, RELOAD_INTERVAL);
    }

    /** The password that opens the private key. */
    String keyPasswordOrStore() {
        return keyPassword == null ? keyStorePassword : keyPassword;
    }

    @Override
    public String toString() {
        return "HttpsSettings[keyStore=" + keyStore + ", type=" + keyStoreType + ", protocols=" + protocols
                + ", advertisedHost=" + advertisedHost + "]";
    }
}
