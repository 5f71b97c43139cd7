package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo on its real broker, when the guard it starts cannot. */
class DemoCommandIT {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    @Timeout(120)
    void shouldSayWhyTheGuardCouldNotStartAsRunSaysIt() {
        // given a demo whose guard is sent to a registry nobody serves (with credentials), asking it once
        String[] args = {"demo", "--set", "schema.registry.url=http://demo-user:demo-secret@127.0.0.1:1",
            "--set", "max.retries=0"};

        // when it is run
        int exitCode = CapturedCommand.run(out, err, args);

        // then the guard's start fails with one line saying why, credentials masked, instead of a stack trace; and
        // the demo still stops what it started
        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).startsWith("cannot start: schema registry unavailable")
                .contains("127.0.0.1:1").doesNotContain("demo-secret").doesNotContain("\tat ");
        assertThat(out.toString()).contains("starting the guard").contains("stopped after");
    }
}
