package com.lockupguard.app;

import com.lockupguard.registry.RegistryClientConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings a guard runs with, as {@code config --check} prints them and {@code run} logs them at start: every
 * setting of the guard, its default applied, every other setting given (Kafka Streams' and its clients', whose own
 * defaults are not shown), and those the guard gives Kafka Streams unless told otherwise ({@code topic.segment.bytes}
 * of the changelogs, ...), all sorted by name, secrets hidden, and the value of a setting none of them knows; a setting
 * without a value is shown {@value #UNSET}.
 */
public final class ShownSettings {

    /** A setting without a value, as the settings table in docs/OPERATIONS.md shows it too. */
    static final String UNSET = "(unset)";
    /** A secret set to nothing: shown so, rather than as a secret hidden. */
    static final String EMPTY_SECRET = "(empty)";

    /** Where a setting's type is declared: the guard's, Kafka Streams' and its clients' (SSL and SASL) settings. */
    private static final List<ConfigDef> DEFINITIONS = List.of(GuardConfig.definition(), StreamsConfig.configDef(),
            ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef());

    private ShownSettings() {
    }

    /** {@code config}'s settings by name, each value as it may be shown. */
    public static Map<String, String> of(GuardConfig config) {
        Map<String, Object> resolved = new TreeMap<>(config.values());
        config.originalStrings().forEach(resolved::putIfAbsent);
        config.streamsProperties().forEach((key, value) -> resolved.putIfAbsent((String) key, value));
        Map<String, String> shown = new TreeMap<>();
        resolved.forEach((key, value) -> shown.put(key, shown(key, value)));
        // a setting no one knows is most likely misspelt, and a misspelt secret (ssl.keystore.pasword,
        // sasl.jass.config) has a name that does not say it is one: shown by its name, the list of them says which
        ClientSettings.unknown(config).forEach(key -> shown.computeIfPresent(key, (name, value) ->
                UNSET.equals(value) || EMPTY_SECRET.equals(value) ? value : RegistryClientConfig.HIDDEN));
        return shown;
    }

    /**
     * Secrets hidden: every PASSWORD-typed setting of the guard or of Kafka's clients (also under a prefix such as
     * {@code producer.}: {@code ssl.keystore.key} is a private key), any setting whose name says it holds one, and
     * the credentials of any URL in any other value ({@code schema.registry.url=https://user:password@host}, a
     * list of them, the same under a prefix): shown without them, as the registry client logs its URLs.
     */
    static String shown(String key, Object value) {
        if (value == null) {
            // "null" would read as a value, and "[hidden]" as a secret that is set
            return UNSET;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        // where a secret comes from, and a token's endpoint (its URL's credentials hidden below), are none
        boolean namesASecretsPlace = lower.endsWith("credentials.source") || lower.endsWith("token.endpoint.url");
        boolean secret = value instanceof Password || definedAsPassword(key)
                || !namesASecretsPlace && (lower.contains("password") || lower.contains("secret")
                        || lower.contains("jaas") || lower.contains("user.info") || lower.contains("token")
                        || lower.contains("credential"));
        if (!secret) {
            return RegistryClientConfig.quoted(String.valueOf(value));
        }
        String text = value instanceof Password password ? password.value() : String.valueOf(value);
        return text == null || text.isEmpty() ? EMPTY_SECRET : RegistryClientConfig.HIDDEN;
    }

    private static boolean definedAsPassword(String key) {
        for (String name = key; ; name = name.substring(name.indexOf('.') + 1)) {
            for (ConfigDef definition : DEFINITIONS) {
                ConfigDef.ConfigKey defined = definition.configKeys().get(name);
                if (defined != null && defined.type == ConfigDef.Type.PASSWORD) {
                    return true;
                }
            }
            if (name.indexOf('.') < 0) {
                return false;
            }
        }
    }
}
