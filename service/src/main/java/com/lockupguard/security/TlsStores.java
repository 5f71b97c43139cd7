package com.lockupguard.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Key and trust stores as Kafka names them ({@code *.location}, {@code *.password}, {@code *.type}). */
public final class TlsStores {

    private TlsStores() {
    }

    /** A key or trust store from its file; the message names the file and never the password. */
    public static KeyStore load(Path location, String password, String type) {
        byte[] content;
        try {
            content = Files.readAllBytes(location);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the " + type + " store " + location + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + type + " store " + location + ": "
                    + e.getClass().getSimpleName(), e);
        }
        return load(content, location, password, type);
    }

    /** A key or trust store from {@code content}, read from {@code location}; the message never names the password. */
    public static KeyStore load(byte[] content, Path location, String password, String type) {
        try (InputStream in = new ByteArrayInputStream(content)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the " + type + " store " + location + ": "
                    + e.getClass().getSimpleName() + (e.getCause() instanceof java.security.UnrecoverableKeyException
                            ? " (wrong password?)" : ""), e);
        }
    }

    /**
     * The certificate chains of {@code store}'s private keys, each key opened with {@code keyPassword} (a key that
     * does not open throws); empty when it holds no private key.
     */
    public static List<X509Certificate[]> keyChains(KeyStore store, String keyPassword)
            throws GeneralSecurityException {
        List<X509Certificate[]> chains = new ArrayList<>();
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                store.getKey(alias, keyPassword.toCharArray());
                Certificate[] chain = store.getCertificateChain(alias);
                if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate) {
                    chains.add(java.util.Arrays.copyOf(chain, chain.length, X509Certificate[].class));
                }
            }
        }
        return chains;
    }

    /**
     * A trust store from its file, refused when it trusts nothing: a PKCS12 store read without its password (its
     * certificates are encrypted with it, and left out) is empty, and failed every handshake, the JVM's own CAs
     * unasked, with "the trustAnchors parameter must be non-empty".
     */
    public static KeyStore loadTrusted(Path location, String password, String type) {
        KeyStore store = load(location, password, type);
        try {
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.getCertificate(alias) != null) {
                    return store;
                }
            }
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException("cannot read the " + type + " store " + location + ": "
                    + e.getClass().getSimpleName(), e);
        }
        throw new IllegalArgumentException("the " + type + " store " + location + " holds no certificate"
                + (password == null ? " read without a password (a PKCS12 store's certificates are read only with it)"
                        : ""));
    }

    /**
     * A client context that trusts the certificates of {@code trustStore} and, when {@code withJvmDefaults},
     * the JVM's own CAs too (an issuer's JWKS behind a public CA, other instances behind a private one).
     */
    public static SSLContext trusting(KeyStore trustStore, boolean withJvmDefaults) {
        return trusting(trustManager(trustStore, withJvmDefaults));
    }

    /** A client context that trusts what {@code trust} trusts. */
    public static SSLContext trusting(X509ExtendedTrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /** What {@link #trusting(KeyStore, boolean)} trusts, as a trust manager. */
    public static X509ExtendedTrustManager trustManager(KeyStore trustStore, boolean withJvmDefaults) {
        try {
            List<X509ExtendedTrustManager> managers = new ArrayList<>();
            if (trustStore != null) {
                managers.add(x509(trustStore));
            }
            if (withJvmDefaults || trustStore == null) {
                managers.add(x509(null));
            }
            return managers.size() == 1 ? managers.get(0) : new AnyOf(managers);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Trusts a server whichever of its trust managers does (hostname checks included: they are extended ones). */
    private static final class AnyOf extends X509ExtendedTrustManager {
        private final List<X509ExtendedTrustManager> managers;

        AnyOf(List<X509ExtendedTrustManager> managers) {
            this.managers = List.copyOf(managers);
        }

        private interface Check {
            void run(X509ExtendedTrustManager manager) throws CertificateException;
        }

        /**
         * Passes when any manager trusts; else throws the refusal of the manager that knew the certificate's CA: the
         * first refusal that is not "unable to find valid certification path" (seen in a review, the JVM CAs' words
         * hid the trust store's "No subject alternative names matching IP address" and "validity check failed"; and
         * the trust store's hide the JVM CAs' for a public CA's certificate of another name), else the first; the
         * others suppressed in it. A manager that cannot check at all (no trust anchors) trusts nothing, and says
         * least.
         */
        private void any(Check check) throws CertificateException {
            List<CertificateException> refusals = new ArrayList<>();
            CertificateException cannotCheck = null;
            for (X509ExtendedTrustManager manager : managers) {
                try {
                    check.run(manager);
                    return;
                } catch (CertificateException e) {
                    refusals.add(e);
                } catch (RuntimeException e) {
                    cannotCheck = new CertificateException(e.getMessage(), e);
                }
            }
            if (cannotCheck != null) {
                refusals.add(cannotCheck);
            }
            CertificateException saysLeast = cannotCheck;
            CertificateException told = refusals.stream()
                    .filter(refusal -> refusal != saysLeast && !knowsNoPath(refusal)).findFirst()
                    .orElse(refusals.get(0));
            refusals.stream().filter(refusal -> refusal != told).forEach(told::addSuppressed);
            throw told;
        }

        /** Whether {@code refusal} says only that its manager knows no CA the certificate leads to. */
        private static boolean knowsNoPath(CertificateException refusal) {
            for (Throwable cause = refusal; cause != null; cause = cause.getCause()) {
                if (cause instanceof CertPathBuilderException) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            any(m -> m.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            any(m -> m.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            any(m -> m.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            any(m -> m.checkClientTrusted(chain, authType, socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            any(m -> m.checkClientTrusted(chain, authType, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            any(m -> m.checkClientTrusted(chain, authType));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return managers.stream().flatMap(m -> java.util.Arrays.stream(m.getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        }
    }
}
