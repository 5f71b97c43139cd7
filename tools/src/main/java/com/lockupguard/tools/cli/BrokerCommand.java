package com.lockupguard.tools.cli;

import com.lockupguard.cli.ShutdownHandshake;
import com.lockupguard.tools.embedded.EmbeddedKafkaCluster;
import com.lockupguard.tools.embedded.FreePorts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code broker --nodes 3}: a real KRaft cluster in this process, until Ctrl-C. */
@Command(name = "broker",
        mixinStandardHelpOptions = true,
        description = "Runs a real Kafka cluster (KRaft; with more than one node, that many brokers beside a separate "
                + "controller) in this process, on loopback, in a temporary directory removed on exit, and prints its "
                + "bootstrap servers. For developers without Docker.")
final class BrokerCommand implements Callable<Integer> {

    /** How long Ctrl-C waits for the brokers to stop and their data to be deleted. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--nodes", defaultValue = "3", description = "Brokers (default 3; replication 3, min.insync 2).")
    private int nodes;

    @Option(names = "--port", defaultValue = "0", description = "Port of the first broker on 127.0.0.1, the next "
            + "ones on the ports after it (9092: bootstrap.servers=127.0.0.1:9092,...); 0, the default: any free "
            + "ports.")
    private int port;

    @Option(names = "--endpoints-file", paramLabel = "FILE", description = "Write bootstrap.servers here when up "
            + "(a file left there by an earlier run is removed at start); deleted on exit.")
    private Path endpointsFile;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // the hook waits until the cluster is closed and its data deleted: the JVM halts once the hook returns
        // the endpoints file is deleted once the brokers are stopped, before the hook lets the JVM halt
        try (ShutdownHandshake shutdown = ShutdownHandshake.install(CLOSE_TIMEOUT);
                EndpointsFile endpoints = EndpointsFile.claim(endpointsFile, spec)) {
            // after the endpoints file is claimed: a script never reads a refused run's endpoints
            if (nodes < 1) {
                throw new ParameterException(spec.commandLine(), "--nodes " + nodes + ": a cluster needs at least "
                        + "one broker");
            }
            new PortOptions(spec).require("--port", FreePorts.LOOPBACK, port, nodes);
            try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(nodes, port, Map.of())) {
                out.println("bootstrap.servers=" + cluster.bootstrapServers());
                out.println(nodes + " broker(s) up; Ctrl-C to stop and delete their data");
                out.flush();
                endpoints.write("bootstrap.servers=" + cluster.bootstrapServers() + "\n");
                shutdown.awaitStop();
            }
            out.println("stopped; the brokers' data is deleted");
            out.flush();
        }
        return 0;
    }
}
