package com.lockupguard.web;

import com.lockupguard.security.TlsStores;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key store the https connector serves, its file looked at again every {@link HttpsSettings#reloadInterval()}:
 * a renewed certificate written over it (by cert-manager, or a Kubernetes secret's update) is served from the next
 * handshake on, without a restart; connections already open keep theirs. A file that cannot be served (half
 * written, a password it does not open with, no private key, or only certificates out of their dates where the one
 * served is in them) is refused, said once for each content and reason, and tried again at each look; meanwhile the
 * certificate served before goes on being served. What clients and the other instances will say of a certificate
 * ({@link CertificateWarnings}) is said as it is loaded, at the start and at each renewal.
 */
final class ServedKeyStore extends AbstractLifeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(ServedKeyStore.class);

    /** A key store read from the file, and the chains of its private keys. */
    private record Loaded(byte[] digest, KeyStore store, List<X509Certificate[]> chains, Instant at) {

        /** The certificate that expires first: the one clients will refuse first. */
        X509Certificate firstToExpire() {
            return chains.stream().map(chain -> chain[0]).min(Comparator.comparing(X509Certificate::getNotAfter))
                    .orElseThrow();
        }

        boolean anyValidAt(Instant now) {
            return chains.stream().anyMatch(chain -> CertificateWarnings.inDates(chain[0], now));
        }
    }

    private final HttpsSettings settings;
    private final Clock clock;
    private final SslContextFactory.Server ssl;
    private volatile Loaded served;
    /** The content and reason of the last refusal, said once; null: the file holds what is served. */
    private volatile String refused;
    private ScheduledExecutorService looker;

    /** Reads the key store now; throws {@link IllegalArgumentException} when it cannot be served. */
    ServedKeyStore(HttpsSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        byte[] content;
        try {
            content = Files.readAllBytes(settings.keyStore());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key store " + settings.keyStore() + ": " + e, e);
        }
        this.served = load(content);
        ssl = new SslContextFactory.Server();
        ssl.setKeyStore(served.store());
        ssl.setKeyManagerPassword(settings.keyPasswordOrStore());
        ssl.setIncludeProtocols(settings.protocols().toArray(new String[0]));
        // TLS 1.2 with authenticated encryption only (GCM, ChaCha20-Poly1305): Jetty's defaults leave in the CBC
        // suites with SHA-256 and SHA-384, which current guidance (Mozilla's "intermediate") drops
        ssl.addExcludeCipherSuites("^.*_CBC_.*$");
        warn(served);
    }

    /** The TLS of the https connector, whose key store this renews. */
    SslContextFactory.Server sslContextFactory() {
        return ssl;
    }

    /** When the certificate served that expires first became valid. */
    Instant notBefore() {
        return served.firstToExpire().getNotBefore().toInstant();
    }

    /** When the certificate served that expires first expires. */
    Instant notAfter() {
        return served.firstToExpire().getNotAfter().toInstant();
    }

    /** Whether the file holds a key store other than the one served, which cannot be served. */
    boolean refused() {
        return refused != null;
    }

    @Override
    protected void doStart() {
        looker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "https-key-store-look");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.reloadInterval().toMillis();
        looker.scheduleWithFixedDelay(this::lookSafely, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        looker.shutdownNow();
    }

    private void lookSafely() {
        try {
            look();
        } catch (RuntimeException | Error e) {
            // the next look is still made: a schedule whose task throws makes no other
            LOG.error("https: looking at the key store {} failed; looked at again in {}", settings.keyStore(),
                    every(), e);
        }
    }

    /** Reads the file, and serves what it holds when it changed and can be served. */
    void look() {
        byte[] content;
        try {
            content = Files.readAllBytes(settings.keyStore());
        } catch (IOException e) {
            refuse("unreadable " + e, "it cannot be read (" + e + ")");
            return;
        }
        byte[] digest = digest(content);
        if (Arrays.equals(digest, served.digest())) {
            refused = null;
            return;
        }
        String notTaken = java.util.HexFormat.of().formatHex(digest) + " not taken";
        if (notTaken.equals(refused)) {
            return; // Jetty could not serve it: tried once, not at every look, each failure a moment without TLS
        }
        Loaded renewed;
        try {
            renewed = load(content);
        } catch (IllegalArgumentException e) {
            refuse(java.util.HexFormat.of().formatHex(digest) + e.getMessage(), e.getMessage());
            return;
        }
        Instant now = clock.instant();
        if (!renewed.anyValidAt(now) && served.anyValidAt(now)) {
            refuse(java.util.HexFormat.of().formatHex(digest) + " out of dates", "none of its certificates is "
                    + "valid now (" + CertificateWarnings.describe(renewed.firstToExpire()) + ", valid from "
                    + renewed.firstToExpire().getNotBefore().toInstant() + " to "
                    + renewed.firstToExpire().getNotAfter().toInstant() + ")");
            return;
        }
        try {
            ssl.reload(factory -> factory.setKeyStore(renewed.store()));
        } catch (Exception e) {
            LOG.error("https: the renewed key store {} could not be taken into use; serving the one loaded at {} "
                    + "again", settings.keyStore(), served.at(), e);
            try {
                ssl.reload(factory -> factory.setKeyStore(served.store()));
            } catch (Exception again) {
                LOG.error("https: the key store loaded at {} could not be served again: new connections fail "
                        + "until the file holds one that can be", served.at(), again);
            }
            refuse(notTaken, "it could not be taken into use (" + e + "); it is tried again once the file "
                    + "changes");
            return;
        }
        served = renewed;
        refused = null;
        X509Certificate first = renewed.firstToExpire();
        LOG.info("https: serving the renewed key store {}: {}, valid until {}", settings.keyStore(),
                CertificateWarnings.describe(first), first.getNotAfter().toInstant());
        warn(renewed);
    }

    private void refuse(String what, String why) {
        if (!what.equals(refused)) {
            LOG.warn("https: the key store {} changed, but cannot be served: {}. Served meanwhile: {}, loaded at {}; "
                    + "the file is looked at again every {}", settings.keyStore(), why,
                    CertificateWarnings.describe(served.firstToExpire()), served.at(), every());
        }
        refused = what;
    }

    private String every() {
        long millis = settings.reloadInterval().toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private Loaded load(byte[] content) {
        KeyStore store = TlsStores.load(content, settings.keyStore(), settings.keyStorePassword(),
                settings.keyStoreType());
        List<X509Certificate[]> chains;
        try {
            chains = TlsStores.keyChains(store, settings.keyPasswordOrStore());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key in " + settings.keyStore() + " cannot be opened ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (chains.isEmpty()) {
            throw new IllegalArgumentException(settings.keyStore() + " holds no private key with a certificate");
        }
        return new Loaded(digest(content), store, chains, clock.instant());
    }

    private void warn(Loaded loaded) {
        for (String warning : CertificateWarnings.of(loaded.chains(), settings.advertisedHost(),
                settings.peersTrust(), clock.instant())) {
            LOG.warn("https: {}", warning);
        }
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
