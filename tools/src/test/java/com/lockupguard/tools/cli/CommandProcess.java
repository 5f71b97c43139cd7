package com.lockupguard.tools.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(compilerOptions());
        command.addAll(List.of("-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                LockupGuardTools.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        process.environment().putAll(environment);
        return process.start();
    }

    /**
     * This JVM's choice of JIT compilers (the build's {@code tests.jvm.options}: C1 only), so that the command's JVM
     * compiles as the test's does: a command started by a test lives seconds, too short for C2 to pay for itself.
     */
    private static List<String> compilerOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith("-XX:TieredStopAtLevel=")).toList();
    }

    /** The names in {@code dir} that start with {@code prefix}. */
    static List<String> entries(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(prefix)).toList();
        }
    }
}
