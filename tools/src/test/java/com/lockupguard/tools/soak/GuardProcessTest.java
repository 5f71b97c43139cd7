package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A guard instance of the soak: whether it decides, which is what a kill needs to prove anything. */
@Timeout(60)
class GuardProcessTest {

    @TempDir
    Path dir;

    @Test
    void shouldDecideOnlyOnceItHasReachedRunningSinceItsLastStart() throws Exception {
        // given an instance that boots until told to run
        Path go = dir.resolve("go");
        GuardProcess instance = new GuardProcess(0, Map.of("booting.guard.go", go.toString()),
                dir.resolve("instance-0.log"), BootingGuard.class.getName());
        try {
            // when it is started / then it is up, but does not decide while it boots
            instance.start();
            assertThat(instance.isAlive()).isTrue();
            Thread.sleep(300);
            assertThat(instance.decides()).isFalse();

            // and once it has reached RUNNING, it decides
            Files.createFile(go);
            await().atMost(Duration.ofSeconds(20)).until(instance::decides);

            // and when it is killed and started again, booting, its earlier RUNNING in the same log does not count
            instance.kill();
            assertThat(instance.decides()).isFalse();
            Files.delete(go);
            instance.start();
            Thread.sleep(300);
            assertThat(instance.decides()).as("decides while booting again").isFalse();
            Files.createFile(go);
            await().atMost(Duration.ofSeconds(20)).until(instance::decides);
        } finally {
            instance.kill();
        }
    }

    @Test
    void shouldKeepTheInstancesTemporaryFilesInAFolderBesideItsLog() throws Exception {
        // given an instance
        GuardProcess instance = new GuardProcess(3, Map.of("booting.guard.go", dir.resolve("go").toString()),
                dir.resolve("instance-3.log"), BootingGuard.class.getName());
        try {
            // when it is started / then its temporary folder is beside its log, where the soak deletes it
            instance.start();
            assertThat(dir.resolve("tmp-3")).isDirectory();
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(dir.resolve("instance-3.log"))
                    .contains("java.io.tmpdir=" + dir.resolve("tmp-3")));
        } finally {
            instance.kill();
        }
    }

    @Test
    void shouldStopTheInstanceWhenTheSoakThatStartedItIsKilled() throws Exception {
        // given a soak's JVM that started an instance
        Process soak = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), SoakStandIn.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        ProcessHandle instance = null;
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                soak.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).startsWith("instance ");
            instance = ProcessHandle.of(Long.parseLong(line.substring("instance ".length()))).orElseThrow();

            // when the soak is killed with SIGKILL (no shutdown hook of its runs), at once, while the instance's JVM
            // starts
            soak.destroyForcibly().waitFor();

            // then the instance stops too, rather than run on with no soak
            ProcessHandle started = instance;
            await().atMost(Duration.ofSeconds(20)).until(() -> !started.isAlive());
            assertThat(Files.readString(dir.resolve("instance-0.log")))
                    .contains("the soak that started this guard instance is gone: stopping it");
        } finally {
            soak.destroyForcibly();
            if (instance != null) {
                instance.destroyForcibly();
            }
        }
    }

    @Test
    void shouldStopTheInstanceOfASoakKilledOnceTheInstanceRuns() throws Exception {
        // given a soak's JVM that started an instance, which runs
        Process soak = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), SoakStandIn.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        ProcessHandle instance = null;
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                soak.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            String line = out.readLine();
            instance = ProcessHandle.of(Long.parseLong(line.substring("instance ".length()))).orElseThrow();
            Files.createFile(dir.resolve("go"));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(dir.resolve("instance-0.log"))
                    .contains("-> RUNNING"));

            // when the soak is killed with SIGKILL
            soak.destroyForcibly().waitFor();

            // then the instance stops too
            ProcessHandle started = instance;
            await().atMost(Duration.ofSeconds(20)).until(() -> !started.isAlive());
        } finally {
            soak.destroyForcibly();
            if (instance != null) {
                instance.destroyForcibly();
            }
        }
    }
}
