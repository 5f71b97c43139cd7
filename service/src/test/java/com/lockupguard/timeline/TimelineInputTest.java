package com.lockupguard.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class TimelineInputTest {

    @Test
    void shouldDescribeWhyATimelineCouldNotBeReadWithoutRepeatingItsName() {
        // given the errors opening or reading a timeline may end in
        // when / then each is said in a few words, the file's name left to the message that names it
        assertThat(TimelineInput.describe(new NoSuchFileException("t.jsonl"))).isEqualTo("no such file");
        assertThat(TimelineInput.describe(new AccessDeniedException("t.jsonl"))).isEqualTo("permission denied");
        assertThat(TimelineInput.describe(new FileSystemException("t.jsonl", null, "Is a directory")))
                .isEqualTo("Is a directory");
        assertThat(TimelineInput.describe(new FileSystemException("t.jsonl"))).isEqualTo("t.jsonl");
        assertThat(TimelineInput.describe(new IOException("Stream closed"))).isEqualTo("Stream closed");
        assertThat(TimelineInput.describe(new IOException())).isEqualTo("java.io.IOException");
    }

    @Test
    void shouldSayAFileSystemsMessageNamingTheFileOnOneLineWhateverTheNameHolds() {
        // given an error with no reason of its own, whose message is the file's name: a break and an escape in it
        FileSystemException exists = new FileAlreadyExistsException("a\nline 2: forged\u001b[2J");
        // when
        String described = TimelineInput.describe(exists);
        // then
        assertThat(described).isEqualTo("a\\nline 2: forged?[2J");
    }

    @Test
    void shouldTakeALineStartingWithABadByteAsMalformed() {
        // given a line whose first byte was not UTF-8, and one holding a character outside the basic plane
        String badFirst = TimelineInput.MALFORMED + "{}";
        String pair = "{\"x\":\"" + Character.toChars(0x1F3FF)[0] + TimelineInput.MALFORMED + "\"}";
        // when / then only the first is malformed
        assertThat(TimelineInput.isMalformed(badFirst)).isTrue();
        assertThat(TimelineInput.isMalformed(pair)).isFalse();
    }
}
