package com.lockupguard.tools.soak;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One guard instance in its own JVM (`lockup-guard run`), which the soak kills with SIGKILL and restarts. Its
 * temporary files (RocksDB's native library, 15 MB, which a JVM killed so leaves behind) go into a folder of its own
 * beside its log, which a passing soak deletes with the rest.
 */
final class GuardProcess {

    /** What the guard logs once Kafka Streams runs: it decides from then on. */
    private static final String RUNNING = " -> RUNNING";

    private final int number;
    private final String mainClass;
    private final Map<String, String> settings;
    private final Path logFile;
    private Process process;
    private int starts;
    /** Where the current start's output begins in the log. */
    private long logFrom;
    private boolean ranSinceStart;

    GuardProcess(int number, Map<String, String> settings, Path logFile) {
        this(number, settings, logFile, "com.lockupguard.cli.LockupGuardCli");
    }

    /** The same, running {@code mainClass} (of this JVM's class path) in place of the guard's command line. */
    GuardProcess(int number, Map<String, String> settings, Path logFile, String mainClass) {
        this.mainClass = mainClass;
        this.number = number;
        this.settings = settings;
        this.logFile = logFile;
    }

    /** Starts the instance, unless it is running: never two JVMs on one state directory. */
    synchronized void start() throws IOException {
        if (isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx384m");
        Path temporary = Files.createDirectories(logFile.resolveSibling("tmp-" + number));
        command.add("-Djava.io.tmpdir=" + temporary);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ExitWithSoak.class.getName()); // it stops if the soak is killed
        command.add(mainClass);
        command.add("run");
        settings.forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });
        Files.writeString(logFile, "=== start " + (++starts) + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        logFrom = Files.size(logFile);
        ranSinceStart = false;
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    }

    /** SIGKILL: no shutdown hook, no commit, no leaving the group. */
    synchronized void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM: the guard's graceful shutdown. */
    synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Whether the instance is up and has reached RUNNING since it was last started: deciding, not still booting. A
     * kill of one that boots (about 10 s here) proves nothing about a crash while deciding.
     */
    synchronized boolean decides() {
        if (!isAlive()) {
            return false;
        }
        if (!ranSinceStart) {
            try (InputStream log = Files.newInputStream(logFile)) {
                log.skipNBytes(logFrom);
                ranSinceStart = new String(log.readAllBytes(), StandardCharsets.UTF_8).contains(RUNNING);
            } catch (IOException e) {
                return false; // not known to decide
            }
        }
        return ranSinceStart;
    }

    /** The process id of the instance's JVM now. */
    synchronized long pid() {
        return process.pid();
    }

    int number() {
        return number;
    }
}
