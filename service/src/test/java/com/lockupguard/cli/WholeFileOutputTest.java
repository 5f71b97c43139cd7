package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class WholeFileOutputTest {

    @TempDir
    Path dir;

    @Test
    void shouldMoveTheWholeFileIntoPlaceOnlyWhenComplete() throws IOException {
        // given a file from an earlier export
        Path file = Files.writeString(dir.resolve("given.jsonl"), "old\n");
        // when an export writes a line and stops before it is complete
        try (WholeFileOutput output = WholeFileOutput.open(file)) {
            output.writer().write("new, half\n");
        }
        // then the earlier file is as it was, and no partial file is left
        assertThat(file).hasContent("old");
        assertThat(dir.toFile().list()).containsExactly("given.jsonl");
        // and when one completes, its lines take the file's place
        try (WholeFileOutput output = WholeFileOutput.open(file)) {
            output.writer().write("new\n");
            output.complete();
        }
        assertThat(file).hasContent("new");
    }

    @Test
    void shouldReplaceTheFileALinkNamesAndKeepTheLink() throws IOException {
        // given a link to a file in another folder
        Path real = Files.writeString(Files.createDirectory(dir.resolve("exports")).resolve("real.jsonl"), "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("latest.jsonl"), real);
        // when an export is written to the link
        try (WholeFileOutput output = WholeFileOutput.open(link)) {
            output.writer().write("new\n");
            output.complete();
        }
        // then the file it names holds the export, and the link is still a link to it
        assertThat(real).hasContent("new");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(real);
    }

    @Test
    void shouldCreateTheFileALinkToNothingNames() throws IOException {
        // given a link to a file not there yet
        Path link = Files.createSymbolicLink(dir.resolve("latest.jsonl"), Path.of("real.jsonl"));
        // when
        try (WholeFileOutput output = WholeFileOutput.open(link)) {
            output.writer().write("new\n");
            output.complete();
        }
        // then the file is created where the link leads
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(dir.resolve("real.jsonl")).hasContent("new");
    }

    @Test
    // in a thread of its own: a pipe's open waiting for a reader is not interrupted
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldWriteIntoAPipeAsItIsRatherThanReplaceIt() throws Exception {
        // given a named pipe a reader waits on (as /dev/stdout may be)
        Path pipe = dir.resolve("pipe");
        assumeThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).as("mkfifo").isZero();
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(pipe, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        // when an export is written to it
        try (WholeFileOutput output = WholeFileOutput.open(pipe)) {
            output.writer().write("line\n");
            output.complete();
        }
        // then the reader got the line, and the pipe is still a pipe, with nothing beside it
        assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo("line\n");
        assertThat(Files.isRegularFile(pipe)).isFalse();
        assertThat(Files.exists(pipe)).isTrue();
        assertThat(Files.exists(dir.resolve("pipe.partial"))).isFalse();
    }

    @Test
    void shouldFollowARelativeLinkFromTheFolderItReallyIsIn() throws IOException {
        // given a link to nothing yet, '../x.jsonl', in real/sub, reached through alias -> real/sub (seen in a
        // review: '..' taken as text went up from alias, and the export was written to another file)
        Path sub = Files.createDirectories(dir.resolve("real").resolve("sub"));
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), sub);
        Files.createSymbolicLink(sub.resolve("out.jsonl"), Path.of("../x.jsonl"));
        Path unrelated = Files.writeString(dir.resolve("x.jsonl"), "unrelated\n");
        // when
        try (WholeFileOutput output = WholeFileOutput.open(alias.resolve("out.jsonl"))) {
            output.writer().write("new\n");
            output.complete();
        }
        // then the file is created where the kernel takes the link to lead, real/x.jsonl
        assertThat(dir.resolve("real").resolve("x.jsonl")).hasContent("new");
        assertThat(unrelated).hasContent("unrelated");
    }

    @Test
    void shouldKeepThePermissionsOfTheFileItReplaces() throws IOException {
        // given an export kept readable by its owner only
        Path file = Files.writeString(dir.resolve("secret.jsonl"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        // when it is written again
        try (WholeFileOutput output = WholeFileOutput.open(file)) {
            output.writer().write("new\n");
            output.writer().flush();
            // then what it holds meanwhile is no more readable than the file (seen in a review: 644 under umask 022)
            try (var files = Files.list(dir)) {
                assertThat(files.filter(path -> path.getFileName().toString().endsWith(".partial")).toList())
                        .singleElement().satisfies(partial -> assertThat(PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(partial))).isEqualTo("rw-------"));
            }
            output.complete();
        }
        // and once whole it is still its owner's only
        assertThat(file).hasContent("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    // in a thread of its own: a pipe's open waiting for a reader is not interrupted
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNotOpenAPipeBeforeItsFirstLine() throws Exception {
        // given a named pipe no one reads yet
        Path pipe = dir.resolve("pipe");
        assumeThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).as("mkfifo").isZero();
        // when it is opened as an output and closed unwritten (a command refused before its first line)
        try (WholeFileOutput output = WholeFileOutput.open(pipe)) {
            assertThat(output.toStandardStream()).isFalse();
        }
        // then nothing waited for a reader, and the pipe is still a pipe
        assertThat(Files.isRegularFile(pipe)).isFalse();
    }

    @Test
    void shouldWriteToTheStandardStreamsThroughTheDescriptorsTheProcessInherited() throws IOException {
        // given the names a shell user gives them, and a link to one (seen in a review: with stdout redirected to
        // a file, /dev/stdout led to that file, which the export replaced, the lines in it before gone)
        Path link = Files.createSymbolicLink(dir.resolve("out.jsonl"), Path.of("/dev/stdout"));
        for (Path path : List.of(Path.of("/dev/stdout"), Path.of("/dev/stderr"), Path.of("/dev/fd/1"),
                Path.of("/proc/self/fd/2"), link)) {
            // when / then each is written through the descriptor, neither reopened nor replaced (not written to
            // here: the test's own output is the test runner's channel)
            try (WholeFileOutput output = WholeFileOutput.open(path)) {
                assertThat(output.toStandardStream()).as(path.toString()).isTrue();
            }
        }
    }

    @Test
    void shouldWriteBesideTheFileInAPartialFileOfThisProcessOwn() throws IOException {
        // given an output to a file (two processes exporting to it shared one FILE.partial, in a review: each
        // truncated, moved or deleted the other's)
        Path file = dir.resolve("given.jsonl");
        try (WholeFileOutput output = WholeFileOutput.open(file)) {
            // when it has written a line
            output.writer().write("line\n");
            output.writer().flush();
            // then the line is in a hidden file named for this process, beside the file
            assertThat(dir.resolve(".given.jsonl." + ProcessHandle.current().pid() + ".partial")).hasContent("line");
        }
    }

    @Test
    void shouldRefuseAFolderWhenOpened() {
        assertThatThrownBy(() -> WholeFileOutput.open(dir)).isInstanceOf(IOException.class)
                .hasMessage("it is a folder: name a file");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void shouldRefuseAReadOnlyFileSayingSoAndLeaveItAsItWas() throws IOException {
        // given an earlier export its owner made read-only
        Path file = Files.writeString(dir.resolve("kept.jsonl"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));

        // when / then it is refused as read-only (seen: "its folder ... cannot be written", a folder that could be),
        // and nothing is written beside it or into it, whoever runs the export (root included)
        assertThatThrownBy(() -> WholeFileOutput.open(file)).isInstanceOf(IOException.class)
                .hasMessage("it is read-only: make it writable, or name another file");
        assertThat(file).hasContent("old");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void shouldSayTheFolderDoesNotExist() {
        Path missing = dir.resolve("no-such-folder");
        assertThatThrownBy(() -> WholeFileOutput.open(missing.resolve("given.jsonl"))).isInstanceOf(IOException.class)
                .hasMessage("its folder " + missing + " does not exist");
    }
}
