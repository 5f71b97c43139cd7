package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.cli.LockupGuardCli;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CapturedCommand.run(out, err, args);
    }

    @Test
    void shouldRefuseAWorkDirThatIsNotEmptyAndLeaveItsFilesAlone() throws Exception {
        // given a directory that already holds someone's file
        Path notes = Files.writeString(dir.resolve("notes.txt"), "precious");
        // when a soak is asked to work there (a passing soak deletes its work dir)
        int exit = run("soak", "--work-dir", dir.toString(), "--instances", "1", "--duration", "1", "--kills", "0",
                "--bounces", "0", "--holdings", "2");
        // then it refuses before starting anything, and the file is still there
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--work-dir").contains("not empty");
        assertThat(notes).hasContent("precious");
    }
}
