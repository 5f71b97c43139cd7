package com.lockupguard.tools.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Stands in for a guard's JVM in {@link GuardProcessTest}: boots until the file its setting {@code booting.guard.go}
 * names exists ({@code --set booting.guard.go=FILE}, as the soak passes settings), then logs what the guard logs once
 * Kafka Streams runs, and waits to be killed. It logs its temporary folder first.
 */
public final class BootingGuard {

    private static final String GO = "booting.guard.go=";

    private BootingGuard() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path go = Path.of(Arrays.stream(args).filter(arg -> arg.startsWith(GO)).findFirst().orElseThrow()
                .substring(GO.length()));
        System.out.println("java.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        System.out.flush();
        while (!Files.exists(go)) {
            Thread.sleep(20);
        }
        System.out.println("06:48:00.894 INFO  c.l.app.GuardService - guard state REBALANCING -> RUNNING");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
