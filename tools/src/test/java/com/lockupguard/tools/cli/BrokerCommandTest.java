package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code broker} and {@code demo} refuse before starting anything. */
class BrokerCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @ParameterizedTest
    @Timeout(60)
    @ValueSource(strings = {"broker", "demo"})
    void shouldRefuseAnEndpointsFileThatIsAFolderAndKeepTheFolder(String command) throws Exception {
        // given an empty folder named as the endpoints file (claimed, it used to be deleted as a stale file)
        Path folder = Files.createDirectory(dir.resolve("endpoints"));

        // when
        int exitCode = CapturedCommand.run(out, err, command, "--endpoints-file", folder.toString());

        // then a usage error saying why, before anything starts, and the folder is still there
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--endpoints-file " + folder + ": is a folder: name a file in it")
                .doesNotContain("\tat ");
        assertThat(out.toString()).doesNotContain("bootstrap.servers");
        assertThat(folder).isDirectory();
    }

    @ParameterizedTest
    @Timeout(60)
    @ValueSource(strings = {"broker", "demo"})
    void shouldRefuseAnEndpointsFileInAFolderThatDoesNotExistBeforeStartingAnything(String command) {
        // given a file in no folder: it could be written only once everything is up, and then would fail
        Path file = dir.resolve("no-such-folder").resolve("endpoints.json");

        // when
        int exitCode = CapturedCommand.run(out, err, command, "--endpoints-file", file.toString());

        // then
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--endpoints-file " + file + ": its folder " + file.getParent()
                + " does not exist");
        assertThat(out.toString()).doesNotContain("bootstrap.servers").doesNotContain("Lockup Guard demo");
    }

    @Test
    void shouldRefuseAClusterOfNoBrokersAsAUsageError() {
        // given / when a cluster of no brokers is asked for
        int exitCode = CapturedCommand.run(out, err, "broker", "--nodes", "0");
        // then it is a usage error naming the option, before anything starts, not a stack trace
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--nodes 0: a cluster needs at least one broker").doesNotContain("\tat ");
    }

    @Test
    void shouldRefuseMoreBrokersThanOneProcessShouldRunAsAUsageError() {
        // given / when a hundred brokers are asked for in one JVM
        int exitCode = CapturedCommand.run(out, err, "broker", "--nodes", "100");
        // then it is a usage error before anything starts
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--nodes 100: at most 9 brokers in one process").doesNotContain("\tat ");
    }
}
