package com.lockupguard.it;

import com.lockupguard.tools.cli.LockupGuardTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** {@code lockup-guard config --check} with a guard's settings, as an operator runs it before a start. */
final class ConfigCheck {

    private ConfigCheck() {
    }

    /** Its exit code; what it printed goes to {@code out}. */
    static int run(Map<String, String> settings, StringWriter out) {
        List<String> args = new ArrayList<>(List.of("config", "--check"));
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        CommandLine commandLine = LockupGuardTools.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(new StringWriter()));
        int exit = commandLine.execute(args.toArray(String[]::new));
        commandLine.getOut().flush();
        return exit;
    }
}
