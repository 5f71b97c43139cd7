package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code run} refuses a bad configuration before it connects to anything, naming the setting. */
class RunCommandTest {

    @Test
    void shouldHideCredentialsOfARefusedUrlInTheConfigurationError() {
        // given a URL with credentials that the guard refuses
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new RunCommand());
        command.setErr(new PrintWriter(err));

        // when
        int exit = command.execute("--set", "api.auth.jwt.jwks.url=http://idp:jwks-pass@issuer.example/jwks");

        // then the message quoting it names the setting and the URL, not the password
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("configuration error").contains("api.auth.jwt.jwks.url")
                .contains("http://issuer.example/jwks").doesNotContain("jwks-pass");
    }
}
