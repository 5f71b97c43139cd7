package com.lockupguard.it;

import com.lockupguard.tools.cli.LockupGuardTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** A {@code lockup-guard} command run with a guard's settings, each given as {@code --set key=value}. */
final class GuardCommand {

    private GuardCommand() {
    }

    /**
     * {@code command}, the settings, then {@code more}; its exit code. What it printed goes to {@code out} and
     * {@code err}.
     */
    static int run(List<String> command, Map<String, String> settings, StringWriter out, StringWriter err,
            String... more) {
        List<String> args = new ArrayList<>(command);
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        args.addAll(List.of(more));
        CommandLine commandLine = LockupGuardTools.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args.toArray(String[]::new));
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return exit;
    }
}
