package com.lockupguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code export} without a cluster: what it says, and that it leaves no file. On a broker: {@code EndToEndIT}. */
class ExportCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static int portNothingListensOn() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private int run(String... arguments) {
        CommandLine command = LockupGuardCli.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(arguments);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldSayPromptlyThatNoBrokerListensAndLeaveNoFile() throws Exception {
        // given a loopback port nothing listens on
        int port = portNothingListensOn();
        Path given = dir.resolve("given.jsonl");

        // when
        int exit = run("export", "--output", given.toString(), "--set", "bootstrap.servers=127.0.0.1:" + port);

        // then one line says so, with the usage exit code, and neither the file nor its partial copy is there
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot export: Kafka did not answer within "
                + ProduceCommand.REACH_TIMEOUT.toSeconds() + " s: is bootstrap.servers right and the cluster up?"
                + System.lineSeparator());
        assertThat(dir).isEmptyDirectory();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldRefuseAFolderAsTheOutputBeforeAskingKafka() throws Exception {
        // given a loopback port nothing listens on, and an output that is a folder
        int port = portNothingListensOn();

        // when
        int exit = run("export", "--output", dir.toString(), "--set", "bootstrap.servers=127.0.0.1:" + port);

        // then the folder is named at once, not after the whole export was read (nor the cluster's silence)
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot export: cannot write " + dir + ": it is a folder: name a file"
                + System.lineSeparator());
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldSayInOneLineThatAnOutputWhoseNameHoldsALineBreakCannotBeWritten() throws Exception {
        // given a loopback port nothing listens on, and an output in a missing folder whose name holds a line break
        int port = portNothingListensOn();
        Path output = dir.resolve("no\ndir").resolve("x");

        // when
        int exit = run("export", "--output", output.toString(), "--set", "bootstrap.servers=127.0.0.1:" + port);

        // then one line says so, the line break written \n, as produce and replay say theirs
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot export: cannot write " + dir + "/no\\ndir/x: its folder " + dir
                + "/no\\ndir does not exist" + System.lineSeparator());
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldWarnOfAMisspeltSettingAsRunLogsIt() throws Exception {
        // given a loopback port nothing listens on, and a Kafka Streams setting misspelt
        int port = portNothingListensOn();

        // when
        run("export", "--set", "comit.interval.ms=50", "--set", "bootstrap.servers=127.0.0.1:" + port);

        // then its first line names the setting, as run's log does
        assertThat(err.toString()).startsWith("warning: settings neither the guard nor Kafka's clients know, so "
                + "without effect (misspelt?): comit.interval.ms" + System.lineSeparator() + "cannot export: ");
    }

    @Test
    void shouldRefuseTheOrdersTopicNamedUnderAKeyNoOneKnowsRatherThanReadTheDefaultTopic() {
        // when the orders topic is named under topics.orders, which the guard does not have (topic.orders)
        int exit = run("export", "--set", "topics.orders=orders-desk-2", "--set", "bootstrap.servers=127.0.0.1:1");

        // then the export is refused, saying what was meant, before the cluster is asked
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot export: topics.orders: the guard has no such setting, and "
                + "nothing else reads settings under topics., so it would have no effect: did you mean topic.orders?"
                + System.lineSeparator());
    }

    @Test
    void shouldExitWithTheUsageCodeOnARefusedSetting() throws IOException {
        // when
        int exit = run("export", "--set", "topics.partitions=0");

        // then the setting is named before Kafka is asked anything
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("cannot export: ").contains("topics.partitions");
    }

    @Test
    void shouldRefuseAHoldingThatIsNotAnInvestorAndASecurityBeforeAskingKafka() {
        // when
        int exit = run("export", "--holding", "dutchess", "--set", "bootstrap.servers=no-such-host.invalid:9092");
        int nested = run("export", "--holding", "dutchess/CBYI/x", "--set",
                "bootstrap.servers=no-such-host.invalid:9092");

        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(nested).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot export: --holding dutchess is not INVESTOR/SECURITY, each an id "
                + "of 1 to 256 characters without '/'" + System.lineSeparator() + "cannot export: --holding "
                + "dutchess/CBYI/x is not INVESTOR/SECURITY, each an id of 1 to 256 characters without '/'"
                + System.lineSeparator());
    }

    @Test
    void shouldRefuseAnEndThatIsNotAnInstantBeforeAskingKafka() {
        // when: a date without a time, and a time without an offset
        int date = run("export", "--until", "2003-08-01", "--set", "bootstrap.servers=no-such-host.invalid:9092");
        int local = run("export", "--until", "2003-08-01T00:00:00", "--set",
                "bootstrap.servers=no-such-host.invalid:9092");

        // then
        assertThat(date).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(local).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("cannot export: --until 2003-08-01 is not an instant such as "
                + "2003-08-01T00:00:00Z or 2003-07-31T20:00:00-04:00" + System.lineSeparator() + "cannot export: "
                + "--until 2003-08-01T00:00:00 is not an instant such as 2003-08-01T00:00:00Z or "
                + "2003-07-31T20:00:00-04:00" + System.lineSeparator());
    }
}
