package com.lockupguard.cli;

import com.lockupguard.app.ClientSettings;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.HeldRecords;
import com.lockupguard.app.TopicProvisioner;
import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.timeline.OneLine;
import com.lockupguard.timeline.RunningGuardWait;
import com.lockupguard.timeline.TimelineFile;
import com.lockupguard.timeline.TimelineInput;
import com.lockupguard.timeline.TimelinePreflight;
import com.lockupguard.timeline.TimelineProducer;
import com.lockupguard.topology.GuardTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code produce TIMELINE.jsonl --config FILE}: a timeline onto a real cluster, through the real serdes. */
@Command(name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Sends a JSONL timeline's agreements, orders and execution reports to the guard's input topics (orders and "
                    + "reports to the orders topic, in line order), Avro in Confluent's wire "
                    + "format through the configured schema registry, each line's `at` as the record timestamp (an "
                    + "agreement without one as `replay` applies it; the broker's time if the orders topic uses "
                    + "LogAppendTime).",
            "Settings as for `run` (--config, LOCKUP_GUARD_* environment, --set). Lines that cannot be read or "
                    + "written as a record (an `at` that is not an instant with an offset, an order or report without "
                    + "`at`, which `replay` answers invalid, say) are not sent; they, "
                    + "and records the broker refuses, are reported with their line number; the exit code is then 1. "
                    + "Exit code 2 on a usage or I/O error, or when Kafka (within 10 s) or the schema registry cannot be "
                    + "reached. The file is read twice, checked then sent, and never held whole; one changed in "
                    + "between is not sent (exit code 2). Ctrl-C or SIGTERM while sending: the lines handed to the "
                    + "producer are awaited, and the line it stopped after is said (or that every line was sent); the "
                    + "exit code is then the signal's, 130 or 143. Before the sending starts, a signal stops it at "
                    + "once: nothing was sent.",
            "Before sending, the target topics' settings are checked: on a CreateTime topic the broker deletes "
                    + "records by their own timestamp, so records stamped further back than its retention.ms would "
                    + "be deleted before the guard reads them. Then nothing is sent (exit code 3) unless "
                    + "--allow-expiring-records."
        })
public final class ProduceCommand implements Callable<Integer> {

    /** How long the cluster has to answer its first question; a dead one is said so at once, not after a minute. */
    static final Duration REACH_TIMEOUT = Duration.ofSeconds(10);
    /** How often {@code --progress} says how far the sending has got. */
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    /**
     * How long a signal waits for the lines already handed to the producer to be acknowledged and the summary said,
     * before the JVM halts anyway: the producer's own wait for an answer is longer (a minute).
     */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    @Parameters(index = "0", paramLabel = "TIMELINE", description = "JSONL timeline file.")
    private Path timeline;

    @Mixin
    private SettingsOptions settings;

    @Option(names = "--allow-expiring-records", description = "Send even when a target topic would delete or refuse "
            + "some of the records (each one the broker refuses is still reported).")
    private boolean allowExpiringRecords;

    @Option(names = "--if-empty", description = "Send nothing when a topic the timeline would write to was written "
            + "to before (its offsets, which retention does not take back): a job that loads example data on every "
            + "start sends it once, rather than again into a guard that has decided it. The exit code is then 0, "
            + "or 1 if lines cannot be sent.")
    private boolean ifEmpty;

    @Option(names = "--progress", description = "Say on stderr, every 5 s, how many of the lines were sent.")
    private boolean progress;

    @Option(names = "--no-guard-wait", description = "Send the lines after a run of agreements once the broker has "
            + "the agreements, without waiting for a running guard (application.id) to take them first: faster for a "
            + "timeline of many agreement versions between its orders, but the orders sent after an agreement may then "
            + "meet the guard first and be blocked UNKNOWN_AGREEMENT (seen: 327 orders of 13 holdings, with the "
            + "guard running while the timeline was sent).")
    private boolean noGuardWait;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GuardConfig config;
        TimelineFile lines;
        try {
            config = new GuardConfig(settings.load());
            ClientSettings.check(config); // a login that cannot be read, say: named before the cluster is asked
        } catch (ConfigException | IOException e) {
            err.println(cannotProduce() + RegistryClientConfig.shown(e.getMessage()));
            return LockupGuardCli.EXIT_USAGE;
        }
        SettingsOptions.warnOfUnknown(config, err);
        SettingsOptions.warnOfInProcessRegistry(config, err, "the records sent name schema ids of its own, which a "
                + "guard in another process reads as another schema's or not at all (dead-lettered UNDECODABLE)");
        if (timeline.toString().equals("-")) {
            // a file of that name is ./-: `replay -` reads standard input, and one might expect this to
            err.println(cannotProduce() + "`-` (standard input) is not read: give the timeline's file, or, for a pipe, "
                    + "/dev/stdin, whose lines are held to be sent (./- names a file called -)");
            return LockupGuardCli.EXIT_USAGE;
        }
        try {
            // read once to check it, and again to send it: a timeline of millions of lines is never held whole
            lines = TimelineFile.scan(timeline, config.topicNames().agreements(), config.topicNames().orders(),
                    (lineNumber, warning) -> err.printf(Locale.ROOT,
                            "line %d: warning: %s%n", lineNumber, warning), err::println);
        } catch (IOException e) {
            err.println(cannotProduce() + TimelineInput.describe(e));
            return LockupGuardCli.EXIT_USAGE;
        }
        try {
            int sent = send(config, lines, out, err);
            return sent != 0 || lines.refused() == 0 ? sent : LockupGuardCli.EXIT_UNREADABLE_INPUT;
        } catch (IOException e) {
            err.println(cannotProduce() + TimelineInput.describe(e));
            return LockupGuardCli.EXIT_USAGE;
        } catch (IllegalStateException | KafkaException e) {
            // Kafka or the registry cannot be reached, or refuses the client: the message says what to check
            err.println(cannotProduce() + messageOf(e));
            return LockupGuardCli.EXIT_USAGE;
        }
    }

    /** Sends the lines of {@code timeline} that can be sent; 0, or the exit code of what went wrong. */
    private int send(GuardConfig config, TimelineFile lines, PrintWriter out, PrintWriter err)
            throws InterruptedException, IOException {
        GuardTopics topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
        try (Admin admin = ClusterProbe.reach(config.adminProperties(), REACH_TIMEOUT)) {
            if (config.getBoolean(GuardConfig.TOPICS_CREATE_CONFIG)) {
                TopicProvisioner.from(admin, config).provision(true);
            } else {
                TopicProvisioner.from(admin, config).requireExisting(lines.stamps().topics());
            }
            if (ifEmpty) {
                // by offsets, which never go back: a topic whose records retention deleted was written all the same
                Map<String, Long> written = HeldRecords.offsetsWritten(admin, lines.stamps().topics(), REACH_TIMEOUT);
                if (!written.isEmpty()) {
                    out.println("nothing sent (--if-empty): " + written.entrySet().stream()
                            .map(topic -> topic.getKey() + " was written to (" + topic.getValue() + " offsets)")
                            .collect(Collectors.joining(", ")));
                    return 0;
                }
            }
            TimelinePreflight.Findings findings = TimelinePreflight.check(admin, lines.stamps(), Instant.now());
            findings.warnings().forEach(warning -> err.println("warning: " + warning));
            List<TimelinePreflight.Problem> problems = findings.problems();
            problems.forEach(problem -> err.println((allowExpiringRecords ? "warning: " : "not sent: ") + problem));
            if (!problems.isEmpty() && !allowExpiringRecords) {
                err.println("nothing was sent: the records above would be lost or refused (--allow-expiring-records "
                        + "sends anyway)");
                return LockupGuardCli.EXIT_REFUSED;
            }
        }
        TimelineProducer.Sent sent;
        TimelineFile.ChangedException changed = null;
        int[] lastSent = {0};
        boolean stopped = false;
        // Ctrl-C or SIGTERM while sending: the lines handed to the producer are awaited and the summary says how far
        // the timeline got, before the JVM halts; without it, nothing said which lines were sent
        try (ShutdownHandshake shutdown = ShutdownHandshake.install(STOP_TIMEOUT)) {
            // each record the broker refuses is said as its answer comes, not held to the end
            try (TimelineProducer producer = new TimelineProducer(config.producerProperties(), topics, err::println);
                    Admin admin = Admin.create(config.adminProperties())) {
                if (!noGuardWait) {
                    producer.awaitAfterAgreements(new RunningGuardWait(admin,
                            config.getString(GuardConfig.APPLICATION_ID_CONFIG), RunningGuardWait.LONGEST,
                            warning -> err.println("warning: " + warning), shutdown::stopRequested));
                }
                SendProgress said = new SendProgress(lines.sendable(), PROGRESS_INTERVAL, System::nanoTime,
                        err::println);
                try {
                    lines.forEachSendable(entry -> {
                        if (shutdown.stopRequested()) {
                            throw new InterruptedException("stopped by a signal");
                        }
                        producer.send(entry);
                        lastSent[0] = entry.lineNumber();
                        if (progress) {
                            said.sent();
                        }
                    });
                } catch (TimelineFile.ChangedException e) {
                    changed = e; // what was sent before the change is still awaited and said
                } catch (InterruptedException e) {
                    if (!shutdown.stopRequested()) {
                        throw e;
                    }
                    stopped = true;
                } catch (IllegalStateException | KafkaException e) {
                    // brokers lost on the way: how far it got, which the producer's error does not say
                    if (lastSent[0] == 0) {
                        throw e;
                    }
                    int answered = producer.answeredThrough();
                    throw new IllegalStateException(messageOf(e) + "; sending stopped after line " + lastSent[0]
                            + " was handed to the producer, and the lines after it were not sent: " + (answered == 0
                            ? "no line had an answer" : "every line up to line " + answered + " had its answer "
                            + "(written, or named above as refused or not acknowledged)") + (answered >= lastSent[0]
                            ? "" : "; those from line " + (answered + 1) + " may be on the topics or not (read them "
                            + "back with export; an order or report sent again is known by its id)"), e);
                }
                sent = producer.finish();
            }
            out.printf(Locale.ROOT,
                    "sent %d agreements to %s, %d orders and %d execution reports to %s%s%n", sent.agreements(),
                    topics.agreements().name(), sent.orders(), sent.executions(), topics.orders().name(),
                    sent.refused() == 0 ? "" : "; " + sent.refused() + " record(s) refused or not acknowledged, "
                            + "named above");
            if (stopped) {
                err.println(cannotProduce() + (lastSent[0] == 0 ? "stopped by a signal before its first line"
                        : "stopped by a signal after line " + lastSent[0] + ": the lines after it were not sent"));
            } else if (changed != null) {
                err.println(cannotProduce() + changed.getMessage());
            } else if (shutdown.stopRequested()) {
                // the JVM's exit code will be the signal's: what was sent is said all the same
                err.println("produce " + OneLine.of(String.valueOf(timeline)) + ": a signal came after its last line "
                        + "was handed to the producer: every line was sent");
            }
            // all said before the JVM halts, when a signal (one that came during the last acknowledgements too) is
            // waiting for this to close
            out.flush();
            err.flush();
        }
        if (stopped || changed != null) {
            return LockupGuardCli.EXIT_USAGE; // after a signal, the JVM's exit code is the signal's (130, 143)
        }
        return sent.refused() == 0 ? 0 : LockupGuardCli.EXIT_UNREADABLE_INPUT;
    }

    /** The start of a message that the timeline cannot be produced, its file name on one line. */
    private String cannotProduce() {
        return "cannot produce " + OneLine.of(String.valueOf(timeline)) + ": ";
    }

    private static String messageOf(RuntimeException e) {
        Throwable cause = e.getCause();
        if (cause == null || cause.getMessage() == null
                || String.valueOf(e.getMessage()).contains(cause.getMessage())) {
            return e.getMessage();
        }
        return e.getMessage() + ": " + cause.getMessage();
    }
}
