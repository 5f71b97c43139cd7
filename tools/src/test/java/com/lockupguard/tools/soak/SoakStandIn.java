package com.lockupguard.tools.soak;

import java.nio.file.Path;
import java.util.Map;

/**
 * Stands in for a soak's JVM in {@link GuardProcessTest}: starts one instance ({@link BootingGuard}) in the folder its
 * first argument names, prints the instance's process id, and waits to be killed.
 */
public final class SoakStandIn {

    private SoakStandIn() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        GuardProcess instance = new GuardProcess(0, Map.of("booting.guard.go", dir.resolve("go").toString()),
                dir.resolve("instance-0.log"), BootingGuard.class.getName());
        instance.start();
        System.out.println("instance " + instance.pid());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
