package com.lockupguard.tools.cli;

import com.lockupguard.cli.ShutdownHandshake;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Input that a signal can end: standard input, or a named pipe ({@code mkfifo}, {@code /dev/stdin}, a shell's
 * {@code <(command)}). A read blocked on a pipe or terminal with nothing to say cannot be woken by closing its
 * stream from another thread. Closing a {@link FileChannel} wakes every read blocked on it, so {@link #stop} ends the
 * input at once, and the reader sees the end of the input.
 */
final class StoppableInput extends InputStream {

    /** Standard input as Linux shows it: a link to the file redirected to it, if one is. */
    static final Path STDIN = Path.of("/proc/self/fd/0");

    private final FileChannel channel;
    private final InputStream in;
    private volatile boolean stopped;

    /** Standard input. */
    StoppableInput() {
        this(new FileInputStream(FileDescriptor.in).getChannel());
    }

    /** The pipe, or other file, at {@code path}: opening a named pipe waits for its writer, as any reader's does. */
    StoppableInput(Path path) throws IOException {
        this(FileChannel.open(path, StandardOpenOption.READ));
    }

    /**
     * {@code input}, or the file at {@code path} opened for it, ended by {@code shutdown}'s stop. Opening a named
     * pipe waits until a writer opens it, which closing nothing can end: a stop meanwhile opens the pipe as a writer
     * too, and closes it, so that the wait ends on an empty input. (From a thread of its own that the JVM does not
     * wait for: a pipe whose reader has gone would keep it waiting in turn.)
     */
    static StoppableInput stoppedBy(ShutdownHandshake shutdown, Path path) throws IOException {
        AtomicBoolean opening = new AtomicBoolean(true);
        shutdown.onStop(() -> {
            if (opening.get()) {
                Thread partner = new Thread(() -> openAndClose(path), "lockup-guard-pipe-partner");
                partner.setDaemon(true);
                partner.start();
            }
        });
        StoppableInput input;
        try {
            input = new StoppableInput(path);
        } finally {
            opening.set(false);
        }
        return stoppedBy(shutdown, input);
    }

    /** {@code input}, ended by {@code shutdown}'s stop, at once if that came already. */
    static StoppableInput stoppedBy(ShutdownHandshake shutdown, StoppableInput input) {
        shutdown.onStop(input::stop);
        if (shutdown.stopRequested()) {
            input.stop(); // came after the open, before the line above: the hook found nothing to stop
        }
        return input;
    }

    private static void openAndClose(Path pipe) {
        try {
            FileChannel.open(pipe, StandardOpenOption.WRITE).close();
        } catch (IOException e) {
            // the reader gave up opening it first: nothing to end
        }
    }

    private StoppableInput(FileChannel channel) {
        this.channel = channel;
        this.in = Channels.newInputStream(channel);
    }

    /**
     * Whether {@code path} is read as a stream, answered line by line as it comes and ended by a signal: a named pipe
     * or a device, not a regular file or a directory. A path that cannot be told is not.
     */
    static boolean isAStream(Path path) {
        return Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path);
    }

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
    static boolean stdinIsAFile() {
        return Files.isRegularFile(STDIN);
    }

    /**
     * Whether standard input is read as a stream, as {@link #isAStream} tells for a path: a pipe or a terminal, not a
     * file or a directory redirected to it, nor one that cannot be told.
     */
    static boolean stdinIsAStream() {
        return !Files.isRegularFile(STDIN) && !Files.isDirectory(STDIN);
    }

    /**
     * Whether standard input was closed when the JVM started ({@code <&-}): the JVM then opens one of its own files
     * (its modules) as descriptor 0, and a replay would read that as a timeline. Seen on Linux only.
     */
    static boolean stdinIsClosed() {
        try {
            return Files.readSymbolicLink(STDIN).startsWith(Path.of(System.getProperty("java.home")).toRealPath());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // no /proc: nothing to tell
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
