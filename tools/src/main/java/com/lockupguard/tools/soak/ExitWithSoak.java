package com.lockupguard.tools.soak;

import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Runs a main class in a JVM that stops once the soak that started it is gone: {@code args} are the soak's process
 * id, the instant it started (epoch milliseconds, to the second: a process id can be reused), the main class, and
 * that class's arguments. The soak starts each guard instance so: a soak killed with SIGKILL (by the OOM killer, or
 * a CI step's time limit) runs no shutdown hook to stop them, and they ran on for good, 350 MB each, retrying
 * brokers that had gone with it. The soak is named, not taken for this JVM's parent: one killed while this JVM
 * started would leave it the child of init.
 */
public final class ExitWithSoak {

    private ExitWithSoak() {
    }

    public static void main(String[] args) throws Throwable {
        Optional<ProcessHandle> soak = ProcessHandle.of(Long.parseLong(args[0]))
                .filter(handle -> handle.info().startInstant().map(Instant::toEpochMilli)
                        .map(started -> Math.abs(started - Long.parseLong(args[1])) < 1_000).orElse(true));
        if (soak.isEmpty()) {
            stop();
        }
        soak.get().onExit().thenRun(ExitWithSoak::stop);
        try {
            Class.forName(args[2]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 3, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The instance's own shutdown: it leaves its group, as after SIGTERM. */
    private static void stop() {
        System.err.println("the soak that started this guard instance is gone: stopping it");
        System.exit(1);
    }

    /** The arguments before the main class's that name this JVM as the soak. */
    static String[] namingThisJvm() {
        ProcessHandle soak = ProcessHandle.current();
        return new String[] {Long.toString(soak.pid()),
                Long.toString(soak.info().startInstant().map(Instant::toEpochMilli).orElse(0L))};
    }
}
