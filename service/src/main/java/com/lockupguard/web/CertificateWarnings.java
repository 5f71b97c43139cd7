package com.lockupguard.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.X509TrustManager;

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
            if (validity != null) {
                warnings.add(validity);
            }
            // one due for renewal is in its dates: what else is said of it is said too (seen in a review)
            if (inDates(chain[0], now)) {
                valid.add(chain);
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

    static boolean inDates(X509Certificate certificate, Instant now) {
        return !now.isBefore(certificate.getNotBefore().toInstant())
                && !now.isAfter(certificate.getNotAfter().toInstant());
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

    /**
     * Whether {@code certificate} names {@code host} as Java's HTTP client checks it (RFC 2818), which is how the other
     * instances ask this one: an address only by an IP address among its subject alternative names; a name by its DNS
     * names, or by its subject's most specific common name when it has none, a wildcard standing for letters within
     * one label. Jetty's own matching takes the common name beside the DNS names, a DNS name for an address, and
     * *.example.com for example.com, all of which the client refuses (seen in a review). Not followed: the client's
     * conversion of international names to punycode, and its refusal of a public suffix's wildcard (*.com) under a
     * public CA.
     */
    static boolean names(X509Certificate certificate, String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<List<?>> alternatives = alternativeNames(certificate);
        if (isAddress(bare)) {
            InetAddress address = address(bare);
            return address != null && alternatives.stream().anyMatch(name -> Integer.valueOf(IP_ADDRESS).equals(
                    name.get(0)) && address.equals(address(String.valueOf(name.get(1)))));
        }
        List<String> dnsNames = alternatives.stream().filter(name -> Integer.valueOf(DNS_NAME).equals(name.get(0)))
                .map(name -> String.valueOf(name.get(1))).toList();
        if (!dnsNames.isEmpty()) {
            return dnsNames.stream().anyMatch(name -> matches(bare, name));
        }
        String commonName = mostSpecificCommonName(certificate);
        return commonName != null && matches(bare, commonName);
    }

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private static boolean isAddress(String host) {
        return IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
    }

    /** The address a literal names; null for one that is not an address (it is never looked up). */
    private static InetAddress address(String literal) {
        if (!isAddress(literal)) {
            return null;
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Whether {@code host} is {@code template}, in any case, label by label, a '*' standing for any letters within its
     * label (RFC 2818, as the JDK's check for HTTPS takes it: in any label, not the leftmost alone).
     */
    private static boolean matches(String host, String template) {
        // as the JDK refuses a wildcard it finds too broad: '*' or '*.' alone, or one with no '.' after its last '*'
        // (guard-*, guard.example.*): such a name names nothing (seen in a review)
        int lastWildcard = template.lastIndexOf('*');
        if (template.equals("*") || template.equals("*.")
                || lastWildcard >= 0 && template.indexOf('.', lastWildcard) < 0) {
            return false;
        }
        String[] name = host.toLowerCase(Locale.ROOT).split("\\.", -1);
        String[] pattern = template.toLowerCase(Locale.ROOT).split("\\.", -1);
        if (name.length != pattern.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            String label = Pattern.quote(pattern[i]).replace("*", "\\E[^.]*\\Q");
            if (!name[i].matches(label)) {
                return false;
            }
        }
        return true;
    }

    private static String mostSpecificCommonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
            // in the order of the name read backwards: the most specific last
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdns.get(i).getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    private static List<List<?>> alternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : List.copyOf(names);
        } catch (CertificateParsingException e) {
            return List.of();
        }
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
                    if (Integer.valueOf(DNS_NAME).equals(type)) {
                        names.add("DNS:" + name.get(1));
                    } else if (Integer.valueOf(IP_ADDRESS).equals(type)) {
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
