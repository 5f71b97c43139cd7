package com.lockupguard.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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

    /** A soak's JVM ({@link SoakStandIn}) that started one instance, and that instance; both killed by close. */
    private record StartedSoak(Process soak, ProcessHandle instance) implements AutoCloseable {

        static StartedSoak in(Path dir) throws IOException {
            Process soak = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), SoakStandIn.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            try {
                String line = new BufferedReader(new InputStreamReader(soak.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertThat(line).startsWith("instance ");
                return new StartedSoak(soak, ProcessHandle.of(Long.parseLong(line.substring("instance ".length())))
                        .orElseThrow());
            } catch (IOException | RuntimeException | AssertionError e) {
                soak.destroyForcibly();
                throw e;
            }
        }

        /** SIGKILL: no shutdown hook of the soak's runs. */
        void kill() throws InterruptedException {
            soak.destroyForcibly().waitFor();
        }

        @Override
        public void close() {
            soak.destroyForcibly();
            instance.destroyForcibly();
        }
    }

    @Test
    void shouldStopTheInstanceWhenTheSoakThatStartedItIsKilled() throws Exception {
        // given a soak's JVM that started an instance
        try (StartedSoak started = StartedSoak.in(dir)) {
            // when the soak is killed, at once, while the instance's JVM starts
            started.kill();

            // then the instance stops too, rather than run on with no soak
            await().atMost(Duration.ofSeconds(20)).until(() -> !started.instance().isAlive());
            assertThat(Files.readString(dir.resolve("instance-0.log")))
                    .contains("the soak that started this guard instance is gone: stopping it");
        }
    }

    @Test
    void shouldStopTheInstanceOfASoakKilledOnceTheInstanceRuns() throws Exception {
        // given a soak's JVM that started an instance, which runs
        try (StartedSoak started = StartedSoak.in(dir)) {
            Files.createFile(dir.resolve("go"));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(dir.resolve("instance-0.log"))
                    .contains("-> RUNNING"));

            // when the soak is killed
            started.kill();

            // then the instance stops too
            await().atMost(Duration.ofSeconds(20)).until(() -> !started.instance().isAlive());
        }
    }
}
