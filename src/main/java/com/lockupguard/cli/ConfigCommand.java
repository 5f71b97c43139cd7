package com.lockupguard.cli;

import com.lockupguard.app.ConfigSources;
import com.lockupguard.app.ConfigTable;
import com.lockupguard.app.GuardConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code config}: the guard's settings, or the settings a given configuration resolves to. */
@Command(name = "config",
        mixinStandardHelpOptions = true,
        description = "Prints the guard's settings as a Markdown table; with --config/--set/--check, validates "
                + "a configuration and prints what it resolves to (secrets masked).")
final class ConfigCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file to resolve.")
    private Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A setting, overriding all others.")
    private Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--check", description = "Resolve defaults, file, environment and --set, and validate.")
    private boolean check;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (configFile == null && overrides.isEmpty() && !check) {
            spec.commandLine().getOut().print(ConfigTable.markdown(GuardConfig.definition()));
            return 0;
        }
        try {
            GuardConfig config = new GuardConfig(ConfigSources.load(configFile, System.getenv(), overrides));
            Map<String, Object> resolved = new TreeMap<>(config.values());
            config.originalStrings().forEach(resolved::putIfAbsent);
            resolved.forEach((key, value) -> spec.commandLine().getOut().println(key + "=" + masked(key, value)));
            return 0;
        } catch (ConfigException | IOException e) {
            spec.commandLine().getErr().println("configuration error: " + e.getMessage());
            return LockupGuardCli.EXIT_USAGE;
        }
    }

    private static String masked(String key, Object value) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        boolean secret = lower.contains("password") || lower.contains("secret") || lower.contains("jaas")
                || lower.contains("user.info") || lower.contains("token");
        return secret ? "[hidden]" : String.valueOf(value);
    }
}
