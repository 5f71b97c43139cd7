package com.lockupguard.cli;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where a command writes a file it must write whole or not at all ({@code export -o}, {@code timeline -o}): a regular
 * file is written beside itself, to a hidden {@code .FILE.<pid>.partial} made with its permissions, and moved into its
 * place once whole, so that a command that fails or is stopped leaves nothing that could pass for all of it. A symbolic
 * link is followed, as the kernel follows it: the file it names is replaced, the link kept. The process's own standard
 * output or error ({@code /dev/stdout}, {@code /dev/fd/1}, {@code /proc/self/fd/1}, ...) is written to through the
 * descriptor it inherited, as a shell's redirection left it (appending, at its offset): reopened or replaced, a file it
 * is redirected to would be overwritten from its start, or replaced by a new one. Anything else that is no regular file
 * (a named pipe, a terminal, {@code /dev/null}, another descriptor of the process) is written to as it is, opened only
 * when the first line is written, so that a pipe no one reads yet holds up nothing before the command's own checks. A
 * folder, or a file in a folder that does not exist or cannot be written, is refused when opened, before any work.
 */
public final class WholeFileOutput implements Closeable {

    /** How many links deep a path is followed before giving up (Linux's own limit). */
    private static final int MAX_LINKS = 40;
    /** The descriptors a path may name the process's own standard streams by. */
    private static final Map<Path, FileDescriptor> STANDARD = Map.of(
            Path.of("/dev/stdout"), FileDescriptor.out, Path.of("/dev/fd/1"), FileDescriptor.out,
            Path.of("/proc/self/fd/1"), FileDescriptor.out, Path.of("/dev/stderr"), FileDescriptor.err,
            Path.of("/dev/fd/2"), FileDescriptor.err, Path.of("/proc/self/fd/2"), FileDescriptor.err);

    /** Where the kernel shows a process's descriptors, as links that only it can follow. */
    private static final Path PROC = Path.of("/proc");

    private final Path target;
    private final Path partial;
    private final FileDescriptor standard;
    private Writer writer;
    private boolean complete;

    private WholeFileOutput(Path target, Path partial, FileDescriptor standard, Writer writer) {
        this.target = target;
        this.partial = partial;
        this.standard = standard;
        this.writer = writer;
    }

    /** Opens {@code path} for writing; the message of a refusal says why, in a few words. */
    public static WholeFileOutput open(Path path) throws IOException {
        Path followed = followed(path);
        if (followed == null) {
            throw new IOException("it is a link that leads to itself");
        }
        FileDescriptor standard = STANDARD.get(followed);
        if (standard != null) {
            return new WholeFileOutput(followed, null, standard, null);
        }
        if (followed.startsWith(PROC)) {
            return new WholeFileOutput(followed, null, null, null); // another descriptor (>(...)): as it is
        }
        if (Files.isDirectory(followed)) {
            throw new IOException("it is a folder: name a file");
        }
        if (Files.exists(followed) && !Files.isRegularFile(followed)) {
            return new WholeFileOutput(followed, null, null, null); // opened at the first line
        }
        Path folder = followed.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IOException("its folder " + folder + " does not exist");
        }
        if (readOnly(followed)) {
            // replaced by a rename it could be, but its owner said it is not to change (root's writes too)
            throw new IOException("it is read-only: make it writable, or name another file");
        }
        // hidden, and this process's own: two exports to one file do not write or delete each other's
        Path partial = folder.resolve("." + followed.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        partial.toFile().deleteOnExit(); // stopped by a signal too
        try {
            Files.deleteIfExists(partial); // left by a process of this pid that was killed
            // created with the permissions of the file it will replace: what it holds is no more readable meanwhile
            Files.createFile(partial, permissionsOf(followed));
            return new WholeFileOutput(followed, partial, null, Files.newBufferedWriter(partial,
                    StandardCharsets.UTF_8));
        } catch (AccessDeniedException e) {
            throw new IOException("its folder " + folder + " cannot be written (" + partial.getFileName() + ")", e);
        } catch (NoSuchFileException e) {
            throw new IOException("its folder " + folder + " does not exist", e);
        }
    }

    /**
     * Where {@code path} leads, each link resolved against the real folder it is in (its {@code ..} goes up from
     * where the link really is, as the kernel takes it), up to a name that is no link: the file, or where a link to
     * nothing would create it; a path into the process's standard streams stops at their names. Null: a loop.
     */
    private static Path followed(Path path) throws IOException {
        Path current = path.toAbsolutePath();
        for (int links = 0; links <= MAX_LINKS; links++) {
            Path folder = current.getParent();
            Path real = folder == null || !Files.isDirectory(folder) ? current
                    : folder.toRealPath().resolve(current.getFileName());
            if (STANDARD.containsKey(current.normalize()) || STANDARD.containsKey(real)) {
                return STANDARD.containsKey(current.normalize()) ? current.normalize() : real;
            }
            if (!Files.isSymbolicLink(real) || real.startsWith(PROC)) {
                return real; // a descriptor's link in /proc names no path (pipe:[...]): the kernel opens it
            }
            current = real.resolveSibling(Files.readSymbolicLink(real));
        }
        return null;
    }

    /**
     * Whether {@code file} is there and nobody may write it. One another user owns, that this process may not write,
     * is not: it is replaced by the rename, as the folder allows.
     */
    private static boolean readOnly(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            return Files.getPosixFilePermissions(file).stream().noneMatch(permission -> permission.name()
                    .endsWith("_WRITE"));
        } catch (UnsupportedOperationException e) {
            return !Files.isWritable(file); // no POSIX permissions here
        }
    }

    /** The permissions of {@code file} to create another with: none (the umask's) if it is not there. */
    private static FileAttribute<?>[] permissionsOf(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new FileAttribute<?>[0];
        }
        try {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(file))};
        } catch (UnsupportedOperationException e) {
            return new FileAttribute<?>[0]; // no POSIX permissions here
        }
    }

    /** Whether the lines go to the process's standard output or error, through the descriptor it inherited. */
    boolean toStandardStream() {
        return standard != null;
    }

    /** Where the lines go; a pipe or device is opened now, and may wait for its reader. */
    public Writer writer() throws IOException {
        if (writer == null) {
            OutputStream stream = standard != null ? new Unclosed(new FileOutputStream(standard))
                    : Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
        }
        return writer;
    }

    /** Whether the file is written whole or not at all (a regular file), rather than line by line as it is. */
    boolean writesWhole() {
        return partial != null;
    }

    /** The file is whole: it takes the place of what was there (a stream or device has had every line already). */
    public void complete() throws IOException {
        if (writer != null) {
            writer.close();
        }
        if (partial != null) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        complete = true;
    }

    /** Closes; unless complete, the partial file is deleted and what was there is left as it was. */
    @Override
    public void close() throws IOException {
        try {
            if (writer != null) {
                writer.close();
            }
        } finally {
            if (partial != null && !complete) {
                Files.deleteIfExists(partial);
            }
        }
    }

    /** The process's standard stream, flushed but left open: the command line writes its own last words to it. */
    private static final class Unclosed extends FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
