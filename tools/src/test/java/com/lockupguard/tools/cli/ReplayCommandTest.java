package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.lockupguard.cli.LockupGuardCli;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CapturedCommand.run(out, err, args);
    }

    @Test
    void shouldPrintOneDecisionPerOrderAndExitZero() {
        int exit = run("replay", "examples/letter-2003.jsonl");
        assertThat(exit).isZero();
        assertThat(out.toString().lines()).hasSize(11).allSatisfy(l -> assertThat(l).startsWith("{\"orderId\":"));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldExitNonZeroWhenALineCannotBeRead() throws Exception {
        Path timeline = Files.writeString(dir.resolve("t.jsonl"), "garbage\n");
        assertThat(run("replay", timeline.toString())).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
        assertThat(err.toString()).contains("line 1: skipped");
    }

    @Test
    void shouldStopAndSayItWhenTheOutputStopsTakingTheAnswersRatherThanExitZero() throws Exception {
        // given 5,000 orders, and an output that takes 64 KiB and then fails, as a full disk or a closed pipe does
        StringBuilder timeline = new StringBuilder("{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\","
                + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}\n");
        for (int i = 0; i < 5_000; i++) {
            timeline.append("{\"type\":\"order\",\"at\":\"2003-05-15T10:00:00-04:00\",\"orderId\":\"o").append(i)
                    .append("\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\","
                            + "\"quantity\":1}\n");
        }
        Path file = Files.writeString(dir.resolve("orders.jsonl"), timeline);
        FailingWriter failing = new FailingWriter(64 * 1024);
        String[] args = {"replay", file.toString()};
        picocli.CommandLine command = LockupGuardTools.commandLineFor(args);
        command.setOut(new java.io.PrintWriter(failing));
        command.setErr(new java.io.PrintWriter(err));

        // when
        int exit = command.execute(args);

        // then the output cut short does not pass for a whole one, and the replay stopped rather than answer the
        // rest for no one
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("cannot write the answers: standard output stopped taking them");
        assertThat(failing.linesOffered).isLessThan(5_000);
    }

    @Test
    void shouldSayWhyAnAgreementWasNotAppliedOnOneLineWhateverItQuotes() throws Exception {
        // given agreements whose values hold a line break that forges a message of its own, and a terminal escape
        Path timeline = Files.writeString(dir.resolve("forged.jsonl"), String.join("\n",
                "{\"type\":\"agreement\",\"investorId\":\"i\",\"securityId\":\"s\","
                        + "\"executionDate\":\"2003-04-28\\nline 99: agreement not applied: forged\"}",
                "{\"type\":\"agreement\",\"investorId\":\"i\",\"securityId\":\"s\","
                        + "\"executionDate\":\"2003-04-28\",\"trancheMode\":\"x\\u001b[31mRED\"}",
                "{\"type\":\"agreement\",\"investorId\":\"i\",\"securityId\":\"s\","
                        + "\"executionDate\":\"2003-04-28\",\"timeZone\":\"Mars/\\r\\nOlympus\"}", ""));

        // when
        run("replay", timeline.toString());

        // then each refusal is one line, the break written \n and the escape '?'
        assertThat(err.toString().lines()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("line "))
                .noneMatch(line -> line.contains("\u001b"));
        assertThat(err.toString()).contains("2003-04-28\\nline 99", "x?[31mRED", "Mars/\\nOlympus");
    }

    /** Takes {@code capacity} characters, then fails every write, counting the lines it was offered. */
    private static final class FailingWriter extends java.io.Writer {
        private int room;
        private int linesOffered;

        FailingWriter(int capacity) {
            room = capacity;
        }

        @Override
        public void write(char[] text, int offset, int length) throws java.io.IOException {
            for (int i = offset; i < offset + length; i++) {
                linesOffered += text[i] == '\n' ? 1 : 0;
            }
            if (length > room) {
                room = 0;
                throw new java.io.IOException("No space left on device");
            }
            room -= length;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void shouldExitWithUsageCodeForMissingFile() {
        assertThat(run("replay", dir.resolve("missing.jsonl").toString())).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("cannot replay").contains(": no such file");
    }

    @Test
    void shouldNameATimelineWhoseFileNameHoldsALineBreakAndAnEscapeOnOneLineThatDrivesNoTerminal() {
        // given a file name, from a directory listing say, that forges a message of its own and colours the terminal
        String name = dir.resolve("a\nline 1: skipped: forged\u001b[31m.jsonl").toString();

        // when
        int exit = run("replay", name);

        // then the refusal is one line, the break written \n and the escape '?'
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString().lines()).singleElement().asString()
                .endsWith("a\\nline 1: skipped: forged?[31m.jsonl: no such file");
    }

    @Test
    void shouldNameThePositionsFileWhenItCannotBeWrittenNotTheTimeline() {
        // given a positions file in a folder that does not exist
        Path positions = dir.resolve("no-such-folder").resolve("positions.jsonl");

        // when
        int exit = run("replay", "--positions", positions.toString(), "examples/letter-2003.jsonl");

        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("cannot write the positions to " + positions + ": no such file")
                .doesNotContain("letter-2003");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldRefuseToWriteThePositionsOverTheTimelineItReads() throws Exception {
        // given a recorded timeline, named directly and through a link
        Path timeline = Files.copy(Path.of("examples/letter-2003.jsonl"), dir.resolve("recorded.jsonl"));
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), timeline);
        byte[] recorded = Files.readAllBytes(timeline);

        for (Path positions : List.of(timeline, link)) {
            // when the positions are asked for in the same file
            int exit = run("replay", "--positions", positions.toString(), timeline.toString());

            // then nothing is replayed, and the recording is left as it was
            assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
            assertThat(err.toString()).contains("--positions " + positions + " is the timeline itself");
            assertThat(out.toString()).isEmpty();
            assertThat(Files.readAllBytes(timeline)).isEqualTo(recorded);
        }
    }

    @Test
    void shouldLeaveThePositionsFileAsItWasWhenTheTimelineCannotBeRead() throws Exception {
        // given the positions of an earlier replay, and a timeline named by mistake that opens but cannot be read
        Path positions = Files.writeString(dir.resolve("positions.jsonl"), "{\"earlier\":\"positions\"}\n");
        Path folder = Files.createDirectory(dir.resolve("folder"));

        // when
        int exit = run("replay", "--positions", positions.toString(), folder.toString());

        // then the replay fails naming the timeline, and the earlier positions are not emptied
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("cannot replay " + folder + ": Is a directory");
        assertThat(out.toString()).isEmpty();
        assertThat(positions).hasContent("{\"earlier\":\"positions\"}");
    }

    @Test
    void shouldSayAnEmptyFileNameIsEmptyRatherThanReadTheWorkingDirectory() {
        // given an unset shell variable, which the shell passes as an empty argument
        // when it names the timeline, then the positions file
        int timeline = run("replay", "");
        int positions = run("replay", "--positions=", "examples/letter-2003.jsonl");

        // then
        assertThat(timeline).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(positions).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("cannot replay: the timeline's file name is empty")
                .contains("--positions needs a file: its name is empty").doesNotContain("Is a directory");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldRefusePositionsOnStandardOutputWhereTheDecisionsGo() {
        // when
        int exit = run("replay", "--positions", "-", "examples/letter-2003.jsonl");

        // then no file named '-' is made, and the decisions are not mixed with positions
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--positions needs a file");
        assertThat(Path.of("-")).doesNotExist();
    }

    @Test
    void shouldRefusePositionsOnStandardOutputByAnotherName() {
        // when the positions are asked for on this process's standard output by its device's name
        int exit = run("replay", "--positions", "/dev/stdout", "examples/letter-2003.jsonl");

        // then it is refused, before a line is written (seen: the two writers' buffers cut into each other's lines,
        // five lines of the JSONL broken, and exit code 0)
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--positions needs a file of its own: /dev/stdout is where the decisions "
                + "are written");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldSayWhenVerboseWhatMadeAnOrderOrReportInvalidByLineAndFieldAndStillExitZero() throws Exception {
        // given the letter's agreement, an order written with a local time, one with a fraction, a fill of 0
        Path timeline = Files.writeString(dir.resolve("invalid.jsonl"), String.join("\n",
                "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\",\"investorId\":\"dutchess\","
                        + "\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}",
                "{\"type\":\"order\",\"at\":\"2003-07-02T10:00:00\",\"orderId\":\"o1\",\"investorId\":"
                        + "\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":5}",
                "{\"type\":\"order\",\"at\":\"2003-08-02T10:00:00-04:00\",\"orderId\":\"o2\",\"investorId\":"
                        + "\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":1.5}",
                "{\"type\":\"execution\",\"at\":\"2003-08-02T11:00:00-04:00\",\"executionId\":\"x1\",\"orderId\":"
                        + "\"o2\",\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"FILL\","
                        + "\"quantity\":0}"));

        // when
        int quiet = run("replay", timeline.toString());
        assertThat(err.toString()).isEmpty();
        int exit = run("replay", "-v", timeline.toString());

        // then each is answered, and with -v stderr says which field of which line to fix
        assertThat(quiet).isZero();
        assertThat(exit).isZero();
        assertThat(out.toString().lines()).hasSize(6);
        assertThat(err.toString().lines()).containsExactly(
                "line 2: answered INVALID_ORDER: at \"2003-07-02T10:00:00\" is not an ISO-8601 instant with an offset",
                "line 3: answered INVALID_ORDER: quantity 1.5 is not a JSON integer",
                "line 4: answered INVALID: quantity 0 is not from 1 to 1000000000000000");
    }

    @Test
    void shouldKeepAVerboseExplanationOnOneLineWhateverTheInvalidValueHolds() throws Exception {
        // given the letter's agreement, and an order whose kind holds a line separator and a terminal's escape (C1)
        Path timeline = Files.writeString(dir.resolve("breaking.jsonl"), String.join("\n",
                "{\"type\":\"agreement\",\"at\":\"2003-04-28T09:00:00-04:00\",\"investorId\":\"dutchess\","
                        + "\"securityId\":\"CBYI\",\"executionDate\":\"2003-04-28\"}",
                "{\"type\":\"order\",\"at\":\"2003-08-02T10:00:00-04:00\",\"orderId\":\"o1\",\"investorId\":"
                        + "\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"X\\u2028line 9: forged\\u009b31m\","
                        + "\"quantity\":5}"));

        // when
        int exit = run("replay", "-v", timeline.toString());

        // then it is answered, and stderr says why on one line, the separator and the escape written '?'
        assertThat(exit).isZero();
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("line 2: answered INVALID_ORDER: kind ").contains("X?line 9: forged?31m");
    }

    @Test
    void shouldReportALineThatIsNotUtf8ByItsNumberAndReplayTheRest() throws Exception {
        // given the letter's timeline with a Latin-1 byte in an order id on line 4
        List<String> letter = Files.readAllLines(Path.of("examples/letter-2003.jsonl"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < letter.size(); i++) {
            String line = i == 3 ? letter.get(i).replaceFirst("\"orderId\":\"", "\"orderId\":\"\u00e9") : letter.get(i);
            bytes.writeBytes((line + "\n").getBytes(i == 3 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
        }
        Path timeline = Files.write(dir.resolve("latin1.jsonl"), bytes.toByteArray());
        // when
        int exit = run("replay", timeline.toString());
        // then that line is reported and skipped, every other order decided
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
        assertThat(err.toString()).isEqualTo("line 4: skipped: not valid UTF-8" + System.lineSeparator());
        assertThat(out.toString().lines()).hasSize(10);
    }

    @Test
    void shouldReportOrdersWhoseIdsHoldALoneSurrogateRatherThanDecideThemAsOneId() throws Exception {
        // given the letter's agreement, then two orders whose ids differ only in a lone surrogate (which UTF-8, and so
        // the orders topic, would carry as "a?" both), then one whose id ends in a whole surrogate pair
        String order = "{\"type\":\"order\",\"at\":\"2003-09-15T10:00:00-04:00\",\"orderId\":\"%s\","
                + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PRIVATE_TRANSFER\","
                + "\"quantity\":1000}";
        String agreement = Files.readAllLines(Path.of("examples/letter-2003.jsonl")).get(0);
        Path timeline = Files.writeString(dir.resolve("surrogates.jsonl"), String.join("\n", agreement,
                order.formatted("a\\ud800"), order.formatted("a\\udbff"), order.formatted("a\\ud83d\\ude00")) + "\n");

        // when
        int exit = run("replay", timeline.toString());

        // then the two are reported and skipped, and the third decided under its id as written
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_UNREADABLE_INPUT);
        assertThat(err.toString().lines()).containsExactly(
                "line 2: skipped: not Unicode text: orderId holds a lone surrogate (\\ud800, character 2), which "
                        + "UTF-8 cannot carry",
                "line 3: skipped: not Unicode text: orderId holds a lone surrogate (\\udbff, character 2), which "
                        + "UTF-8 cannot carry");
        assertThat(out.toString().lines()).singleElement().asString()
                .startsWith("{\"orderId\":\"a\ud83d\ude00\",").contains("\"decision\":\"APPROVED\"");
    }

    @Test
    void shouldAcceptModeSpelledAsInTheIssueAndDecideByIt() {
        // given the letter's answers as it says (non-cumulative)
        StringWriter asWritten = new StringWriter();
        assertThat(CapturedCommand.run(asWritten, err, "replay", "examples/letter-2003.jsonl")).isZero();
        // when / then the mode imposed decides: the same mode answers the same, the other otherwise
        StringWriter nonCumulative = new StringWriter();
        assertThat(CapturedCommand.run(nonCumulative, err, "replay", "--mode", "non-cumulative",
                "examples/letter-2003.jsonl")).isZero();
        assertThat(nonCumulative.toString()).isEqualTo(asWritten.toString());
        assertThat(run("replay", "--mode", "cumulative", "examples/letter-2003.jsonl")).isZero();
        assertThat(out.toString()).isNotEqualTo(asWritten.toString()); // its terms, and so their hash, differ
        assertThat(run("replay", "--mode", "rolling", "examples/letter-2003.jsonl")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Invalid value for option '--mode': 'rolling' is not a tranche mode: "
                + "cumulative or non-cumulative" + System.lineSeparator()).doesNotContain("Exception");
    }

    @Test
    void shouldSayInOneLineThatNoStateDirectoryCanBeMadeAndLeaveThePositionsFileAlone() throws Exception {
        // given a java.io.tmpdir that does not exist, and a positions file kept from an earlier replay
        Path kept = Files.writeString(dir.resolve("kept.jsonl"), "{\"earlier\":true}\n");
        Path log = dir.resolve("replay.log");

        // when the replay runs, as a user runs it
        Process replay = CommandProcess.start(dir.resolve("no-such-tmp"), log, "replay", "--positions",
                kept.toString(), "examples/letter-2003.jsonl");

        // then a usage or I/O error said in one line, and the positions file as it was
        assertThat(replay.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(replay.exitValue()).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(Files.readAllLines(log)).singleElement().asString()
                .startsWith("cannot replay: it keeps its state in a directory it makes in java.io.tmpdir (")
                .contains("no-such-tmp");
        assertThat(Files.readString(kept)).isEqualTo("{\"earlier\":true}\n");
    }

    @Test
    void shouldWriteItsMessagesInUtf8WhateverTheLocaleAsItsAnswers() throws Exception {
        // given an order whose id is not ASCII, that the rules find invalid, and a locale whose charset is ASCII
        Path timeline = Files.writeString(dir.resolve("zoe.jsonl"), "{\"type\":\"order\",\"orderId\":\"Zo\u00e9/1\","
                + "\"investorId\":\"dutchess\",\"securityId\":\"CBYI\",\"kind\":\"PUBLIC_SALE\",\"quantity\":0}\n");
        Path log = dir.resolve("replay.log");

        // when it is replayed with -v, which says why each invalid order is invalid
        Process replay = CommandProcess.start(Map.of("LC_ALL", "C", "LANG", "C"), dir, log, "replay", "-v",
                timeline.toString());

        // then the message names the id as written, as the answer does
        assertThat(replay.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("line 1: answered INVALID_ORDER: ")
                .contains("Zo\u00e9/1").doesNotContain("Zo?/1");
    }
}
