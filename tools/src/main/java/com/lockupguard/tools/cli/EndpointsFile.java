package com.lockupguard.tools.cli;

import com.lockupguard.timeline.OneLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --endpoints-file} of a command that serves something ({@code broker}, {@code demo}), which a script
 * waits for: it names what is up only while it is. One left by an earlier run that was killed is removed at start,
 * this run's is written whole (a temporary file moved into place: a reader never sees half of it), and deleted when
 * the run ends — unless another run has written its own there since.
 */
final class EndpointsFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointsFile.class);

    private final Path path;
    private volatile String written;

    private EndpointsFile(Path path) {
        this.path = path;
    }

    /** The file at {@code path} (none when null), a stale one removed at once. */
    static EndpointsFile claim(Path path) throws IOException {
        if (path != null) {
            String refused = refused(path);
            if (refused != null) {
                throw new IllegalArgumentException(refused);
            }
            Files.deleteIfExists(path);
        }
        return new EndpointsFile(path);
    }

    /**
     * As {@link #claim(Path)}, a path that cannot be the file refused as {@code --endpoints-file}'s usage error (exit
     * code 2) before anything starts, rather than once the servers are up, with a stack trace.
     */
    static EndpointsFile claim(Path path, CommandSpec spec) throws IOException {
        try {
            return claim(path);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--endpoints-file " + OneLine.of(path.toString()) + ": "
                    + e.getMessage(), e);
        }
    }

    /** Why {@code path} cannot be the endpoints file, or null: a folder (emptied, it would be deleted), or none. */
    private static String refused(Path path) {
        if (Files.isDirectory(path)) {
            return "is a folder: name a file in it";
        }
        Path folder = path.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            return "its folder " + OneLine.of(String.valueOf(folder)) + " does not exist";
        }
        if (!Files.isWritable(folder)) {
            return "its folder " + OneLine.of(folder.toString()) + " cannot be written";
        }
        return null;
    }

    /** Writes {@code content} as the whole file, replacing what is there in one step. */
    void write(String content) throws IOException {
        if (path == null) {
            return;
        }
        Path absolute = path.toAbsolutePath();
        Path partial = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            Files.writeString(partial, content, StandardCharsets.UTF_8);
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written = content;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Deletes the file if this run wrote it and it still holds what this run wrote. */
    @Override
    public void close() {
        String ours = written;
        if (ours == null) {
            return;
        }
        try {
            if (Files.readString(path, StandardCharsets.UTF_8).equals(ours)) {
                Files.delete(path);
            }
        } catch (NoSuchFileException gone) {
            // someone removed it already
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", path, e.toString());
        }
    }
}
