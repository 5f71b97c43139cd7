package com.lockupguard.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.cli.LockupGuardCli;
import com.lockupguard.tools.replay.Replay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimelineCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    /** The standard output of {@code timeline} with {@code args}, which must succeed. */
    private String timeline(String... args) {
        StringWriter out = new StringWriter();
        String[] command = Stream.concat(Stream.of("timeline"), Stream.of(args)).toArray(String[]::new);
        assertThat(CapturedCommand.run(out, err, command)).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void shouldWriteAnAgreementPerHoldingThenTheOrdersSpacedAsAskedTheSameForTheSameOptions() throws IOException {
        // when a timeline is asked for twice with the same options, and once with another seed
        String first = timeline("--holdings", "20", "--orders", "500", "--start", "2025-01-02T14:30:00Z",
                "--spacing", "PT1M");
        String again = timeline("--holdings", "20", "--orders", "500", "--start", "2025-01-02T14:30:00Z",
                "--spacing", "PT1M");
        String other = timeline("--holdings", "20", "--orders", "500", "--start", "2025-01-02T14:30:00Z",
                "--spacing", "PT1M", "--seed", "7");

        // then the first two are the same, line for line, and the other seed's is not
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        // and it is 20 agreements at the start, then 500 orders a minute apart, the first a minute after it
        List<JsonNode> lines = parsed(first);
        assertThat(lines).hasSize(520);
        assertThat(lines.subList(0, 20)).allSatisfy(line -> {
            assertThat(line.get("type").asText()).isEqualTo("agreement");
            assertThat(line.get("at").asText()).isEqualTo("2025-01-02T14:30:00Z");
        });
        assertThat(lines.subList(20, 520)).allSatisfy(line -> assertThat(line.get("type").asText()).isEqualTo("order"));
        assertThat(lines.get(20).get("at").asText()).isEqualTo("2025-01-02T14:31:00Z");
        assertThat(lines.get(519).get("at").asText()).isEqualTo("2025-01-02T22:50:00Z");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldWriteExecutionReportsThatTheReplayTakesWithoutAWordWhenAskedFor() throws IOException {
        // when a timeline with reports is asked for
        String timeline = timeline("--holdings", "20", "--orders", "2000", "--spacing", "PT10S", "--reports");

        // then it holds reports besides the orders, and the replay answers every line without a warning
        List<JsonNode> lines = parsed(timeline);
        assertThat(lines).filteredOn(line -> line.get("type").asText().equals("order")).hasSize(2_000);
        assertThat(lines).filteredOn(line -> line.get("type").asText().equals("execution")).hasSizeGreaterThan(500);
        StringWriter answers = new StringWriter();
        StringWriter warnings = new StringWriter();
        Replay.Result replayed = new Replay(null).run(new BufferedReader(new StringReader(timeline)),
                new PrintWriter(answers), new PrintWriter(warnings));
        assertThat(replayed.succeeded()).as(warnings.toString()).isTrue();
        assertThat(warnings.toString()).isEmpty();
        // (an answer per order and report line; agreements have none)
        assertThat(answers.toString().lines()).hasSize(lines.size() - 20);
    }

    @Test
    void shouldWriteAFileWholeAndRefuseOneThatCannotBeWritten() throws IOException {
        // given
        Path file = dir.resolve("t.jsonl");

        // when a timeline is written to a file, and to a file in a folder that is not there
        int written = CapturedCommand.run(new StringWriter(), err, "timeline", "--orders", "10", "--holdings", "2",
                "-o", file.toString());
        int refused = CapturedCommand.run(new StringWriter(), err, "timeline", "-o",
                dir.resolve("nowhere").resolve("t.jsonl").toString());

        // then the file holds the timeline, with nothing beside it, and the other is a usage error saying why
        assertThat(written).isZero();
        assertThat(file).hasContent(timeline("--orders", "10", "--holdings", "2").stripTrailing());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        assertThat(refused).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).contains("cannot write " + dir.resolve("nowhere").resolve("t.jsonl"))
                .contains("does not exist");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"--holdings;0;--holdings must be from 1 to 1000000",
        "--holdings;1000001;--holdings must be from 1 to 1000000", "--orders;-1;--orders must be at least 0",
        "--spacing;PT0S;--spacing must be at least 1 ms", "--spacing;-PT1S;--spacing must be at least 1 ms",
        "--spacing;PT0.0005S;--spacing must be at least 1 ms",
        "--start;1970-06-01T00:00:00Z;--start must be from 1971-06-01T00:00:00Z",
        "--start;9999-12-31T23:59:00Z;--start must be from 1971-06-01T00:00:00Z",
        "--spacing;P3650000D;the last order would be stamped +",
        "--spacing;PT2562047788015215H;the last order would be stamped past the end of time",
        "--orders;9223372036854775807;the last order would be stamped past the end of time",
        "--orders;0 --spacing P3650000D --reports;the windows --reports ends would end +",
        "--orders;0 --spacing PT2562047788015215H --reports;the last order would be stamped past the end of time",
        "--spacing;5m;Invalid value for option '--spacing': '5m' is not an ISO-8601 duration such as PT10S, PT5M "
            + "or PT1H",
        "--start;yesterday;Invalid value for option '--start': 'yesterday' is not an instant such as "
            + "2003-04-28T13:00:00Z or 2003-04-28T09:00:00-04:00"})
    void shouldRefuseATimelineItCannotWriteBeforeWritingAnything(String option, String value, String message) {
        // when (a value with spaces: options of its own after it)
        StringWriter out = new StringWriter();
        int exit = CapturedCommand.run(out, err, Stream.concat(Stream.of("timeline", option),
                Stream.of(value.split(" "))).toArray(String[]::new));
        // then
        assertThat(exit).isEqualTo(LockupGuardCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith(message);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldTakeAStartWithAnOffsetAsTheTimelinesWriteTheirTimes() throws IOException {
        // when / then an instant given with its offset is the same instant as in UTC
        assertThat(timeline("--holdings", "1", "--orders", "1", "--start", "2003-04-28T09:00:00-04:00"))
                .isEqualTo(timeline("--holdings", "1", "--orders", "1", "--start", "2003-04-28T13:00:00Z"));
    }

    private static List<JsonNode> parsed(String timeline) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : timeline.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }
}
