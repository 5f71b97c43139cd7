package com.lockupguard.tools.soak;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Runs a main class ({@code args[0]}, given the rest) in a JVM that stops once the soak that started it is gone: the
 * soak holds the write end of this JVM's standard input, and the kernel closes it when the soak ends, however it ends.
 * The soak starts each guard instance so: a soak killed with SIGKILL (by the OOM killer, or a CI step's time limit)
 * runs no shutdown hook to stop them, and they ran on for good, 350 MB each, retrying brokers that had gone with it.
 * Neither the soak's process id nor this JVM's parent is watched: a parent is init once the soak is gone before this
 * JVM looks, and a start time compared across JVMs moves with the wall clock.
 */
public final class ExitWithSoak {

    private ExitWithSoak() {
    }

    public static void main(String[] args) throws Throwable {
        Thread watch = new Thread(ExitWithSoak::stopAtEndOfInput, "soak-watch");
        watch.setDaemon(true);
        watch.start();
        try {
            Class.forName(args[0]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void stopAtEndOfInput() {
        try {
            while (System.in.read() != -1) {
                // the soak writes nothing: only the end counts
            }
        } catch (IOException e) {
            // as good as the end: the pipe is gone
        }
        System.err.println("the soak that started this guard instance is gone: stopping it");
        System.exit(1); // the instance's own shutdown: it leaves its group, as after SIGTERM
    }
}
