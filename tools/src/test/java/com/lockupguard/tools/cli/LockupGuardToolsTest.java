package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.cli.LockupGuardCli;
import org.junit.jupiter.api.Test;

class LockupGuardToolsTest {

    @Test
    void shouldOfferEveryCommandOfTheServiceInTheJar() {
        // given the service's own command line, and the jar's, which adds the tools
        var service = LockupGuardCli.commandLine().getSubcommands().keySet();

        // when / then
        assertThat(LockupGuardTools.commandLine().getSubcommands().keySet()).containsAll(service);
    }
}
