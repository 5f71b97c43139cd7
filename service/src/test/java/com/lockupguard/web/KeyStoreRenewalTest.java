package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.metrics.GuardMetrics;
import com.lockupguard.security.BearerAuthenticator;
import com.lockupguard.security.StaticToken;
import com.lockupguard.security.testing.TestPki;
import com.lockupguard.testing.CapturedLogs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server's key store renewed in place: a certificate written over the file is served from the next
 * connection on, without a restart; a file that cannot be served leaves the one served before, and says so.
 */
class KeyStoreRenewalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LOOK_EVERY = Duration.ofMillis(100);

    @TempDir
    Path dir;

    private static TestPki pki;

    private final GuardMetrics metrics = new GuardMetrics();
    private GuardWebServer server;

    @BeforeAll
    static void ca() throws Exception {
        pki = TestPki.create("renewal-test-ca");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        metrics.close();
    }

    private static TestPki.Issued localhost(String commonName, Instant notBefore, Instant notAfter) throws Exception {
        return pki.issue(commonName, List.of("localhost"), List.of("127.0.0.1"), notBefore, notAfter);
    }

    private static TestPki.Issued localhost(String commonName) throws Exception {
        Instant now = Instant.now();
        return localhost(commonName, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)));
    }

    /** Writes the key store as a deployment would: whole, then moved over the file served. */
    private void writeOver(Path served, String storePassword, TestPki.Issued issued) throws Exception {
        Path next = TestPki.writeKeyStore(dir.resolve("next.p12"), "PKCS12", storePassword, storePassword, issued);
        Files.move(next, served, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeOver(Path served, byte[] content) throws Exception {
        Path next = Files.write(dir.resolve("next.bin"), content);
        Files.move(next, served, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private int start(Path store, String advertisedHost) {
        HttpsSettings https = new HttpsSettings(store, "store-pass", null, "PKCS12", List.of("TLSv1.3", "TLSv1.2"),
                advertisedHost, null, LOOK_EVERY);
        server = new GuardWebServer(new GuardWebServer.Settings("127.0.0.1", 0, Duration.ofSeconds(1),
                new BearerAuthenticator(new StaticToken("renewal-test-token"), null, null, null), https), metrics,
                JSON);
        return server.start();
    }

    /** The certificate a new connection is served (a new client: no connection or TLS session reused). */
    private static X509Certificate served(int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext()).build();
        HttpResponse<Void> live = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
                + "/health/live")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        return (X509Certificate) live.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    private double gauge(String name) {
        Matcher value = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics.scrape());
        assertThat(value.find()).as(name).isTrue();
        return Double.parseDouble(value.group(1));
    }

    @Test
    void shouldServeAKeyStoreWrittenOverItsFileWithoutARestart() throws Exception {
        // given a server serving the certificate "first"
        Path store = TestPki.writeKeyStore(dir.resolve("server.p12"), "PKCS12", "store-pass", "store-pass",
                localhost("first"));
        int port = start(store, null);
        assertThat(served(port).getSubjectX500Principal().getName()).isEqualTo("CN=first");
        TestPki.Issued renewed = localhost("renewed");

        try (CapturedLogs logged = CapturedLogs.of(ServedKeyStore.class)) {
            // when the renewed certificate is written over the file
            writeOver(store, "store-pass", renewed);

            // then new connections are served it, and the metrics say when it expires
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(served(port)
                    .getSubjectX500Principal().getName()).isEqualTo("CN=renewed"));
            assertThat(gauge("lockup_guard_http_certificate_not_after_timestamp_seconds"))
                    .isEqualTo(renewed.certificate().getNotAfter().getTime() / 1000.0);
            assertThat(gauge("lockup_guard_http_certificate_not_before_timestamp_seconds"))
                    .isEqualTo(renewed.certificate().getNotBefore().getTime() / 1000.0);
            assertThat(gauge("lockup_guard_http_keystore_refused")).isZero();
            assertThat(logged.messagesAt(Level.INFO)).singleElement().asString()
                    .startsWith("https: serving the renewed key store " + store + ": the certificate CN=renewed");
            assertThat(logged.messagesAtLeast(Level.WARN)).isEmpty();
        }
    }

    @Test
    void shouldGoOnServingTheCertificateWhileTheFileCannotBeServed() throws Exception {
        // given a server serving "first"
        Path store = TestPki.writeKeyStore(dir.resolve("server.p12"), "PKCS12", "store-pass", "store-pass",
                localhost("first"));
        int port = start(store, null);

        try (CapturedLogs logged = CapturedLogs.of(ServedKeyStore.class)) {
            // when the file holds what is no key store, then a key store of another password
            writeOver(store, "not a key store".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge("lockup_guard_http_keystore_refused") == 1);
            Thread.sleep(LOOK_EVERY.multipliedBy(5).toMillis());
            assertThat(served(port).getSubjectX500Principal().getName()).isEqualTo("CN=first");
            writeOver(store, "other-pass", localhost("other password"));
            await().atMost(Duration.ofSeconds(10)).until(() -> logged.messagesAt(Level.WARN).size() == 2);
            Thread.sleep(LOOK_EVERY.multipliedBy(5).toMillis());

            // then "first" is served all along, each content is said to be refused once, and why
            assertThat(served(port).getSubjectX500Principal().getName()).isEqualTo("CN=first");
            assertThat(gauge("lockup_guard_http_keystore_refused")).isEqualTo(1);
            List<String> warnings = logged.messagesAt(Level.WARN);
            assertThat(warnings).hasSize(2).allSatisfy(warning -> assertThat(warning)
                    .startsWith("https: the key store " + store + " changed, but cannot be served: cannot read the "
                            + "PKCS12 store " + store + ": ")
                    .contains(". Served meanwhile: the certificate CN=first (DNS:localhost, IP:127.0.0.1), loaded at ")
                    .endsWith("; the file is looked at again every 100 ms").doesNotContain("other-pass"));
            assertThat(warnings.get(1)).contains("IOException (wrong password?)");

            // and when a key store that can be served is written, it is, and nothing is refused any more
            writeOver(store, "store-pass", localhost("renewed"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(served(port)
                    .getSubjectX500Principal().getName()).isEqualTo("CN=renewed"));
            assertThat(gauge("lockup_guard_http_keystore_refused")).isZero();
        }
    }

    @Test
    void shouldNotServeAKeyStoreOfCertificatesOutOfTheirDatesInPlaceOfOneInThem() throws Exception {
        // given a server serving "first", in its dates
        Path store = TestPki.writeKeyStore(dir.resolve("server.p12"), "PKCS12", "store-pass", "store-pass",
                localhost("first"));
        int port = start(store, null);

        try (CapturedLogs logged = CapturedLogs.of(ServedKeyStore.class)) {
            // when a key store whose certificate expired is written over it
            writeOver(store, "store-pass", localhost("expired", Instant.now().minus(Duration.ofDays(30)),
                    Instant.now().minus(Duration.ofDays(1))));
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge("lockup_guard_http_keystore_refused") == 1);

            // then "first" is still served, and the refusal says why
            assertThat(served(port).getSubjectX500Principal().getName()).isEqualTo("CN=first");
            assertThat(logged.messagesAt(Level.WARN)).singleElement().asString()
                    .contains("cannot be served: none of its certificates is valid now (the certificate "
                            + "CN=expired (DNS:localhost, IP:127.0.0.1), valid from ");
        }
    }

    @Test
    void shouldSayAtTheStartThatTheCertificateDoesNotNameTheAdvertisedHost() throws Exception {
        // given a certificate for localhost and 127.0.0.1, and an instance advertised as guard-9.example.com
        Path store = TestPki.writeKeyStore(dir.resolve("server.p12"), "PKCS12", "store-pass", "store-pass",
                localhost("first"));

        try (CapturedLogs logged = CapturedLogs.of(ServedKeyStore.class)) {
            // when
            start(store, "guard-9.example.com");

            // then
            assertThat(logged.messagesAt(Level.WARN)).containsExactly("https: no certificate of the key store names "
                    + "guard-9.example.com, the host the other instances ask this one at (http.advertised.host): "
                    + "they will refuse it when they forward a query here (the certificate CN=first "
                    + "(DNS:localhost, IP:127.0.0.1))");
        }
    }
}
