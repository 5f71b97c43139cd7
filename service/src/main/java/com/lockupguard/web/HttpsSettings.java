package com.lockupguard.web;

import java.nio.file.Path;
import java.util.List;

/**
 * The HTTP server's TLS: its key store (certificate and key) and the protocol versions it speaks.
 *
 * @param keyPassword the private key's password; null: the key store's
 */
public record HttpsSettings(Path keyStore, String keyStorePassword, String keyPassword, String keyStoreType,
        List<String> protocols) {

    public HttpsSettings {
        protocols = List.copyOf(protocols);
    }

    @Override
    public String toString() {
        return "HttpsSettings[keyStore=" + keyStore + ", type=" + keyStoreType + ", protocols=" + protocols + "]";
    }
}
