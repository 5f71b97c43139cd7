package com.lockupguard.cli;

import com.lockupguard.app.AdminRequests;
import com.lockupguard.app.ChangelogReplication;
import com.lockupguard.app.ChangelogSettings;
import com.lockupguard.app.ClientSettings;
import com.lockupguard.app.ClusterNotAnsweredException;
import com.lockupguard.app.ConfigTable;
import com.lockupguard.app.CredentialsInClear;
import com.lockupguard.app.DeletedUnread;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.app.GuardService;
import com.lockupguard.app.GuardHistory;
import com.lockupguard.app.GuardPermissions;
import com.lockupguard.app.HistoryChecks;
import com.lockupguard.app.HttpSecurity;
import com.lockupguard.app.MemtableFit;
import com.lockupguard.app.ShownSettings;
import com.lockupguard.app.TopicPolicy;
import com.lockupguard.app.TopicProvisioner;
import com.lockupguard.app.TransactionTimeout;
import com.lockupguard.registry.RegistryClientConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code config}: the guard's settings, or the settings a given configuration resolves to. */
@Command(name = "config",
        mixinStandardHelpOptions = true,
        description = {"Prints the guard's settings as a Markdown table; with --config/--set/--check, validates "
                + "a configuration and prints what it resolves to (secrets masked).",
            "With --check it also refuses what Kafka's clients or the registry's client would refuse at start, "
                    + "and names settings none of them knows (misspelt?); then it asks the cluster, when it answers "
                    + "within --timeout, about the guard's existing "
                    + "topics and reports what `run` would refuse at start: a topic that deletes records the guard "
                    + "must read or keep, with the command that fixes it; inputs not co-partitioned, or with "
                    + "partitions added since the guard's state was built; another guard's decisions on the "
                    + "topics of one that never ran; the guard's state (its changelogs) or its positions on its "
                    + "inputs gone since it ran. Exit code 1 when `run` would refuse (a retention problem with "
                    + "topics.retention.check=fail, the partitions, another guard's decisions with "
                    + "topics.existing.decisions.check=fail, its state gone with topics.lost.state.check=fail, its "
                    + "positions gone with topics.lost.positions.check=fail, a replication.factor or, for topics "
                    + "the start would create, a topics.replication.factor above the cluster's brokers, topic.* "
                    + "settings the cluster refuses for the changelogs, a transaction "
                    + "timeout given above the brokers' transaction.max.timeout.ms) or when the "
                    + "cluster answers but refuses the check (a login it does not take, say), 0 "
                    + "when no broker answers within --timeout, or none of their names resolves (the topics are "
                    + "then not checked), 2 on a configuration error.",
            "With --acls it prints the kafka-acls commands that grant what the guard needs."})
public final class ConfigCommand implements Callable<Integer> {

    static final String DEFAULT_PRINCIPAL = "User:lockup-guard";

    @Mixin
    private SettingsOptions settings;

    @Option(names = "--check", description = "Resolve defaults, file, environment and --set, and validate.")
    private boolean check;

    /** What {@code run} would log of input records deleted before the guard read them: printed with the findings. */
    private final List<String> lostRecords = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long --check waits for the cluster (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = "--acls", description = "Print the kafka-acls commands that grant the guard, configured so, "
            + "what it needs on the cluster (docs/SECURITY.md lists them for the defaults).")
    private boolean acls;

    @Option(names = "--principal", paramLabel = "PRINCIPAL", description = "The guard's principal for --acls "
            + "(default: User:<the user name of the SASL login its clients use, sasl.jaas.config or admin., "
            + "producer., consumer., main.consumer., restore.consumer.sasl.jaas.config>, or User:lockup-guard; "
            + "clients of different principals are named, and each is granted).")
    private String principal;

    @Spec
    private CommandSpec spec;

    /** The most seconds --timeout takes: the admin client takes its timeouts in int milliseconds. */
    static final int MAX_TIMEOUT_SECONDS = Integer.MAX_VALUE / 1000;

    @Override
    public Integer call() {
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            // 0 or less asked nothing and said "topics not checked"; more overflowed the client's milliseconds
            throw new ParameterException(spec.commandLine(), "--timeout " + timeoutSeconds + ": from 1 to "
                    + MAX_TIMEOUT_SECONDS + " seconds");
        }
        refuseOptionsWithoutEffect();
        if (!settings.given() && !check && !acls) {
            spec.commandLine().getOut().print(ConfigTable.markdown(GuardConfig.definition()));
            return 0;
        }
        try {
            GuardConfig config = new GuardConfig(settings.load());
            if (acls) {
                spec.commandLine().getOut().print(acls(config, principal));
                return 0;
            }
            ShownSettings.of(config).forEach((key, value) -> spec.commandLine().getOut().println(key + "=" + value));
            if (check) {
                // as run's clients take them: a value one refuses stops run at start
                ClientSettings.check(config);
                Set<String> unknown = ClientSettings.unknown(config);
                if (!unknown.isEmpty()) {
                    spec.commandLine().getOut().println("# settings neither the guard nor Kafka's clients know, so "
                            + "without effect (misspelt?): " + String.join(", ", unknown));
                }
                GuardService.guaranteeWarning(config).ifPresent(warning -> spec.commandLine().getOut()
                        .println("# " + warning));
                CredentialsInClear.of(config).forEach(warning -> spec.commandLine().getOut().println("# " + warning));
            }
            if (check && config.getInt(GuardConfig.HTTP_PORT_CONFIG) >= 0) {
                // the HTTP API's settings that only make sense together, and the refusal to serve the network unauthenticated
                HttpSecurity security = HttpSecurity.from(config);
                security.checkExposure(config.getString(GuardConfig.HTTP_HOST_CONFIG));
                spec.commandLine().getOut().println("# http: authentication " + security.authentication().describe()
                        + (security.https() == null ? ", plain http" : ", https"));
            }
            return check ? checkTopics(config) : 0;
        } catch (ConfigException | IOException e) {
            // a refused value is quoted in the message: a URL's credentials with it
            spec.commandLine().getErr().println("configuration error: " + RegistryClientConfig.shown(e.getMessage()));
            return LockupGuardCli.EXIT_USAGE;
        }
    }

    /**
     * Refuses an option this run would ignore: a deployment step written {@code config --check --acls} passed having
     * checked nothing, and a {@code --principal} or {@code --timeout} left out of what was done went unnoticed.
     */
    private void refuseOptionsWithoutEffect() {
        if (acls && check) {
            throw new ParameterException(spec.commandLine(), "--acls and --check: one at a time (--acls prints the "
                    + "commands that grant the guard's permissions, and checks nothing)");
        }
        if (principal != null && !acls) {
            throw new ParameterException(spec.commandLine(), "--principal is the principal --acls grants to: "
                    + "without --acls it would be ignored");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--timeout") && !check) {
            throw new ParameterException(spec.commandLine(), "--timeout is how long --check waits for the cluster: "
                    + "without --check it would be ignored");
        }
    }

    /**
     * The commands for {@code given} (--principal), or for the principal the guard's clients log in as, or
     * {@link #DEFAULT_PRINCIPAL} when their settings do not say. When the clients log in as different principals,
     * the output says which is which and grants to each of them, rather than to one picked silently.
     */
    static String acls(GuardConfig config, String given) {
        Map<String, String> byClient = GuardPermissions.principals(config);
        Set<String> distinct = new LinkedHashSet<>(byClient.values());
        if (given != null || distinct.size() == 1) {
            String who = given != null ? given
                    : Optional.ofNullable(distinct.iterator().next()).orElse(DEFAULT_PRINCIPAL);
            return GuardPermissions.commands(config, who);
        }
        StringBuilder out = new StringBuilder("# the guard's Kafka clients log in as different principals:\n");
        byClient.forEach((client, who) -> out.append("#   ").append(client).append(": ")
                .append(who == null ? "not told by its settings (mTLS, Kerberos, OAUTHBEARER, no SASL)" : who)
                .append('\n'));
        out.append("# each principal below is granted everything the guard needs; narrow each to what its clients "
                + "do, or give one principal with --principal\n");
        distinct.remove(null);
        distinct.forEach(who -> out.append("\n# ---- ").append(who).append('\n')
                .append(GuardPermissions.commands(config, who)));
        return out.toString();
    }

    /** What the start-up topic check would say; the cluster not answering is reported, not an error. */
    private int checkTopics(GuardConfig config) {
        PrintWriter out = spec.commandLine().getOut();
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        Properties client = config.adminProperties();
        client.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        client.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        List<TopicPolicy.Problem> problems;
        List<String> changelogWarnings;
        Optional<String> refused;
        List<HistoryChecks.Finding> findings;
        Optional<Integer> partitions;
        try (Admin admin = ClusterProbe.reach(client, timeout)) {
            TopicProvisioner provisioner = TopicProvisioner.from(admin, config, timeout);
            refused = provisioner.partitionRefusal();
            if (refused.isEmpty()) {
                refused = ChangelogReplication.refusal(admin, config, timeout);
            }
            if (refused.isEmpty()) {
                refused = ChangelogReplication.topicsRefusal(admin, config, provisioner.missing(), timeout);
            }
            if (refused.isEmpty()) {
                refused = ChangelogSettings.refusal(admin, config, timeout);
            }
            if (refused.isEmpty()) {
                refused = TransactionTimeout.refusal(admin, config, timeout);
            }
            findings = refused.isEmpty() ? historyFindings(admin, config, timeout, out) : List.of();
            TopicProvisioner.Reading reading = provisioner.readAgain();
            problems = reading.problems();
            changelogWarnings = reading.changelogWarnings();
            partitions = orderPartitions(provisioner, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LockupGuardCli.EXIT_USAGE;
        } catch (RuntimeException e) {
            out.println("# topics not checked: " + FailureText.ofStart(e));
            printMemtableFit(config, config.getInt(GuardConfig.TOPICS_PARTITIONS_CONFIG), "topics.partitions, the "
                    + "topics not checked", out);
            // a cluster that does not answer may be down for the moment; one that answers and refuses (a login it
            // does not take, a protocol it does not speak) refuses run the same
            return e instanceof ClusterNotAnsweredException ? 0 : LockupGuardCli.EXIT_UNREADABLE_INPUT;
        }
        printMemtableFit(config, partitions.orElse(config.getInt(GuardConfig.TOPICS_PARTITIONS_CONFIG)),
                partitions.isPresent() ? "topic " + config.topicNames().orders() : "topics.partitions, topic "
                        + config.topicNames().orders() + " not found (or not described to this principal)", out);
        refused.ifPresent(reason -> out.println("# topics: `run` would refuse to start: " + reason));
        // a finding its setting turns into a warning is printed too: that setting may have been meant for one start
        findings.forEach(finding -> out.println("# topics: `run` would " + (finding.refuses(config)
                ? "refuse to start: " + finding.reason() : "warn: " + finding.warning())));
        changelogWarnings.forEach(warning -> out.println("# topics: `run` would warn: " + warning));
        lostRecords.forEach(out::println);
        boolean refuses = refused.isPresent() || findings.stream().anyMatch(finding -> finding.refuses(config));
        if (problems.isEmpty()) {
            if (!refuses && findings.isEmpty() && lostRecords.isEmpty()) {
                out.println("# topics: the existing ones keep what the guard must read and keep, and take its answers");
            }
            return refuses ? LockupGuardCli.EXIT_UNREADABLE_INPUT : 0;
        }
        boolean fails = GuardConfig.RETENTION_CHECK_FAIL.equals(
                config.getString(GuardConfig.TOPICS_RETENTION_CHECK_CONFIG));
        out.println("# topics: " + problems.size() + " problem(s); `run` would " + (fails ? "refuse to start" : "warn"));
        problems.forEach(problem -> out.println("# " + problem.message()));
        return fails || refuses ? LockupGuardCli.EXIT_UNREADABLE_INPUT : 0;
    }

    /** The orders topic's partitions, if it can be described; the rest of the check goes on if it cannot. */
    private static Optional<Integer> orderPartitions(TopicProvisioner provisioner, PrintWriter out)
            throws InterruptedException {
        try {
            return provisioner.existingOrderPartitions();
        } catch (RuntimeException e) {
            out.println("# rocksdb: the orders topic's partitions not read: " + FailureText.ofStart(e));
            return Optional.empty();
        }
    }

    /**
     * Whether the RocksDB bound's memtables' share holds every store of an instance of {@code partitions}, as
     * {@code run} says at start; {@code basis} says where the count came from.
     */
    private static void printMemtableFit(GuardConfig config, int partitions, String basis, PrintWriter out) {
        MemtableFit.of(config, partitions).ifPresentOrElse(fit -> out.println("# rocksdb: "
                + (fit.fits() ? "" : "`run` would warn: ") + fit.describe() + " [" + partitions + " partitions: "
                + basis + "]"), () -> out.println("# rocksdb: " + GuardConfig.ROCKSDB_MEMORY_BYTES_CONFIG + "=-1: "
                + "not bounded, every store has Kafka Streams' own block cache and memtables"));
    }

    /**
     * What {@code run} would find in what the cluster keeps of this guard's earlier runs: its state or its positions
     * deleted, or another guard's decisions on the outputs of a never-run one; each a refusal unless its check is set
     * to warn.
     */
    private List<HistoryChecks.Finding> historyFindings(Admin admin, GuardConfig config, Duration timeout,
            PrintWriter out) throws InterruptedException {
        Set<String> existing = AdminRequests.retrying(timeout, () -> admin.listTopics().names());
        GuardHistory history = GuardHistory.read(admin, config, existing, timeout);
        try {
            DeletedUnread.find(admin, history, timeout).forEach(lost -> lostRecords.add("# topics: `run` would log "
                    + "an error: input records lost: " + lost));
        } catch (IllegalStateException e) {
            out.println("# topics: not checked, whether input records were deleted before the guard read them: "
                    + e.getMessage());
        }
        // one check the cluster does not answer (a permission missing, say) leaves the others to report
        return HistoryChecks.run(admin, config, history, existing, timeout, (what, failure) -> out.println(
                "# topics: not checked, " + what + ": " + failure.getMessage()));
    }
}
