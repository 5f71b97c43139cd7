package com.lockupguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.security.testing.JwksEndpoint;
import com.lockupguard.security.testing.TestPki;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust stores as Kafka names them, and the client contexts the guard calls the issuer's JWKS (over a socket, as
 * jose4j does) and other instances (over an engine, as Java's HTTP client does) with: whom they trust, and whom not.
 */
class TlsStoresTest {

    /** The CA of the guard's trust store. */
    private static TestPki ours;
    /** A CA nobody configured: a man in the middle's. */
    private static TestPki rogue;
    /** A CA among the JVM's own, as a public CA an issuer's JWKS is served behind. */
    private static TestPki publicCa;

    @TempDir
    Path dir;

    @BeforeAll
    static void cas() throws Exception {
        ours = TestPki.create("guard-test-ca");
        rogue = TestPki.create("rogue-ca");
        publicCa = TestPki.create("public-ca");
    }

    @Test
    void shouldLoadATrustStoreAndSayWhenItsPasswordIsWrongWithoutShowingIt() throws Exception {
        // given a PKCS12 trust store with the guard's CA, and a location where none is
        Path file = ours.writeTrustStore(dir.resolve("trust.p12"), "PKCS12", "trust-secret");
        Path missing = dir.resolve("missing.p12");

        // when it is loaded with its password / then it holds the CA
        assertThat(TlsStores.load(file, "trust-secret", "PKCS12").getCertificate("ca"))
                .isEqualTo(ours.caCertificate());
        // and with another password, the operator is told which file, and that the password may be wrong, never
        // the password tried
        assertThatThrownBy(() -> TlsStores.load(file, "guessed-secret", "PKCS12"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("(wrong password?)")
                .message().doesNotContain("guessed-secret").doesNotContain("trust-secret");
        // and a file that is not there is not blamed on the password
        assertThatThrownBy(() -> TlsStores.load(missing, "trust-secret", "PKCS12"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString()).message().doesNotContain("wrong password");
    }

    @Test
    void shouldRefuseATrustStoreThatTrustsNothingSayingWhenItsPasswordWasNotGiven() throws Exception {
        // given a PKCS12 trust store with a password, as keytool makes them, and one that holds no certificate
        Path file = ours.writeTrustStore(dir.resolve("trust.p12"), "PKCS12", "trust-secret");
        Path empty = dir.resolve("empty.p12");
        KeyStore nothing = KeyStore.getInstance("PKCS12");
        nothing.load(null, null);
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(empty)) {
            nothing.store(out, "trust-secret".toCharArray());
        }

        // when it is read with its password, then it trusts its CA
        assertThat(TlsStores.loadTrusted(file, "trust-secret", "PKCS12").getCertificate("ca"))
                .isEqualTo(ours.caCertificate());
        // and without one (its certificates are encrypted with it, and left out), it is refused, saying so, where it
        // made every handshake fail with "the trustAnchors parameter must be non-empty"
        assertThatThrownBy(() -> TlsStores.loadTrusted(file, null, "PKCS12"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the PKCS12 store " + file + " holds no certificate read without a password (a PKCS12 "
                        + "store's certificates are read only with it)");
        // and a store with none is refused with its password too, and a missing one is said to be missing
        assertThatThrownBy(() -> TlsStores.loadTrusted(empty, "trust-secret", "PKCS12"))
                .hasMessage("the PKCS12 store " + empty + " holds no certificate");
        assertThatThrownBy(() -> TlsStores.loadTrusted(dir.resolve("nope.p12"), "trust-secret", "PKCS12"))
                .hasMessage("the PKCS12 store " + dir.resolve("nope.p12") + " does not exist");
    }

    @Test
    void shouldRefuseAServerOfAnotherCaAlsoWhenTheJvmsCasAreTrustedBesideTheConfiguredOne() throws Exception {
        // given the guard trusting its trust store's CA beside the JVM's, and two servers on localhost: one with a
        // certificate of that CA, one with a certificate of a CA nobody configured
        SSLContext guard = TlsStores.trusting(trustStore(ours), true);
        HttpsServer trusted = server(ours);
        HttpsServer forged = server(rogue);
        try {
            // when the guard connects to each, over a socket and over an engine
            // then it talks to the first, and refuses the second both ways
            assertThat(handshakeOverASocket(guard, trusted)).isTrue();
            assertThat(getOverAnEngine(guard, trusted)).isEqualTo(200);
            assertThat(handshakeOverASocket(guard, forged)).isFalse();
            assertThatThrownBy(() -> getOverAnEngine(guard, forged)).isInstanceOf(IOException.class);
        } finally {
            trusted.stop(0);
            forged.stop(0);
        }
    }

    @Test
    void shouldSayWhyTheConfiguredCaRefusesAServerRatherThanThatTheJvmsCasDoNotKnowIt() throws Exception {
        // given the guard trusting its trust store's CA beside the JVM's, and a server with a certificate of that CA
        // for another name than the one the guard asks for
        SSLContext guard = TlsStores.trusting(trustStore(ours), true);
        HttpsServer misnamed = server(TestPki.serverContext(ours.issue("otherhost", List.of("otherhost.example"),
                List.of())));
        try {
            // when the guard connects to it as localhost, over an engine and over a socket
            // then the refusal says the name does not match (the trust store's words), not that no CA is known
            assertThatThrownBy(() -> getOverAnEngine(guard, misnamed)).isInstanceOf(SSLHandshakeException.class)
                    .rootCause().hasMessageContaining("No subject alternative DNS name matching localhost");
            assertThat(handshakeOverASocket(guard, misnamed)).isFalse();
        } finally {
            misnamed.stop(0);
        }
    }

    @Test
    void shouldTrustTheJvmsCasBesideTheConfiguredOneOnlyWhenAskedOrWhenNoneIsConfigured() throws Exception {
        // given servers with a certificate of the guard's CA and of a CA among the JVM's own (javax.net.ssl.trustStore)
        HttpsServer configured = server(ours);
        HttpsServer publicServer = server(publicCa);
        HttpsServer misnamedPublic = server(TestPki.serverContext(publicCa.issue("otherhost",
                List.of("otherhost.example"), List.of())));
        SSLContext both;
        SSLContext configuredOnly;
        SSLContext jvmOnly;
        SSLContext emptyBeside;
        SSLContext.getDefault(); // the JVM's default context is made from its own CAs, before the test changes them
        String[] names = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
            "javax.net.ssl.trustStoreType"};
        String[] saved = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            saved[i] = System.getProperty(names[i]);
        }
        try {
            System.setProperty(names[0], publicCa.writeTrustStore(dir.resolve("jvm-cas.p12"), "PKCS12", "changeit")
                    .toString());
            System.setProperty(names[1], "changeit");
            System.setProperty(names[2], "PKCS12");
            // when contexts are made with the JVM's CAs and the trust store, with the trust store alone, and with
            // the JVM's CAs alone
            both = TlsStores.trusting(trustStore(ours), true);
            configuredOnly = TlsStores.trusting(trustStore(ours), false);
            jvmOnly = TlsStores.trusting(null, false);
            KeyStore empty = KeyStore.getInstance("PKCS12");
            empty.load(null, null);
            emptyBeside = TlsStores.trusting(empty, true);
        } finally {
            for (int i = 0; i < names.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(names[i]);
                } else {
                    System.setProperty(names[i], saved[i]);
                }
            }
        }
        try {
            // then each trusts the servers of the CAs it was given, and only those
            assertThat(handshakeOverASocket(both, configured)).isTrue();
            assertThat(handshakeOverASocket(both, publicServer)).isTrue();
            assertThat(handshakeOverASocket(configuredOnly, configured)).isTrue();
            assertThat(handshakeOverASocket(configuredOnly, publicServer)).isFalse();
            assertThat(handshakeOverASocket(jvmOnly, publicServer)).isTrue();
            assertThat(handshakeOverASocket(jvmOnly, configured)).isFalse();
            // and a configured store that trusts nothing, which cannot check at all, does not keep the JVM's from it
            assertThat(handshakeOverASocket(emptyBeside, publicServer)).isTrue();
            assertThat(getOverAnEngine(emptyBeside, publicServer)).isEqualTo(200);
            assertThat(handshakeOverASocket(emptyBeside, configured)).isFalse();
            // and a public CA's certificate for another name is refused in the JVM CAs' words (the name), not in the
            // trust store's, which knows no path to that CA
            assertThatThrownBy(() -> getOverAnEngine(both, misnamedPublic)).isInstanceOf(SSLHandshakeException.class)
                    .rootCause().hasMessageContaining("No subject alternative DNS name matching localhost");
        } finally {
            configured.stop(0);
            publicServer.stop(0);
            misnamedPublic.stop(0);
        }
    }

    private static KeyStore trustStore(TestPki pki) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", pki.caCertificate());
        return store;
    }

    /** An https server on loopback with a certificate for localhost that {@code pki} issued. */
    private static HttpsServer server(TestPki pki) throws Exception {
        return server(pki.localhostServerContext());
    }

    /** An https server on loopback presenting what {@code context} holds. */
    private static HttpsServer server(SSLContext context) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        return JwksEndpoint.serve(server, 200, () -> "{\"keys\":[]}", new AtomicInteger());
    }

    /** Whether a TLS handshake with {@code server}, as localhost and checking that name, succeeds over a socket. */
    private static boolean handshakeOverASocket(SSLContext client, HttpsServer server) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost",
                server.getAddress().getPort())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return true;
        } catch (SSLHandshakeException e) {
            return false;
        }
    }

    /** The status of a GET of {@code server}'s JWKS with Java's HTTP client, whose TLS runs on an engine. */
    private static int getOverAnEngine(SSLContext client, HttpsServer server) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + server.getAddress().getPort()
                + "/jwks")).build();
        return HttpClient.newBuilder().sslContext(client).build().send(request, HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }
}
