package com.lockupguard.tools.cli;

import com.lockupguard.cli.ConfigCommand;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.cli.ProduceCommand;
import com.lockupguard.cli.RunCommand;
import com.lockupguard.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar target/lockup-guard.jar <command>}: every command — the service's ({@code run},
 * {@code config}, {@code produce}) and the tools' ({@code demo}, {@code replay}, {@code broker},
 * {@code soak}, {@code bench}).
 */
@Command(name = "lockup-guard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = LockupGuardCli.DESCRIPTION,
        subcommands = {RunCommand.class, DemoCommand.class, ReplayCommand.class, ProduceCommand.class,
            BrokerCommand.class, SoakCommand.class, BenchCommand.class, ConfigCommand.class})
public final class LockupGuardTools {

    public static void main(String[] args) {
        System.exit(LockupGuardCli.execute(commandLine(), args));
    }

    public static CommandLine commandLine() {
        return LockupGuardCli.configured(new CommandLine(new LockupGuardTools()));
    }
}
