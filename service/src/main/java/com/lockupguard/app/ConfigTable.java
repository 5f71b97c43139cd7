package com.lockupguard.app;

import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/** The guard's settings as a Markdown table, generated from their one definition. */
public final class ConfigTable {

    private ConfigTable() {
    }

    public static String markdown(ConfigDef definition) {
        StringBuilder table = new StringBuilder("| setting | default | valid values | what it does |\n|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
            table.append("| `").append(key.name).append("` | ")
                    .append(defaultOf(key)).append(" | ")
                    .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
                    .append(escape(key.documentation)).append(" |\n");
        }
        return table.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return ShownSettings.UNSET;
        }
        if (value instanceof java.util.List<?> list) {
            value = list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        String text = String.valueOf(value);
        if (text.startsWith(System.getProperty("java.io.tmpdir"))) {
            text = "${java.io.tmpdir}" + text.substring(System.getProperty("java.io.tmpdir").length());
        }
        return "`" + text + "`";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
