package com.lockupguard.tools.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One guard instance in its own JVM (`lockup-guard run`), which the soak kills with SIGKILL and restarts. */
final class GuardProcess {

    private final int number;
    private final Map<String, String> settings;
    private final Path logFile;
    private Process process;
    private int starts;

    GuardProcess(int number, Map<String, String> settings, Path logFile) {
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
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("com.lockupguard.cli.LockupGuardCli");
        command.add("run");
        settings.forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });
        Files.writeString(logFile, "=== start " + (++starts) + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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

    int number() {
        return number;
    }
}
