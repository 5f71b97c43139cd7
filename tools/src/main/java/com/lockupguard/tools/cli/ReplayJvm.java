package com.lockupguard.tools.cli;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A large replay run in a JVM of its own with the serial collector. A replay is one thread's batch work, and the G1
 * collector, which the JVM picks for any machine with two cores and 2 GB, cost it 1.2 to 1.5 times the wall time and
 * two to five times the memory on the project's 2-core machine (BENCHMARKS.md, "Replay"). {@code java -jar} takes no
 * JVM options from the jar, so the command starts a second JVM with this one's options and {@code -XX:+UseSerialGC},
 * hands it its standard streams, passes SIGTERM on to it, and exits with its exit code (killed outright, it leaves
 * the child to stop itself: {@link #stopWithParent}). Its output is the in-process replay's, byte for byte.
 *
 * <p>Only where it pays and changes nothing the user chose: a timeline file of at least
 * {@value #MIN_TIMELINE_BYTES} bytes, named or redirected to standard input (a JVM start costs more than a small
 * replay gains; a pipe, a live stream, stays here), none of the options {@link #keepsTheReplayHere} names (a
 * collector, a debugger or profiler, a JMX port, a recording or log file both JVMs would write), and not already in a
 * serial-collector JVM.
 * {@code -Dlockupguard.replay.fork=false} keeps the replay in the JVM it was started in.
 *
 * <p>The child also maps the class archive the build writes beside the jar ({@value #CLASS_ARCHIVE}: the classes a
 * replay loads, parsed and verified once, at build time), which takes 0.3 to 0.5 s off its start. An archive the JVM
 * cannot use (another java, the jar rebuilt or moved) is passed over without a word, and the classes are loaded as
 * usual; the user's own {@code -Xshare} or {@code -XX:SharedArchiveFile} is kept instead. It backs its heap with
 * transparent huge pages where Linux grants them on request ({@code madvise}, read from {@value #HUGE_PAGES_MODE}):
 * 3 % of the wall time. Elsewhere the option is not asked for: the JVM warns when the system has them off, and on
 * other systems it does not know it, and does not start. And what the JVM says goes to standard error, not to
 * the standard output that holds the replay's answers; but for what it says of class archives, which is nothing.
 */
final class ReplayJvm {

    /** The smallest timeline worth a second JVM: about 5,000 lines. */
    static final long MIN_TIMELINE_BYTES = 1 << 20;

    /** Set to {@code false} to keep every replay in the JVM it was started in; the child JVM has it. */
    static final String FORK_PROPERTY = "lockupguard.replay.fork";

    /** Given to the child: the process id of the JVM that started it, which it outlives by a moment at most. */
    static final String PARENT_PROPERTY = "lockupguard.replay.parent";

    /** How often the child looks whether the JVM that started it is still there. */
    private static final long PARENT_CHECK_MS = 200;

    /** The option that makes the replay's JVM: a single-threaded batch, collected by a single thread. */
    static final String SERIAL_GC = "-XX:+UseSerialGC";

    /** The class archive beside the jar, written by the build (tools/pom.xml, "replay-class-archive"). */
    static final String CLASS_ARCHIVE = "lockup-guard.jsa";

    /**
     * The JVM writes its warnings to standard output, which holds the replay's answers: to standard error in the
     * child instead, but those of class archives (that it cannot use ours), which go nowhere.
     */
    static final List<String> WARNINGS_TO_STDERR = List.of("-Xlog:disable", "-Xlog:all=warning,cds*=off:stderr");

    /** Huge pages for the heap, where the system gives them to a JVM that asks (transparent huge pages: madvise). */
    static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

    /** Where Linux says how it gives transparent huge pages: {@code always [madvise] never}, the mode in brackets. */
    static final String HUGE_PAGES_MODE = "/sys/kernel/mm/transparent_hugepage/enabled";

    /** The replay's options followed by a value, which is not the timeline. */
    private static final Set<String> OPTIONS_WITH_A_VALUE = Set.of("--mode", "--positions");

    /** Where a JVM takes options from besides its command line: all of them show in its input arguments. */
    private static final Set<String> OPTIONS_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS");

    /** The exit status of a JVM that SIGTERM shut down: 128 + 15. */
    private static final int STOPPED_BY_SIGTERM = 143;

    /** How long this JVM, stopped, waits for the child to write out its complete lines (its own wait is 5 s). */
    private static final long CHILD_STOP_SECONDS = 10;

    private ReplayJvm() {
    }

    /**
     * What this JVM was started with and runs, as {@link #childCommand} needs it.
     *
     * @param classArchive the class archive beside the jar this JVM runs, when there is one
     * @param hugePagesOnRequest whether the system gives transparent huge pages to a JVM that asks
     */
    record ThisJvm(List<String> options, Set<String> collectors, Optional<String> javaCommand, String classPath,
            boolean forkAllowed, Optional<Path> classArchive, boolean hugePagesOnRequest) {

        static ThisJvm current() {
            Set<String> collectors = new HashSet<>();
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                collectors.add(collector.getName());
            }
            return new ThisJvm(ManagementFactory.getRuntimeMXBean().getInputArguments(), collectors,
                    ProcessHandle.current().info().command(), System.getProperty("java.class.path", ""),
                    !"false".equals(System.getProperty(FORK_PROPERTY)), classArchiveBesideTheJar(),
                    systemGivesHugePagesOnRequest());
        }

        /** Whether Linux gives transparent huge pages to a process that asks for them ({@code [madvise]}). */
        private static boolean systemGivesHugePagesOnRequest() {
            try {
                return Files.readString(Path.of(HUGE_PAGES_MODE)).contains("[madvise]");
            } catch (IOException | RuntimeException e) {
                return false; // not Linux, or not told: not asked for
            }
        }

        /** {@value ReplayJvm#CLASS_ARCHIVE} in the directory of the jar this class was loaded from, if it is there. */
        private static Optional<Path> classArchiveBesideTheJar() {
            try {
                Path jar = Path.of(ReplayJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                Path archive = jar.resolveSibling(CLASS_ARCHIVE);
                return Files.isRegularFile(jar) && Files.isReadable(archive) ? Optional.of(archive) : Optional.empty();
            } catch (URISyntaxException | RuntimeException e) {
                return Optional.empty(); // no jar to find it beside: the replay runs without it
            }
        }

        /** The serial collector's two halves: young ("Copy") and old ("MarkSweepCompact"). */
        boolean runsSerialCollector() {
            return collectors.contains("Copy");
        }
    }

    /**
     * The command of the child JVM that should run {@code args} (the whole command line), or empty where it runs
     * here: any other command, a small or piped timeline, or a JVM that {@link #childCommand(String[], ThisJvm)}
     * keeps. Looks at this JVM only for a large replay.
     */
    static Optional<List<String>> childCommand(String[] args) {
        if (!isReplayOfALargeFile(args) || "false".equals(System.getProperty(FORK_PROPERTY))) {
            return Optional.empty();
        }
        return childCommand(args, ThisJvm.current());
    }

    /**
     * {@link #childCommand(String[])} in {@code jvm}. The child is given every option this JVM was given, those of
     * JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS and _JAVA_OPTIONS among them, which {@link #run} takes out of its
     * environment: an agent is not loaded twice, and no option is lost to quoting.
     */
    static Optional<List<String>> childCommand(String[] args, ThisJvm jvm) {
        if (!isReplayOfALargeFile(args) || !jvm.forkAllowed() || jvm.javaCommand().isEmpty()
                || jvm.runsSerialCollector() || jvm.options().stream().anyMatch(ReplayJvm::keepsTheReplayHere)) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(jvm.javaCommand().get());
        // before the user's options, so that an -Xlog of theirs is theirs
        command.addAll(WARNINGS_TO_STDERR);
        if (jvm.classArchive().isPresent() && jvm.options().stream().noneMatch(ReplayJvm::choosesClassSharing)) {
            command.add("-XX:SharedArchiveFile=" + jvm.classArchive().get());
        }
        if (jvm.hugePagesOnRequest() && jvm.options().stream().noneMatch(ReplayJvm::choosesPages)) {
            command.add(HUGE_PAGES);
        }
        command.addAll(jvm.options());
        command.add(SERIAL_GC);
        command.add("-D" + FORK_PROPERTY + "=false");
        command.add("-D" + PARENT_PROPERTY + "=" + ProcessHandle.current().pid());
        command.add("-cp");
        command.add(jvm.classPath());
        command.add(LockupGuardTools.class.getName());
        command.addAll(Arrays.asList(args));
        return Optional.of(command);
    }

    /**
     * Whether {@code option} keeps the replay in this JVM: a collector chosen, or a thing only one process can have
     * or that the user means for this one — a debugger or native agent (a profiler), a JMX port, a flight
     * recording or a class archive written at exit, a log file whose name does not hold the process id ({@code %p}),
     * which both JVMs would write.
     */
    static boolean keepsTheReplayHere(String option) {
        return option.matches("-XX:[+-]Use\\w*GC")
                || option.startsWith("-agentlib:") || option.startsWith("-agentpath:") || option.startsWith("-Xrun")
                || option.equals("-Xdebug")
                || option.startsWith("-Dcom.sun.management.jmxremote.")
                || option.startsWith("-XX:StartFlightRecording") || option.startsWith("-XX:ArchiveClassesAtExit")
                || option.startsWith("-Xlog:") && option.contains("file=") && !option.contains("%p");
    }

    /** Whether {@code option} is the user's choice of the heap's pages. */
    static boolean choosesPages(String option) {
        return option.matches("-XX:[+-]?(UseTransparentHugePages|UseLargePages\\w*|LargePageSizeInBytes|UseHugeTLBFS"
                + "|UseSHM)(=.*)?");
    }

    /**
     * Whether {@code option} is the user's choice of class sharing: an archive or class list of their own, none, or
     * a later JDK's AOT cache (which the JVM refuses beside a {@code SharedArchiveFile}).
     */
    static boolean choosesClassSharing(String option) {
        return option.startsWith("-Xshare:")
                || option.matches("-XX:[+-]?(Shared\\w*|UseSharedSpaces|AutoCreateSharedArchive|DumpLoadedClassList"
                        + "|AOT\\w*)(=.*)?");
    }

    /**
     * Runs {@code command} with this JVM's standard streams until it exits, and returns its exit code. Stopped
     * (SIGTERM, Ctrl-C), this JVM stops the child the same way and waits for it to write out its complete lines.
     */
    static int run(List<String> command) throws IOException, InterruptedException {
        // the hook is in place before the child starts, and waits for the start: a stop never leaves a child running
        AtomicReference<Process> child = new AtomicReference<>();
        AtomicBoolean stopped = new AtomicBoolean();
        Thread passStop = new Thread(() -> {
            synchronized (child) {
                stopped.set(true);
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
                if (stopped.get()) {
                    return STOPPED_BY_SIGTERM; // stopped before the start: the JVM's own exit status stands
                }
                ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
                // their options are on the command line already, as this JVM was given them
                builder.environment().keySet().removeAll(OPTIONS_VARIABLES);
                child.set(builder.start());
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

    /**
     * In the child ({@value #PARENT_PROPERTY} set): once the JVM that started it is gone without stopping it first
     * ({@code kill -9}, which runs no shutdown hook), stops this one as SIGTERM would, after the line it is on, rather
     * than replaying on to the end for no one. A no-op anywhere else.
     */
    static void stopWithParent() {
        String pid = System.getProperty(PARENT_PROPERTY);
        if (pid == null) {
            return;
        }
        long parent;
        try {
            parent = Long.parseLong(pid);
        } catch (NumberFormatException e) {
            return; // not ours to read
        }
        Thread watch = new Thread(() -> {
            try {
                // a process that dies hands its children to another at once, even while it stays a zombie that no
                // one reaps (which isAlive takes for alive): this one's parent changes
                while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parent) {
                    Thread.sleep(PARENT_CHECK_MS);
                }
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("replay: the JVM this replay was started from is gone (killed): stopping");
            System.exit(STOPPED_BY_SIGTERM);
        }, "lockup-guard-replay-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * Whether {@code args} replay a regular file of at least {@value #MIN_TIMELINE_BYTES} bytes, named or
     * redirected to standard input. The timeline is the one argument that is neither an option nor an option's value
     * ({@code --mode}, {@code --positions}).
     */
    static boolean isReplayOfALargeFile(String[] args) {
        if (args.length < 2 || !"replay".equals(args[0])) {
            return false;
        }
        String timeline = null;
        for (int i = 1; i < args.length; i++) {
            if (OPTIONS_WITH_A_VALUE.contains(args[i])) {
                i++; // its value
            } else if (args[i].equals("--")) {
                timeline = i + 1 < args.length ? args[i + 1] : null;
                break;
            } else if (args[i].equals("-") || !args[i].startsWith("-")) {
                timeline = args[i];
                break;
            }
        }
        try {
            // standard input redirected from a file ("replay - < FILE") is that file; a pipe is not a regular file
            Path path = timeline == null ? null : timeline.equals("-") ? StoppableInput.STDIN : Path.of(timeline);
            return path != null && Files.isRegularFile(path) && Files.size(path) >= MIN_TIMELINE_BYTES;
        } catch (InvalidPathException | IOException e) {
            return false; // not a file the replay can read: it says so itself
        }
    }
}
