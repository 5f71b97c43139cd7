package com.lockupguard.tools.cli;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A large replay run in a JVM of its own with the serial collector. A replay is one thread's batch work, and the G1
 * collector, which the JVM picks for any machine with two cores and 2 GB, cost it 1.2 to 1.5 times the wall time and
 * two to five times the memory on the project's 2-core machine (BENCHMARKS.md, "Replay"). {@code java -jar} takes no
 * JVM options from the jar, so the command starts a second JVM with this one's options and {@code -XX:+UseSerialGC},
 * hands it its standard streams, passes SIGTERM on to it, and exits with its exit code. Its output is the in-process
 * replay's, byte for byte.
 *
 * <p>Only where it pays and changes nothing the user chose: a timeline file of at least
 * {@value #MIN_TIMELINE_BYTES} bytes (a JVM start costs more than a small replay gains; a live stream on standard
 * input stays here), no collector chosen on the command line, no debugger attached, and not already in such a JVM.
 * {@code -Dlockupguard.replay.fork=false} keeps the replay in the JVM it was started in.
 */
final class ReplayJvm {

    /** The smallest timeline worth a second JVM: about 5,000 lines. */
    static final long MIN_TIMELINE_BYTES = 1 << 20;

    /** Set to {@code false} to keep every replay in the JVM it was started in; the child JVM has it. */
    static final String FORK_PROPERTY = "lockupguard.replay.fork";

    /** The option that makes the replay's JVM: a single-threaded batch, collected by a single thread. */
    static final String SERIAL_GC = "-XX:+UseSerialGC";

    /** How long this JVM, stopped, waits for the child to write out its complete lines (its own wait is 5 s). */
    private static final long CHILD_STOP_SECONDS = 10;

    private ReplayJvm() {
    }

    /** What this JVM was started with and runs, as {@link #childCommand} needs it. */
    record ThisJvm(List<String> options, Set<String> collectors, Optional<String> javaCommand, String classPath,
            Map<String, String> environment, boolean forkAllowed) {

        static ThisJvm current() {
            Set<String> collectors = new HashSet<>();
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                collectors.add(collector.getName());
            }
            return new ThisJvm(ManagementFactory.getRuntimeMXBean().getInputArguments(), collectors,
                    ProcessHandle.current().info().command(), System.getProperty("java.class.path", ""),
                    System.getenv(), !"false".equals(System.getProperty(FORK_PROPERTY)));
        }

        /** The serial collector's two halves: young ("Copy") and old ("MarkSweepCompact"). */
        boolean runsSerialCollector() {
            return collectors.contains("Copy");
        }

        /** Options this JVM took from JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS, which the child takes from there too. */
        Set<String> optionsFromEnvironment() {
            Set<String> fromEnvironment = new HashSet<>();
            for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
                String value = environment.get(variable);
                if (value != null && !value.isBlank()) {
                    fromEnvironment.addAll(Arrays.asList(value.trim().split("\\s+")));
                }
            }
            return fromEnvironment;
        }
    }

    /**
     * The command of the child JVM that should run {@code args} (the whole command line), or empty where it runs
     * here: any other command, a small or piped timeline, or a JVM that {@link #childCommand(String[], ThisJvm)}
     * keeps. Looks at this JVM only for a large replay.
     */
    static Optional<List<String>> childCommand(String[] args) {
        if (args.length < 2 || !"replay".equals(args[0]) || "false".equals(System.getProperty(FORK_PROPERTY))
                || !namesALargeFile(args)) {
            return Optional.empty();
        }
        return childCommand(args, ThisJvm.current());
    }

    /** {@link #childCommand(String[])} in {@code jvm}. */
    static Optional<List<String>> childCommand(String[] args, ThisJvm jvm) {
        if (args.length < 2 || !"replay".equals(args[0]) || !jvm.forkAllowed() || jvm.javaCommand().isEmpty()
                || jvm.runsSerialCollector() || !namesALargeFile(args)) {
            return Optional.empty();
        }
        for (String option : jvm.options()) {
            if (isCollectorChoice(option) || isDebugger(option)) {
                return Optional.empty();
            }
        }
        List<String> command = new ArrayList<>();
        command.add(jvm.javaCommand().get());
        Set<String> fromEnvironment = jvm.optionsFromEnvironment();
        for (String option : jvm.options()) {
            if (!fromEnvironment.contains(option)) {
                command.add(option);
            }
        }
        command.add(SERIAL_GC);
        command.add("-D" + FORK_PROPERTY + "=false");
        command.add("-cp");
        command.add(jvm.classPath());
        command.add(LockupGuardTools.class.getName());
        command.addAll(Arrays.asList(args));
        return Optional.of(command);
    }

    /**
     * Runs {@code command} with this JVM's standard streams until it exits, and returns its exit code. Stopped
     * (SIGTERM, Ctrl-C), this JVM stops the child the same way and waits for it to write out its complete lines.
     */
    static int run(List<String> command) throws IOException, InterruptedException {
        // the hook is in place before the child starts, and waits for the start: a stop never leaves a child running
        AtomicReference<Process> child = new AtomicReference<>();
        Thread passStop = new Thread(() -> {
            synchronized (child) {
                Process started = child.get();
                if (started != null && started.isAlive()) {
                    started.destroy(); // SIGTERM: the replay stops after its line and writes out what it has
                    try {
                        started.waitFor(CHILD_STOP_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }, "lockup-guard-replay-stop");
        Runtime.getRuntime().addShutdownHook(passStop);
        try {
            synchronized (child) {
                child.set(new ProcessBuilder(command).inheritIO().start());
            }
            return child.get().waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(passStop);
            } catch (IllegalStateException stopping) {
                // this JVM is being stopped, and the hook stops the child: the JVM's own exit status stands
            }
        }
    }

    /** Whether an argument names a regular file of at least {@value #MIN_TIMELINE_BYTES} bytes: the timeline. */
    private static boolean namesALargeFile(String[] args) {
        for (int i = 1; i < args.length; i++) {
            try {
                Path path = Path.of(args[i]);
                if (Files.isRegularFile(path) && Files.size(path) >= MIN_TIMELINE_BYTES) {
                    return true;
                }
            } catch (InvalidPathException | IOException e) {
                // not a file: an option, or a timeline the replay itself will report
            }
        }
        return false;
    }

    private static boolean isCollectorChoice(String option) {
        return option.matches("-XX:[+-]Use\\w*GC");
    }

    private static boolean isDebugger(String option) {
        return option.startsWith("-agentlib:jdwp") || option.startsWith("-Xrunjdwp") || option.equals("-Xdebug");
    }
}
