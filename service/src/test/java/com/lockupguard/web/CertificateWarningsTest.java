package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.security.TlsStores;
import com.lockupguard.security.testing.TestPki;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the start and each renewal say of the HTTP server's certificates, before clients or peers say it. */
class CertificateWarningsTest {

    @TempDir
    static Path dir;

    private static final Instant NOW = Instant.now();

    private static TestPki pki;
    private static X509TrustManager trustingTheCa;

    @BeforeAll
    static void ca() throws Exception {
        pki = TestPki.create("warnings-test-ca");
        trustingTheCa = TlsStores.trustManager(TlsStores.load(pki.writeTrustStore(dir.resolve("ca.p12"), "PKCS12",
                "t"), "t", "PKCS12"), true);
    }

    private static List<X509Certificate[]> chain(TestPki.Issued issued) {
        return List.<X509Certificate[]>of(new X509Certificate[] {issued.certificate(), issued.ca()});
    }

    private static TestPki.Issued valid(String... dnsNames) throws Exception {
        return pki.issue("guard", List.of(dnsNames), List.of("10.0.0.7"), NOW.minus(Duration.ofDays(10)),
                NOW.plus(Duration.ofDays(80)));
    }

    @Test
    void shouldSayNothingOfACertificateInItsDatesNamingTheHostAndTrusted() throws Exception {
        // given a certificate for guard-1.example.com and 10.0.0.7, of a CA the instances trust
        List<X509Certificate[]> chains = chain(valid("guard-1.example.com", "*.guards.example.com"));

        // when / then: by name, by wildcard and by address
        for (String host : List.of("guard-1.example.com", "GUARD-1.example.com", "g2.guards.example.com",
                "10.0.0.7")) {
            assertThat(CertificateWarnings.of(chains, host, trustingTheCa, NOW)).as(host).isEmpty();
        }
        assertThat(CertificateWarnings.of(chains, null, null, NOW)).isEmpty();
    }

    @Test
    void shouldWarnOfACertificateExpiredOrNotYetValid() throws Exception {
        // given
        TestPki.Issued expired = pki.issue("old", List.of("guard-1"), List.of(), NOW.minus(Duration.ofDays(90)),
                NOW.minus(Duration.ofHours(1)));
        TestPki.Issued early = pki.issue("early", List.of("guard-1"), List.of(), NOW.plus(Duration.ofHours(1)),
                NOW.plus(Duration.ofDays(90)));

        // when / then: said once each, and the trust check does not say it again
        assertThat(CertificateWarnings.of(chain(expired), "guard-1", trustingTheCa, NOW)).singleElement()
                .asString().startsWith("the certificate CN=old (DNS:guard-1) expired at ")
                .endsWith(": clients refuse it");
        assertThat(CertificateWarnings.of(chain(early), "guard-1", trustingTheCa, NOW)).singleElement()
                .asString().startsWith("the certificate CN=early (DNS:guard-1) is not valid before ");
    }

    @Test
    void shouldWarnOfACertificateDueForRenewalByTwoWeeksOrAThirdOfAShortLife() throws Exception {
        // given a 90-day certificate with 13 days left and one with 15; a 1-day one with 7 hours left and one with 9
        TestPki.Issued due = pki.issue("due", List.of("g"), List.of(), NOW.minus(Duration.ofDays(77)),
                NOW.plus(Duration.ofDays(13)));
        TestPki.Issued notDue = pki.issue("not-due", List.of("g"), List.of(), NOW.minus(Duration.ofDays(75)),
                NOW.plus(Duration.ofDays(15)));
        TestPki.Issued shortDue = pki.issue("short-due", List.of("g"), List.of(), NOW.minus(Duration.ofHours(17)),
                NOW.plus(Duration.ofHours(7)));
        TestPki.Issued shortNotDue = pki.issue("short", List.of("g"), List.of(), NOW.minus(Duration.ofHours(15)),
                NOW.plus(Duration.ofHours(9)));

        // when / then
        assertThat(CertificateWarnings.of(chain(due), "g", null, NOW)).singleElement().asString()
                .startsWith("the certificate CN=due (DNS:g) expires at ").contains("renew it");
        assertThat(CertificateWarnings.of(chain(notDue), "g", null, NOW)).isEmpty();
        assertThat(CertificateWarnings.of(chain(shortDue), "g", null, NOW)).singleElement().asString()
                .contains("renew it");
        assertThat(CertificateWarnings.of(chain(shortNotDue), "g", null, NOW)).isEmpty();
    }

    @Test
    void shouldWarnWhenNoCertificateNamesTheHostTheInstancesAskThisOneAt() throws Exception {
        // given a certificate for guard-1.example.com and 10.0.0.7
        List<X509Certificate[]> chains = chain(valid("guard-1.example.com"));

        // when / then: the short name, another address and a deeper name are not it; the names are listed
        for (String host : List.of("guard-1", "10.0.0.8", "a.guard-1.example.com")) {
            assertThat(CertificateWarnings.of(chains, host, trustingTheCa, NOW)).as(host).singleElement()
                    .isEqualTo("no certificate of the key store names " + host + ", the host the other instances "
                            + "ask this one at (http.advertised.host): they will refuse it when they forward a "
                            + "query here (the certificate CN=guard (DNS:guard-1.example.com, IP:10.0.0.7))");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // common name | DNS names | addresses | host | named, as Java's HttpClient checks it
        "a.example | b.example | | a.example | false",
        "a.example | b.example | | b.example | true",
        "guard | *.example.com | | example.com | false",
        "guard | *.example.com | | a.b.example.com | false",
        "guard | *.example.com | | A.Example.COM | true",
        "guard | w*.example.com | | web.example.com | true",
        "guard | w*.example.com | | api.example.com | false",
        "guard | guard.*.example.com | | guard.eu.example.com | true",
        "guard | *.*.example.com | | a.b.example.com | true",
        "guard | *.*.example.com | | b.example.com | false",
        "guard | * | | guard | false",
        "guard | guard-* | | guard-1 | false",
        "guard | guard.example.* | | guard.example.com | false",
        "* | | | guard | false",
        "guard | 10.0.0.5 | | 10.0.0.5 | false",
        "10.0.0.5 | | | 10.0.0.5 | false",
        "10.0.0.5 | localhost | | 10.0.0.5 | false",
        "guard | | ::1 | ::1 | true",
        "guard | | ::1 | [::1] | true",
        "guard | | 10.0.0.5 | 10.0.0.6 | false",
        "guard-1.example.com | | | guard-1.example.com | true",
        "guard-1.example.com | | | guard-2.example.com | false"})
    void shouldTellANameAsJavasHttpClientChecksIt(String commonName, String dnsNames, String addresses, String host,
            boolean named) throws Exception {
        // given (seen in a review: Jetty's matching took the common name beside DNS names, a DNS name for an address
        // and *.example.com for example.com, which the other instances' client refuses)
        TestPki.Issued issued = pki.issue(commonName, dnsNames == null ? List.of() : List.of(dnsNames),
                addresses == null ? List.of() : List.of(addresses), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(60)));

        // when / then
        assertThat(CertificateWarnings.names(issued.certificate(), host)).isEqualTo(named);
    }

    @Test
    void shouldSayTheInstancesWouldNotTrustACertificateDueForRenewalToo() throws Exception {
        // given a certificate of another CA, due for renewal
        TestPki.Issued issued = TestPki.create("another-ca").issue("guard", List.of("guard-1"), List.of(),
                NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(10)));

        // when
        List<String> warnings = CertificateWarnings.of(chain(issued), "guard-1", trustingTheCa, NOW);

        // then both are said (seen in a review: only "renew it")
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("renew it");
        assertThat(warnings.get(1)).startsWith("the other instances, trusting what this one trusts");
    }

    @Test
    void shouldMatchAnIpv6HostWrittenInBrackets() throws Exception {
        // given
        TestPki.Issued issued = pki.issue("v6", List.of(), List.of("fd42::1"), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(60)));

        // when / then
        assertThat(CertificateWarnings.of(chain(issued), "[fd42::1]", null, NOW)).isEmpty();
        assertThat(CertificateWarnings.of(chain(issued), "fd42:0:0::1", null, NOW)).isEmpty();
        assertThat(CertificateWarnings.of(chain(issued), "fd42::2", null, NOW)).hasSize(1);
    }

    @Test
    void shouldWarnWhenTheInstancesWouldNotTrustTheCertificate() throws Exception {
        // given a certificate of another CA than the one the instances trust
        TestPki other = TestPki.create("another-ca");
        TestPki.Issued issued = other.issue("guard", List.of("guard-1"), List.of(), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(60)));

        // when
        List<String> warnings = CertificateWarnings.of(chain(issued), "guard-1", trustingTheCa, NOW);

        // then
        assertThat(warnings).singleElement().asString().startsWith("the other instances, trusting what this one "
                + "trusts (the JVM's CAs and http.ssl.truststore.*), will refuse the certificate CN=guard "
                + "(DNS:guard-1) when they forward a query here: ").contains("certification path");
    }

    @Test
    void shouldBeContentWithOneKeyOfSeveralNamingTheHost() throws Exception {
        // given two keys: one for another name, one for the host
        List<X509Certificate[]> chains = List.of(chain(valid("other.example.com")).get(0),
                chain(valid("guard-1")).get(0));

        // when / then
        assertThat(CertificateWarnings.of(chains, "guard-1", trustingTheCa, NOW)).isEmpty();
    }
}
