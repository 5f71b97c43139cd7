package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointsFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldNameAFolderThatDoesNotExistOnOneLineThatDrivesNoTerminal() {
        // given a file in a folder that does not exist, whose name holds a line break and an escape
        Path file = dir.resolve("x\n\u001b[31my").resolve("endpoints");
        // when / then
        assertThatThrownBy(() -> EndpointsFile.claim(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("its folder " + dir + "/x\\n?[31my does not exist");
    }

    @Test
    void shouldRemoveAFileLeftByAnEarlierRunBeforeAnythingStarts() throws Exception {
        // given the file of an earlier run that was killed before it could delete it
        Path file = Files.writeString(dir.resolve("endpoints"), "bootstrap.servers=127.0.0.1:1111\n");
        // when a new run claims it
        try (EndpointsFile endpoints = EndpointsFile.claim(file)) {
            // then a script waiting for the file does not find the dead run's endpoints
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void shouldWriteTheFileWholeAndLeaveNoTemporaryFileBeside() throws Exception {
        // given
        Path file = dir.resolve("endpoints");
        try (EndpointsFile endpoints = EndpointsFile.claim(file)) {
            // when
            endpoints.write("bootstrap.servers=127.0.0.1:2222\n");
            // then
            assertThat(file).hasContent("bootstrap.servers=127.0.0.1:2222");
            assertThat(CommandProcess.entries(dir, "")).containsExactly("endpoints");
        }
    }

    @Test
    void shouldDeleteTheFileItWroteWhenClosed() throws Exception {
        // given a run that wrote its endpoints
        Path file = dir.resolve("endpoints");
        EndpointsFile endpoints = EndpointsFile.claim(file);
        endpoints.write("bootstrap.servers=127.0.0.1:3333\n");
        // when it stops
        endpoints.close();
        // then its endpoints are gone with it
        assertThat(file).doesNotExist();
    }

    @Test
    void shouldLeaveAFileItDidNotWriteWhenClosed() throws Exception {
        // given a run that never got to write its endpoints, and another run that wrote its own since
        Path file = dir.resolve("endpoints");
        EndpointsFile failed = EndpointsFile.claim(file);
        EndpointsFile other = EndpointsFile.claim(file);
        other.write("bootstrap.servers=127.0.0.1:4444\n");
        // when the first stops
        failed.close();
        // then the other's endpoints are still there
        assertThat(file).hasContent("bootstrap.servers=127.0.0.1:4444");
    }

    @Test
    void shouldLeaveTheFileWhenAnotherRunHasReplacedItsEndpoints() throws Exception {
        // given a run that wrote its endpoints, then another run given the same file that wrote its own
        Path file = dir.resolve("endpoints");
        EndpointsFile first = EndpointsFile.claim(file);
        first.write("bootstrap.servers=127.0.0.1:5555\n");
        EndpointsFile second = EndpointsFile.claim(file);
        second.write("bootstrap.servers=127.0.0.1:6666\n");
        // when the first stops
        first.close();
        // then the second's endpoints are still there
        assertThat(file).hasContent("bootstrap.servers=127.0.0.1:6666");
    }
}
