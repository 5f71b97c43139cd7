package com.lockupguard.tools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A command of the jar run in a JVM of its own, as a user runs it, so that it can be stopped as Ctrl-C stops it. */
public final class CommandProcess {

    private CommandProcess() {
    }

    /** Starts {@code arguments} with {@code tmp} as its {@code java.io.tmpdir}, its output (both streams) to {@code log}. */
    public static Process start(Path tmp, Path log, String... arguments) throws IOException {
        return start(Map.of(), tmp, log, arguments);
    }

    /** As {@link #start(Path, Path, String...)}, with {@code environment} set over this JVM's. */
    public static Process start(Map<String, String> environment, Path tmp, Path log, String... arguments)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                LockupGuardTools.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        process.environment().putAll(environment);
        return process.start();
    }

    /** The names in {@code dir} that start with {@code prefix}. */
    static List<String> entries(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(prefix)).toList();
        }
    }
}
