package com.lockupguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar lockup-guard.jar <command>}: the guard's command line. */
@Command(name = "lockup-guard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Stops an investor from selling restricted shares faster than their lock-up / leak-out "
                + "agreement allows: a Kafka Streams pre-trade check.",
        subcommands = {RunCommand.class, DemoCommand.class, ReplayCommand.class, ProduceCommand.class, BrokerCommand.class,
            SoakCommand.class, BenchCommand.class,
            ConfigCommand.class})
public final class LockupGuardCli {

    /** Exit code when some input lines could not be read. */
    public static final int EXIT_UNREADABLE_INPUT = 1;
    /** Exit code for a usage or I/O error. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when nothing was sent because the target topics would delete or refuse some of it. */
    public static final int EXIT_REFUSED = 3;

    public static void main(String[] args) {
        CommandLine commandLine = commandLine();
        int exitCode = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }

    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LockupGuardCli());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }
}
