package com.lockupguard.tools.cli;

import com.lockupguard.cli.ConfigCommand;
import com.lockupguard.cli.ExportCommand;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.cli.ProduceCommand;
import com.lockupguard.cli.RunCommand;
import com.lockupguard.cli.SchemasCommand;
import com.lockupguard.cli.VersionProvider;
import com.lockupguard.serde.GeneratedClassTrust;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code java -jar target/lockup-guard.jar <command>}: every command — the service's ({@code run},
 * {@code config}, {@code schemas}, {@code produce}) and the tools' ({@code demo}, {@code replay}, {@code broker},
 * {@code soak}, {@code bench}, {@code timeline}).
 */
@Command(name = LockupGuardTools.NAME,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = LockupGuardCli.DESCRIPTION,
        subcommands = {RunCommand.class, DemoCommand.class, ReplayCommand.class, ProduceCommand.class,
            ExportCommand.class, BrokerCommand.class, SoakCommand.class, BenchCommand.class, TimelineCommand.class,
            ConfigCommand.class, SchemasCommand.class, HelpCommand.class})
public final class LockupGuardTools {

    static final String NAME = "lockup-guard";

    public static void main(String[] args) {
        Optional<List<String>> replayJvm = ReplayJvm.childCommand(args);
        if (replayJvm.isPresent()) {
            try {
                System.exit(ReplayJvm.run(replayJvm.get()));
            } catch (IOException e) {
                // no second JVM to be had: the replay runs here, as a small one does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                System.exit(LockupGuardCli.EXIT_USAGE);
            }
        }
        ReplayJvm.stopWithParent();
        GeneratedClassTrust.install(); // here, not in a parent that only waits for the replay's own JVM
        CommandLine commandLine = commandLineFor(args);
        // standard output through a large buffer: System.out flushes every write it is given, which made a replay's
        // 100,000 lines some ten thousand 8 KB writes to a pipe; a line printed with println is flushed at once
        commandLine.setOut(LockupGuardCli.standardOutput(1 << 20));
        commandLine.setErr(LockupGuardCli.standardError());
        System.exit(LockupGuardCli.execute(commandLine, args));
    }

    public static CommandLine commandLine() {
        return LockupGuardCli.configured(new CommandLine(new LockupGuardTools()));
    }

    /**
     * The command line that runs {@code args}: for a replay, {@code lockup-guard} with {@code replay} alone under it,
     * which parses, answers and explains itself as under the whole one (its usage is {@code lockup-guard replay}),
     * without the model of the other commands, which picocli builds by reflection (about 0.1 s of the 0.17 s it
     * took at a replay's start); the whole command line otherwise.
     */
    static CommandLine commandLineFor(String[] args) {
        if (args.length == 0 || !"replay".equals(args[0])) {
            return commandLine();
        }
        CommandLine tools = new CommandLine(CommandSpec.create().name(NAME));
        tools.addSubcommand(new CommandLine(new ReplayCommand()));
        return LockupGuardCli.configured(tools);
    }
}
