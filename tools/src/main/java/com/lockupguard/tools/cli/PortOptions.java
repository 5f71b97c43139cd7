package com.lockupguard.tools.cli;

import com.lockupguard.tools.embedded.FreePorts;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The port options of the commands that serve something ({@code broker}, {@code demo}), checked before anything
 * starts: a port in use or out of range is a usage error (exit code 2) naming the option, rather than a server
 * failing to bind once the rest had started, with a stack trace.
 */
final class PortOptions {

    /** A port option's value for any free port. */
    static final int ANY = 0;

    private PortOptions() {
    }

    /** Refuses {@code option} unless the {@code count} ports from {@code firstPort} on are free ({@link #ANY}: any). */
    static void requireFree(CommandSpec spec, String option, int firstPort, int count) {
        if (firstPort == ANY) {
            return;
        }
        try {
            FreePorts.requireFree(firstPort, count);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + " " + firstPort + ": " + e.getMessage(), e);
        }
    }
}
