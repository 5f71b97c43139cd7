package com.lockupguard.app;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(ConfigSources.class);

    public static final String ENV_PREFIX = "LOCKUP_GUARD_";
    /** The level of the guard's own loggers: read by the logging set-up, not a setting of the guard or of Kafka. */
    public static final String LOG_LEVEL_VARIABLE = ENV_PREFIX + "LOG_LEVEL";

    /**
     * What Kubernetes gives every pod for each Service ({@code LOCKUP_GUARD_HTTP_PORT=tcp://10.96.0.12:8080} for one
     * named {@code lockup-guard-http}): a service link, never a setting's value.
     */
    private static final Pattern SERVICE_LINK = Pattern.compile("(tcp|udp|sctp)://[^\\s/]+:[0-9]+");

    private ConfigSources() {
    }

    /**
     * The settings: {@code file}'s, then the environment's, then {@code overrides}. A setting the file gives and the
     * environment gives otherwise is logged (its name and the variable, not the values, which may be secrets): an
     * image's own variable (the guard's sets {@code LOCKUP_GUARD_STATE_DIR}) would otherwise beat the file in silence.
     */
    public static Map<String, String> load(Path file, Map<String, String> environment, Map<String, String> overrides)
            throws IOException {
        Map<String, String> settings = new HashMap<>();
        if (file != null) {
            settings.putAll(readProperties(file));
        }
        Map<String, String> fromEnvironment = fromEnvironment(environment, overrides.keySet());
        fromEnvironment.forEach((name, value) -> {
            String inFile = settings.get(name);
            if (inFile != null && !inFile.equals(value.trim()) && !overrides.containsKey(name)) {
                LOG.warn("{} in {} is overridden by the environment's {} (the environment comes after the file, and "
                        + "--set after both)", name, file, variableOf(name, environment));
            }
        });
        settings.putAll(fromEnvironment);
        settings.putAll(overrides);
        return settings;
    }

    /** The variable of {@code environment} that gives {@code setting}. */
    private static String variableOf(String setting, Map<String, String> environment) {
        return environment.keySet().stream().filter(name -> name.startsWith(ENV_PREFIX)
                && settingName(name.substring(ENV_PREFIX.length())).equals(setting)).sorted().findFirst()
                .orElse(ENV_PREFIX + setting);
    }

    /**
     * A properties file as Java's own resource bundles read one: UTF-8, or, when its bytes are not UTF-8, ISO-8859-1,
     * the encoding Kafka's tools read a {@code --command-config} file in ({@code java.util.Properties}' own). A file
     * written for those, with a Latin-1 {@code é} in a password, means there what it means here (the fallback is
     * logged). A UTF-8 byte order mark at the start is dropped, so that the first setting keeps its name; a file with
     * NUL bytes (UTF-16) is refused rather than read as settings no one knows.
     */
    public static Map<String, String> readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = new StringReader(text(file, Files.readAllBytes(file)))) {
            properties.load(reader);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a properties file: " + e.getMessage(), e); // a malformed Unicode escape
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name).trim()));
        return settings;
    }

    private static String text(Path file, byte[] bytes) throws IOException {
        for (byte b : bytes) {
            if (b == 0) {
                // UTF-16 (Notepad's "Unicode"), read as Latin-1, would be settings with NULs in their names, unknown
                throw new IOException("not a properties file: it holds NUL bytes (UTF-16?); save it as UTF-8");
            }
        }
        int start = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF
                ? 3 : 0; // UTF-8's byte order mark, which is no part of the first setting's name
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
        } catch (CharacterCodingException e) {
            // said, since a file meant as UTF-8 with one stray byte would have its other non-ASCII letters misread
            LOG.warn("{} is not UTF-8: read as ISO-8859-1, as Kafka's tools read a properties file", file);
            return new String(bytes, start, bytes.length - start, StandardCharsets.ISO_8859_1);
        }
    }

    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        return fromEnvironment(environment, Set.of());
    }

    /**
     * The settings the environment gives; two variables giving one setting otherwise are refused, but for a setting
     * {@code overridden} gives (--set's, which win over both).
     */
    static Map<String, String> fromEnvironment(Map<String, String> environment, Set<String> overridden) {
        Map<String, String> settings = new HashMap<>();
        Map<String, String> variables = new HashMap<>();
        new java.util.TreeMap<>(environment).forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && !name.equals(LOG_LEVEL_VARIABLE)) {
                if (name.contains("_PORT") && SERVICE_LINK.matcher(value).matches()) {
                    // read as a setting it could be one the guard has (http.port), and refused: the guard would not
                    // start because of a Service's name
                    LOG.warn("{} is a Kubernetes service link, not a setting: ignored (enableServiceLinks: false "
                            + "leaves them out)", name);
                } else {
                    String setting = settingName(name.substring(ENV_PREFIX.length()));
                    String other = variables.put(setting, name);
                    if (other != null && !settings.get(setting).equals(value) && !overridden.contains(setting)) {
                        // which one the guard took would hang on the order of a hash map (seen in a review)
                        throw new ConfigException(other + " and " + name + " both give " + setting
                                + ", with different values: unset one of them");
                    }
                    settings.put(setting, value);
                }
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
