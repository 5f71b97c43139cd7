package com.lockupguard.tools.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Standard input that a signal can end. {@code System.in} cannot be woken from a read blocked on a pipe or terminal
 * with nothing to say: closing it from another thread leaves the read blocked. Closing a {@link FileChannel} wakes
 * every read blocked on it, so {@link #stop} ends the input at once, and the reader sees the end of the input.
 */
final class StoppableStdin extends InputStream {

    /** Standard input as Linux shows it: a link to the file redirected to it, if one is. */
    static final Path PATH = Path.of("/proc/self/fd/0");

    private final FileChannel channel = new FileInputStream(FileDescriptor.in).getChannel();
    private final InputStream in = Channels.newInputStream(channel);
    private volatile boolean stopped;

    /** Ends the input: a read blocked now, and every read after, sees its end. Called from another thread. */
    void stop() {
        stopped = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // stdin is left as it is: the JVM is shutting down
        }
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (ClosedChannelException e) {
            return endIfStopped(e);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            return in.read(buffer, offset, length);
        } catch (ClosedChannelException e) {
            return endIfStopped(e);
        }
    }

    private int endIfStopped(ClosedChannelException e) throws ClosedChannelException {
        if (stopped) {
            return -1;
        }
        throw e;
    }

    /** Whether standard input is a file redirected to it ({@code < FILE}), not a pipe or a terminal: not live. */
    static boolean isAFile() {
        return Files.isRegularFile(PATH);
    }

    /**
     * Whether standard input was closed when the JVM started ({@code <&-}): the JVM then opens one of its own files
     * (its modules) as descriptor 0, and a replay would read that as a timeline. Seen on Linux only.
     */
    static boolean isClosed() {
        try {
            return Files.readSymbolicLink(PATH).startsWith(Path.of(System.getProperty("java.home")).toRealPath());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // no /proc: nothing to tell
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
