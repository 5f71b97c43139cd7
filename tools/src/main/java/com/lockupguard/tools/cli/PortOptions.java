package com.lockupguard.tools.cli;

import com.lockupguard.tools.embedded.FreePorts;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The ports a command that serves something ({@code broker}, {@code demo}) will listen on, checked before anything
 * starts: a port in use, out of range, or given to two of its servers is a usage error (exit code 2) naming the
 * option, rather than a server failing to bind once the rest had started, with a stack trace.
 */
final class PortOptions {

    private final CommandSpec spec;
    private final Map<Integer, String> taken = new HashMap<>();

    PortOptions(CommandSpec spec) {
        this.spec = spec;
    }

    /**
     * Refuses {@code option} unless the {@code count} ports of {@code host} from {@code firstPort} on are free
     * ({@link FreePorts#ANY}: any free port, nothing to check) and none was given to another option.
     */
    PortOptions require(String option, String host, int firstPort, int count) {
        if (firstPort == FreePorts.ANY) {
            return this;
        }
        try {
            FreePorts.requireFree(host, firstPort, count);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + " " + firstPort + ": " + e.getMessage(), e);
        }
        for (int port = firstPort; port < firstPort + count; port++) {
            String other = taken.putIfAbsent(port, option);
            if (other != null) {
                throw new ParameterException(spec.commandLine(), option + " " + firstPort + ": port " + port
                        + " is given to " + other + " too");
            }
        }
        return this;
    }
}
