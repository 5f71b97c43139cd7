package com.lockupguard.web;

import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.util.ssl.X509;

/**
 * What clients and the other instances will say of the certificates a key store serves, told before they say it:
 * a certificate expired or not yet valid, one due for renewal, none naming the host the other instances ask this
 * one at, or none they would trust.
 */
final class CertificateWarnings {

    /**
     * The most a certificate may have left before it is said to be due for renewal; a short-lived one, a third of
     * its life (when cert-manager renews by default).
     */
    static final Duration DUE = Duration.ofDays(14);

    private CertificateWarnings() {
    }

    /**
     * The warnings for the certificate chains of a key store's private keys.
     *
     * @param host the host the other instances ask this one at; null: not checked
     * @param trust what the other instances trust; null: not checked
     */
    static List<String> of(List<X509Certificate[]> chains, String host, X509TrustManager trust, Instant now) {
        List<String> warnings = new ArrayList<>();
        List<X509Certificate[]> valid = new ArrayList<>();
        for (X509Certificate[] chain : chains) {
            String validity = validity(chain[0], now);
            if (validity == null) {
                valid.add(chain);
            } else {
                warnings.add(validity);
            }
        }
        List<X509Certificate[]> named = host == null ? chains : chains.stream()
                .filter(chain -> names(chain[0], host)).toList();
        if (host != null && named.isEmpty()) {
            warnings.add("no certificate of the key store names " + host + ", the host the other instances ask "
                    + "this one at (http.advertised.host): they will refuse it when they forward a query here ("
                    + String.join("; ", chains.stream().map(chain -> describe(chain[0])).toList()) + ")");
        }
        List<X509Certificate[]> checked = (named.isEmpty() ? chains : named).stream().filter(valid::contains)
                .toList();
        if (trust != null && !checked.isEmpty()) {
            String refusal = refusal(checked, trust);
            if (refusal != null) {
                warnings.add("the other instances, trusting what this one trusts (the JVM's CAs and "
                        + "http.ssl.truststore.*), will refuse " + describe(checked.get(0)[0])
                        + " when they forward a query here: " + refusal);
            }
        }
        return warnings;
    }

    /** What is wrong with {@code certificate}'s dates now; null: nothing. */
    private static String validity(X509Certificate certificate, Instant now) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            return describe(certificate) + " is not valid before " + notBefore + ": clients refuse it until then";
        }
        if (now.isAfter(notAfter)) {
            return describe(certificate) + " expired at " + notAfter + ": clients refuse it";
        }
        Duration life = Duration.between(notBefore, notAfter);
        Duration due = life.dividedBy(3).compareTo(DUE) < 0 ? life.dividedBy(3) : DUE;
        if (Duration.between(now, notAfter).compareTo(due) < 0) {
            return describe(certificate) + " expires at " + notAfter + ": renew it (a key store written over "
                    + "http.ssl.keystore.location is served without a restart)";
        }
        return null;
    }

    /** Whether {@code certificate} names {@code host} as a client checks it (a wildcard, an address). */
    private static boolean names(X509Certificate certificate, String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new X509(null, certificate).matches(bare);
    }

    /** The first chain's refusal, when {@code trust} trusts none of them; null: it trusts one. */
    private static String refusal(List<X509Certificate[]> chains, X509TrustManager trust) {
        String first = null;
        for (X509Certificate[] chain : chains) {
            try {
                // the key exchange TLS 1.3 and the ECDHE suites use: a key that signs
                trust.checkServerTrusted(chain, "UNKNOWN");
                return null;
            } catch (CertificateException | RuntimeException e) {
                if (first == null) {
                    first = String.valueOf(e.getMessage());
                }
            }
        }
        return first;
    }

    /** The certificate's subject and the names it is valid for. */
    static String describe(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    Object type = name.get(0);
                    if (Integer.valueOf(2).equals(type)) {
                        names.add("DNS:" + name.get(1));
                    } else if (Integer.valueOf(7).equals(type)) {
                        names.add("IP:" + name.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            names.add("names unreadable");
        }
        return "the certificate " + certificate.getSubjectX500Principal().getName()
                + (names.isEmpty() ? " (no subject alternative name)" : " (" + String.join(", ", names) + ")");
    }
}
