package com.lockupguard.it;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/** {@code lockup-guard config --check} with a guard's settings, as an operator runs it before a start. */
final class ConfigCheck {

    private ConfigCheck() {
    }

    /** Its exit code; what it printed goes to {@code out}. */
    static int run(Map<String, String> settings, StringWriter out) {
        return GuardCommand.run(List.of("config", "--check"), settings, out, new StringWriter());
    }
}
