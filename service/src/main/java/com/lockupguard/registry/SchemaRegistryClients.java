package com.lockupguard.registry;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/** Picks the registry client a {@code schema.registry.url} asks for. */
public final class SchemaRegistryClients {

    public static final String MOCK_SCHEME = "mock://";

    private SchemaRegistryClients() {
    }

    /**
     * The client for {@code schema.registry.url} in {@code configs}: {@code mock://<scope>} is
     * the in-memory registry of that scope; http(s) URLs (comma-separated) a REST client.
     */
    public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
        String value = checkedUrl(configs);
        if (value.startsWith(MOCK_SCHEME)) {
            return InMemorySchemaRegistry.scope(value.substring(MOCK_SCHEME.length()));
        }
        return new HttpSchemaRegistryClient(configs);
    }

    /** Throws the {@link ConfigException} {@link #fromConfig} would throw for {@code configs}, without a client. */
    public static void check(Map<String, ?> configs) {
        if (!checkedUrl(configs).startsWith(MOCK_SCHEME)) {
            HttpSchemaRegistryClient.checked(configs);
        }
    }

    /** The registry's URL setting as one string, refused when it is missing or no registry's. */
    private static String checkedUrl(Map<String, ?> configs) {
        Object url = configs.get(RegistryClientConfig.URL);
        // a list, as Confluent's serdes declare the setting, or a comma-separated string
        String value = url instanceof Collection<?> urls
                ? urls.stream().map(String::valueOf).collect(Collectors.joining(","))
                : url == null ? "" : url.toString().trim();
        if (value.isBlank()) {
            throw new ConfigException(RegistryClientConfig.URL, url, "a schema registry URL is required, e.g. "
                    + "http://localhost:8081 (or mock://<scope> for an in-memory registry in tests)");
        }
        String scheme = value.toLowerCase(Locale.ROOT); // http's and https' in any case, as URLs take them
        if (value.startsWith(MOCK_SCHEME) || scheme.startsWith("http://") || scheme.startsWith("https://")) {
            return value;
        }
        throw new ConfigException(RegistryClientConfig.URL, RegistryClientConfig.quoted(value),
                "a schema registry URL starts with http://, https:// or mock://");
    }
}
