package com.lockupguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.lockupguard.app.ClientSettings;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.RegistryClientConfig;
import com.lockupguard.registry.SchemaBootstrap;
import com.lockupguard.registry.SchemaRegistryClient;
import com.lockupguard.serde.SubjectNames;
import com.lockupguard.topology.GuardTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code schemas}: the subjects and schemas of the guard's topics, for a deployment step that registers them where
 * the guard may not ({@code auto.register.schemas=false}); or their registration, with the guard's own client.
 */
@Command(name = "schemas",
        mixinStandardHelpOptions = true,
        description = {"Prints, one JSON line each, the schema registry subjects of the guard's topics as a "
                + "configuration names them: {\"subject\", \"record\", \"written\", \"schema\"}, the schema whole "
                + "(named types inlined), as a registry's POST /subjects/{subject}/versions takes it. `written` "
                + "marks what the guard writes (orders too while its HTTP API, POST /api/orders, is on); the others "
                + "are its producers' (agreements, orders, execution reports).",
            "With --register it registers what the guard writes (with --inputs, the producers' subjects too) "
                    + "through the configured registry client, so that `run` starts with "
                    + "auto.register.schemas=false. Exit code 1 when a subject could not be registered, 2 on a "
                    + "configuration error."})
public final class SchemasCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    private SettingsOptions settings;

    @Option(names = "--register", description = "Register the subjects instead of printing them.")
    private boolean register;

    @Option(names = "--inputs", description = "With --register: the producers' subjects too.")
    private boolean inputs;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (inputs && !register) {
            // a step written `schemas --inputs` expecting the producers' subjects registered would pass, having
            // registered nothing
            spec.commandLine().getErr().println("--inputs goes with --register: without it every subject is "
                    + "printed, the producers' too, and nothing is registered");
            return LockupGuardCli.EXIT_USAGE;
        }
        GuardTopics topics;
        List<SchemaBootstrap.Subject> subjects;
        try {
            GuardConfig config = new GuardConfig(settings.load());
            ClientSettings.checkRegistryAndNames(config);
            SettingsOptions.warnOfUnknown(config, spec.commandLine().getErr());
            topics = GuardTopics.avro(config.topicNames(), config.serdeConfig());
            if (topics.whySubjectsUnknown().isPresent()) {
                // printing TopicNameStrategy's subjects would send a deployment step to register the wrong ones
                spec.commandLine().getErr().println(topics.whySubjectsUnknown().get());
                return LockupGuardCli.EXIT_USAGE;
            }
            subjects = subjects(config, topics);
        } catch (ConfigException | IOException e) {
            // a refused value is quoted in the message: a URL's credentials with it
            spec.commandLine().getErr().println("configuration error: " + RegistryClientConfig.shown(e.getMessage()));
            return LockupGuardCli.EXIT_USAGE;
        }
        if (!register) {
            topics.pluggedSerde().ifPresent(serde -> spec.commandLine().getErr().println("note: "
                    + GuardTopics.VALUE_SERDE_CONFIG + " " + serde + " is a plugged-in serde: its subjects are named "
                    + "as Confluent's serializers name them by " + SubjectNames.VALUE_STRATEGY_CONFIG
                    + "; a serde that names them otherwise writes under its own"));
            subjects.forEach(this::print);
            spec.commandLine().getOut().flush();
            return 0;
        }
        if (topics.registry().isEmpty()) {
            spec.commandLine().getErr().println("default.value.serde is a plugged-in serde: it registers its own "
                    + "schemas, and the guard has no registry client of its own");
            return LockupGuardCli.EXIT_USAGE;
        }
        // the API's orders subject last: a version of it its other producers hold that this one cannot join must not
        // keep the stream's outputs from being registered
        List<SchemaBootstrap.Subject> order = subjects.stream().sorted(Comparator.comparing(subject ->
                subject.written() && subject.schema().equals(ProposedOrder.getClassSchema()))).toList();
        try (SchemaRegistryClient registry = topics.registry().get()) {
            return registerAll(registry, order);
        }
    }

    /**
     * The guard's subjects; with the HTTP API on, the orders subject is one it writes too: {@code POST /api/orders}
     * produces orders under it, and with {@code auto.register.schemas=false} could not without it. (Its own serde
     * writes them under the producers' subject; a plugged-in serde, maybe under another.)
     */
    private static List<SchemaBootstrap.Subject> subjects(GuardConfig config, GuardTopics topics) {
        if (config.getInt(GuardConfig.HTTP_PORT_CONFIG) < 0) {
            return topics.subjects();
        }
        SchemaBootstrap.Subject orders = topics.ordersWritten();
        List<SchemaBootstrap.Subject> subjects = new ArrayList<>(topics.subjects().stream().map(subject ->
                subject.name().equals(orders.name()) ? orders : subject).toList());
        if (subjects.stream().noneMatch(subject -> subject.name().equals(orders.name()))) {
            subjects.add(orders);
        }
        return subjects;
    }

    private int registerAll(SchemaRegistryClient registry, List<SchemaBootstrap.Subject> subjects) {
        PrintWriter out = spec.commandLine().getOut();
        for (SchemaBootstrap.Subject subject : subjects) {
            if (!subject.written() && !inputs) {
                continue;
            }
            try {
                int id = registry.register(subject.name(), subject.schema());
                out.println(subject.name() + ": id " + id + " (" + subject.schema().getFullName() + ")");
                out.flush();
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("subject " + subject.name() + " not registered: "
                        + RegistryClientConfig.shown(String.valueOf(e.getMessage())));
                return LockupGuardCli.EXIT_UNREADABLE_INPUT;
            }
        }
        return 0;
    }

    private void print(SchemaBootstrap.Subject subject) {
        try {
            spec.commandLine().getOut().println(JSON.writeValueAsString(JSON.createObjectNode()
                    .put("subject", subject.name()).put("record", subject.schema().getFullName())
                    .put("written", subject.written()).put("schema", subject.schema().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
