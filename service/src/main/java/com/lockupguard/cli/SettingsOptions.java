package com.lockupguard.cli;

import com.lockupguard.app.ClientSettings;
import com.lockupguard.app.ConfigSources;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.SchemaRegistryClients;
import com.lockupguard.timeline.OneLine;
import com.lockupguard.timeline.TimelineInput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

/**
 * The options every command that takes the guard's configuration shares ({@code run}, {@code produce},
 * {@code config}, {@code schemas}): a properties file and {@code --set} overrides, on top of the defaults and the
 * {@code LOCKUP_GUARD_*} environment ({@link ConfigSources}).
 */
final class SettingsOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file.")
    private Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A setting, overriding all others.")
    private Map<String, String> overrides = new LinkedHashMap<>();

    /**
     * The settings: the file's, then the environment's, then {@code --set}'s; a file that cannot be read is named,
     * with why (its exception's message alone is the bare path).
     */
    Map<String, String> load() throws IOException {
        Map<String, String> named = new LinkedHashMap<>();
        overrides.forEach((name, value) -> {
            if (name.isBlank()) {
                // picocli takes --set =x as a setting of no name, which no client knows: said, not warned of as unknown
                throw new ConfigException("--set " + name + "=...: the setting's name is missing (--set name=value)");
            }
            // as a file's names are read: "--set ' topics.partitions=3'" was warned of as unknown, and the topics
            // created with the default partitions for good (seen in a review)
            named.put(name.trim(), value);
        });
        try {
            return ConfigSources.load(configFile, System.getenv(), named);
        } catch (IOException e) {
            throw new IOException("cannot read " + OneLine.of(configFile.toString()) + ": " + TimelineInput.describe(e),
                    e);
        }
    }

    /**
     * Warns on {@code err} of the settings neither the guard nor Kafka's clients know, as {@code run} logs them: a
     * misspelt {@code comit.interval.ms} would otherwise be without effect without a word. (One under the guard's own
     * names, a misspelt {@code topics.orders}, is refused before: {@code ClientSettings.check}.)
     */
    static void warnOfUnknown(GuardConfig config, PrintWriter err) {
        Set<String> unknown = ClientSettings.unknown(config);
        if (!unknown.isEmpty()) {
            err.println("warning: settings neither the guard nor Kafka's clients know, so without effect (misspelt?): "
                    + String.join(", ", unknown));
        }
    }

    /**
     * Warns on {@code err} that a {@code mock://} registry is one in this process alone, where the command's records
     * are read or written by a guard in another: {@code consequence} says what follows.
     */
    static void warnOfInProcessRegistry(GuardConfig config, PrintWriter err, String consequence) {
        String url = config.getString(GuardConfig.SCHEMA_REGISTRY_URL_CONFIG);
        if (url.startsWith(SchemaRegistryClients.MOCK_SCHEME)) {
            err.println("warning: schema.registry.url=" + OneLine.of(url) + " is an in-memory registry in this "
                    + "process alone (for tests and replay): " + consequence + "; give the guard's registry's URL");
        }
    }

    /**
     * A setting a command's own {@code option} gives, as if by {@code --set}; refused when {@code --set} gives it
     * otherwise (seen in a review: --http-port silently beat --set http.port, which says it overrides all others).
     */
    void override(String option, String name, String value) {
        overrides.forEach((given, was) -> {
            if (given.trim().equals(name) && !was.trim().equals(value.trim())) {
                throw new ConfigException(option + " " + value + " and --set " + name + "=" + was
                        + " disagree: give one of them");
            }
        });
        overrides.put(name, value);
    }

    /** Whether a file or any {@code --set} was given. */
    boolean given() {
        return configFile != null || !overrides.isEmpty();
    }
}
