package com.lockupguard.tools.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** A command of the jar run in this JVM, its standard output and error captured. */
final class CapturedCommand {

    private CapturedCommand() {
    }

    /** Runs {@code args} as {@code java -jar lockup-guard.jar} would, writing into {@code out} and {@code err}. */
    static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine commandLine = LockupGuardTools.commandLineFor(args);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return commandLine.execute(args);
    }
}
