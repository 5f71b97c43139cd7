package com.lockupguard.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where a command writes a file it must write whole or not at all ({@code export -o}): a regular file is written
 * beside itself, to {@code FILE.partial}, and moved into its place once whole, so that a command that fails or is
 * stopped leaves nothing that could pass for all of it. A symbolic link is followed: the file it names is replaced,
 * the link kept. What is no regular file (a pipe, {@code /dev/stdout}, a terminal) is written to as it is, as a
 * shell's redirection would: moving a file into its place would replace the device or pipe itself, which the reader
 * waiting on it never sees (and, run as root, {@code /dev/stdout} or {@code /dev/null} for every program). A folder,
 * or a file in a folder that does not exist or cannot be written, is refused when opened, before any work.
 */
final class WholeFileOutput implements Closeable {

    /** How many links deep a dangling link is followed before giving up (Linux's own limit). */
    private static final int MAX_LINKS = 40;

    private final Path target;
    private final Path partial;
    private final Writer writer;
    private boolean complete;

    private WholeFileOutput(Path target, Path partial, Writer writer) {
        this.target = target;
        this.partial = partial;
        this.writer = writer;
    }

    /** Opens {@code path} for writing; the message of a refusal says why, in a few words. */
    static WholeFileOutput open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException("it is a folder: name a file");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            return new WholeFileOutput(path, null, Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                    StandardOpenOption.WRITE));
        }
        Path target = Files.exists(path) ? path.toRealPath() : danglingTarget(path);
        Path folder = target.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IOException("its folder " + folder + " does not exist");
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        partial.toFile().deleteOnExit(); // stopped by a signal too
        try {
            return new WholeFileOutput(target, partial, Files.newBufferedWriter(partial, StandardCharsets.UTF_8));
        } catch (AccessDeniedException e) {
            throw new IOException("its folder " + folder + " cannot be written (" + partial.getFileName() + ")", e);
        } catch (NoSuchFileException e) {
            throw new IOException("its folder " + folder + " does not exist", e);
        }
    }

    /** Where a link that names no file yet leads: the file is created there. */
    private static Path danglingTarget(Path path) throws IOException {
        Path current = path.toAbsolutePath();
        for (int links = 0; Files.isSymbolicLink(current); links++) {
            if (links == MAX_LINKS) {
                throw new IOException("it is a link that leads to itself");
            }
            current = current.resolveSibling(Files.readSymbolicLink(current)).normalize();
        }
        return current;
    }

    Writer writer() {
        return writer;
    }

    /** The file is whole: it takes the place of what was there (a pipe or device has had every line already). */
    void complete() throws IOException {
        writer.close();
        if (partial != null) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        complete = true;
    }

    /** Closes; unless complete, the partial file is deleted and what was there is left as it was. */
    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            if (partial != null && !complete) {
                Files.deleteIfExists(partial);
            }
        }
    }
}
