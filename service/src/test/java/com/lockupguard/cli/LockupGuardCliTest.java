package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LockupGuardCliTest {

    @Test
    void shouldPrintTheVersionForEveryCommand() {
        CommandLine guard = LockupGuardCli.commandLine();
        for (String command : guard.getSubcommands().keySet()) {
            // given a fresh command line, as main builds one
            StringWriter out = new StringWriter();
            CommandLine commandLine = LockupGuardCli.commandLine();
            commandLine.setOut(new PrintWriter(out));
            // when a command is asked its version
            int exit = LockupGuardCli.execute(commandLine, new String[] {command, "--version"});
            // then it says the jar's, as the guard itself does (it printed an empty line)
            assertThat(exit).as(command).isZero();
            assertThat(out.toString()).as(command).isEqualTo("lockup-guard development" + System.lineSeparator());
        }
    }
}
