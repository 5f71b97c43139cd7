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
}
