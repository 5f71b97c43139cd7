package com.lockupguard.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where settings come from, later ones winning: the guard's defaults, a properties file, then
 * environment variables, then command-line {@code --set key=value}.
 *
 * <p>An environment variable {@code LOCKUP_GUARD_<NAME>} sets {@code <name>}: the prefix is
 * dropped, the rest lower-cased, {@code _} becomes {@code .}, {@code __} becomes {@code _} and
 * {@code ___} becomes {@code -} (the convention of Confluent's images). So
 * {@code LOCKUP_GUARD_BOOTSTRAP_SERVERS} is {@code bootstrap.servers} and
 * {@code LOCKUP_GUARD_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}. {@code LOCKUP_GUARD_LOG_LEVEL} is the one
 * exception: it is the log level, read by the logging set-up.
 */
public final class ConfigSources {

    public static final String ENV_PREFIX = "LOCKUP_GUARD_";
    /** The level of the guard's own loggers: read by the logging set-up, not a setting of the guard or of Kafka. */
    public static final String LOG_LEVEL_VARIABLE = ENV_PREFIX + "LOG_LEVEL";

    private ConfigSources() {
    }

    public static Map<String, String> load(Path file, Map<String, String> environment, Map<String, String> overrides)
            throws IOException {
        Map<String, String> settings = new HashMap<>();
        if (file != null) {
            settings.putAll(readProperties(file));
        }
        settings.putAll(fromEnvironment(environment));
        settings.putAll(overrides);
        return settings;
    }

    public static Map<String, String> readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a properties file: " + e.getMessage(), e); // a malformed Unicode escape
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name).trim()));
        return settings;
    }

    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> settings = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && !name.equals(LOG_LEVEL_VARIABLE)) {
                settings.put(settingName(name.substring(ENV_PREFIX.length())), value);
            }
        });
        return settings;
    }

    /** {@code SCHEMA_REGISTRY_URL} to {@code schema.registry.url}; {@code __} to {@code _}; {@code ___} to {@code -}. */
    static String settingName(String variable) {
        return variable.toLowerCase(Locale.ROOT)
                .replace("___", "\u0001")
                .replace("__", "\u0002")
                .replace('_', '.')
                .replace('\u0001', '-')
                .replace('\u0002', '_');
    }
}
