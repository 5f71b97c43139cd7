package com.lockupguard.app;

import com.lockupguard.registry.RegistryClientConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings under which a secret of the guard's goes to another machine in clear, or a broker is not checked to be the
 * one named: {@code run} warns of each at start, and {@code config --check} says them. The HTTP API's own are
 * {@link HttpSecurity}'s. A host is this machine when written as one (localhost, 127.0.0.0/8, ::1): no name is looked
 * up.
 */
public final class CredentialsInClear {

    /** The guard's Kafka clients: every one ("") and each by the prefix that gives it a setting of its own. */
    private static final List<String> CLIENTS = Stream.concat(Stream.of(""),
            ClientSettings.CLIENT_PREFIXES.stream()).toList();
    /** SASL mechanisms that send the secret itself, not a proof of it. */
    private static final Set<String> SECRET_SENDING_MECHANISMS = Set.of("PLAIN", "OAUTHBEARER");

    private CredentialsInClear() {
    }

    /** One sentence per such setting; none where there is none. */
    public static List<String> of(GuardConfig config) {
        List<String> warnings = new ArrayList<>();
        registry(config, warnings);
        kafka(config, warnings);
        return warnings;
    }

    private static void registry(GuardConfig config, List<String> warnings) {
        RegistryClientConfig registry = new RegistryClientConfig(config.serdeConfig());
        for (String url : registry.urls()) {
            URI uri;
            String credentials;
            try {
                uri = URI.create(url);
                credentials = registry.bearerToken() != null ? "bearer.auth.token"
                        : registry.userInfo(url) != null ? "its user and password" : null;
            } catch (IllegalArgumentException | ConfigException refused) {
                continue; // refused, and said so, by the check of the settings
            }
            if (credentials != null && "http".equalsIgnoreCase(uri.getScheme()) && !isThisMachine(uri.getHost())) {
                warnings.add("schema.registry.url " + RegistryClientConfig.shown(url) + " is plain http to another "
                        + "machine: the registry's credentials (" + credentials + ") cross the network in clear. "
                        + "Use https");
            }
        }
    }

    private static void kafka(GuardConfig config, List<String> warnings) {
        boolean remote = config.getList(GuardConfig.BOOTSTRAP_SERVERS_CONFIG).stream()
                .anyMatch(server -> !isThisMachine(hostOf(server)));
        Set<String> said = new LinkedHashSet<>();
        for (String client : CLIENTS) {
            // each client of the guard as it takes its settings: its own prefix first, then the plain setting
            String protocolName = given(config, client, CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
            String protocol = value(config, protocolName, "PLAINTEXT");
            String mechanismName = given(config, client, SaslConfigs.SASL_MECHANISM);
            String mechanism = value(config, mechanismName, SaslConfigs.DEFAULT_SASL_MECHANISM);
            if (remote && "SASL_PLAINTEXT".equals(protocol) && SECRET_SENDING_MECHANISMS.contains(mechanism)) {
                said.add(protocolName + "=SASL_PLAINTEXT with " + mechanismName + "=" + mechanism + " sends the "
                        + (mechanism.equals("PLAIN") ? "password" : "token") + " to the brokers in clear, and "
                        + "bootstrap.servers names another machine. Use SASL_SSL");
            }
            String identificationName = given(config, client, SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG);
            Object identification = identificationName == null ? null : config.originals().get(identificationName);
            if (protocol.endsWith("SSL") && identification != null && String.valueOf(identification).isBlank()) {
                said.add(identificationName + " is empty: the brokers' certificates are not checked against their "
                        + "names, so whoever holds any certificate the trusted CAs signed can pose as a broker"
                        + (protocol.startsWith("SASL") ? " and be sent the guard's login" : "")
                        + ". Leave it out (https)");
            }
        }
        warnings.addAll(said);
    }

    /**
     * The name under which {@code client} (a prefix, or none) is given {@code setting}: its own, a consumer's for
     * one of Kafka Streams' consumers, or the plain one; null where none is given.
     */
    private static String given(GuardConfig config, String client, String setting) {
        List<String> names = new ArrayList<>();
        names.add(client + setting);
        if (client.endsWith(StreamsConfig.CONSUMER_PREFIX) && !client.equals(StreamsConfig.CONSUMER_PREFIX)) {
            names.add(StreamsConfig.CONSUMER_PREFIX + setting);
        }
        names.add(setting);
        return names.stream().filter(config.originals()::containsKey).findFirst().orElse(null);
    }

    private static String value(GuardConfig config, String name, String fallback) {
        Object value = name == null ? null : config.originals().get(name);
        return value == null || String.valueOf(value).isBlank() ? fallback
                : String.valueOf(value).trim().toUpperCase(Locale.ROOT);
    }

    /** The host of a {@code host:port} of bootstrap.servers ({@code [::1]:9092} too). */
    static String hostOf(String server) {
        String trimmed = server.trim();
        if (trimmed.startsWith("[")) {
            int end = trimmed.indexOf(']');
            return end < 0 ? trimmed : trimmed.substring(1, end);
        }
        int colon = trimmed.lastIndexOf(':');
        return colon < 0 ? trimmed : trimmed.substring(0, colon);
    }

    /** Whether {@code host} is written as this machine: localhost, an address of 127.0.0.0/8, or ::1. */
    static boolean isThisMachine(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.toLowerCase(Locale.ROOT);
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        return bare.equals("localhost") || bare.matches("127(\\.\\d{1,3}){3}")
                || bare.matches("(0{0,4}:){2,7}0{0,3}1");
    }
}
