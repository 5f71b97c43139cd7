package com.lockupguard.cli;

import com.lockupguard.app.GuardApplication;
import com.lockupguard.app.GuardConfig;
import com.lockupguard.registry.RegistryClientConfig;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run --config guard.properties}: the guard as a long-running Kafka Streams service. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the guard against a Kafka cluster until SIGTERM / Ctrl-C, then stops gracefully.",
            "Settings, later ones winning: defaults, --config file, LOCKUP_GUARD_* environment variables "
                    + "(LOCKUP_GUARD_BOOTSTRAP_SERVERS -> bootstrap.servers), --set key=value. Any Kafka Streams or "
                    + "client property passes through. `lockup-guard config` lists the guard's own settings."
        })
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    private SettingsOptions settings;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the HTTP API, dashboard and /metrics (the http.port setting; -1: none).")
    private Integer httpPort;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GuardConfig config;
        try {
            if (httpPort != null) {
                settings.override("--http-port", GuardConfig.HTTP_PORT_CONFIG, httpPort.toString());
            }
            config = new GuardConfig(settings.load());
        } catch (ConfigException | IOException e) {
            spec.commandLine().getErr().println("configuration error: " + RegistryClientConfig.shown(e.getMessage()));
            return LockupGuardCli.EXIT_USAGE;
        }
        GuardApplication application;
        GuardShutdownHook shutdown = GuardShutdownHook.install();
        try {
            application = GuardApplication.start(config, shutdown::made);
        } catch (ConfigException e) {
            shutdown.remove();
            spec.commandLine().getErr().println("configuration error: " + RegistryClientConfig.shown(e.getMessage()));
            return LockupGuardCli.EXIT_USAGE;
        } catch (RuntimeException e) {
            shutdown.remove();
            LOG.debug("the guard could not start", e);
            spec.commandLine().getErr().println("cannot start: " + FailureText.ofStart(e));
            return 1;
        }
        application.service().awaitTermination();
        application.service().failure().ifPresent(reason -> spec.commandLine().getErr()
                .println("the guard stopped: " + reason));
        // stopped on its own (a missing ACL, inputs repartitioned) or with no stream thread left: not a clean stop
        return application.service().failure().isPresent()
                || application.service().state() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
