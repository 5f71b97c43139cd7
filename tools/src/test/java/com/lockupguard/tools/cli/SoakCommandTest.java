package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.cli.LockupGuardCli;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @Test
    void shouldRefuseAWorkDirThatCannotBeMadeAsAnyOtherBadOption() throws Exception {
        // given a path under a regular file, where no directory can be made
        Path file = Files.writeString(dir.resolve("timeline.jsonl"), "{}");
        // when a soak is asked to work there
        int exit = run("soak", "--work-dir", file.resolve("sub").toString(), "--instances", "1", "--duration", "1",
                "--kills", "0", "--bounces", "0", "--holdings", "2");
        // then it is a usage error saying why, before anything starts, not a stack trace and the exit of a failed soak
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString().strip()).startsWith("--work-dir " + file.resolve("sub") + " cannot be made: ")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"--duration,0,--duration must be at least 1", "--rate,0,--rate must be at least 1",
        "--instances,0,--instances must be at least 1", "--holdings,0,--holdings must be at least 1",
        "--partitions,0,--partitions must be at least 1", "--kills,-1,--kills must be at least 0",
        "--bounces,-1,--bounces must be at least 0"})
    void shouldRefuseBeforeStartingAnythingASoakThatWouldSendNothingOrFailLate(String option, String value,
            String message) {
        // when a soak is asked for no time, no orders, no guard (or a rate whose log line divides by zero)
        int exit = run("soak", "--work-dir", dir.resolve("work").toString(), option, value);

        // then it refuses at once, naming the option, and starts no broker (its work dir is not made)
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString().strip()).isEqualTo(message);
        assertThat(out.toString()).isEmpty();
        assertThat(dir.resolve("work")).doesNotExist();
    }
}
