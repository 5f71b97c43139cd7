package com.lockupguard.tools.cli;

import com.lockupguard.cli.ShutdownHandshake;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.tools.embedded.EmbeddedKafkaCluster;
import com.lockupguard.tools.embedded.FreePorts;
import com.lockupguard.tools.registry.SchemaRegistryServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code broker --nodes 3}: a real KRaft cluster in this process, until Ctrl-C, with a schema registry beside it: a
 * guard ({@code run}) and {@code produce} need both, and without one here the only other was the demo's, beside a
 * second broker and a guard of its own.
 */
@Command(name = "broker",
        mixinStandardHelpOptions = true,
        description = "Runs a real Kafka cluster (KRaft; with more than one node, that many brokers beside a separate "
                + "controller) in this process, on loopback, in a temporary directory removed on exit, and a schema "
                + "registry beside it (in memory, the part of Confluent's REST API clients use), and prints their "
                + "bootstrap.servers and schema.registry.url, for run and produce. For developers without Docker.")
final class BrokerCommand implements Callable<Integer> {

    /** How long Ctrl-C waits for the brokers to stop and their data to be deleted. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    /** More brokers in one JVM is no test of anything but the machine: replication needs three. */
    static final int MAX_NODES = 9;

    @Option(names = "--nodes", defaultValue = "3", description = "Brokers, 1 to 9 (default 3; replication 3, "
            + "min.insync 2).")
    private int nodes;

    @Option(names = "--port", defaultValue = "0", description = "Port of the first broker on 127.0.0.1, the next "
            + "ones on the ports after it (9092: bootstrap.servers=127.0.0.1:9092,...); 0, the default: any free "
            + "ports. The controller listens on 127.0.0.1 too, on any free port.")
    private int port;

    @Option(names = "--registry-port", defaultValue = "0", description = "Port of the schema registry on "
            + "127.0.0.1 (0, the default: any free port).")
    private int registryPort;

    @Option(names = "--endpoints-file", paramLabel = "FILE", description = "Write bootstrap.servers and "
            + "schema.registry.url here when up, one line each (a file left there by an earlier run is removed at "
            + "start); deleted on exit.")
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
            if (nodes > MAX_NODES) {
                // seen in a review: 100 in one JVM started, the controller's event queue overloaded at once
                throw new ParameterException(spec.commandLine(), "--nodes " + nodes + ": at most " + MAX_NODES
                        + " brokers in one process (each takes its threads, sockets and memory of this machine)");
            }
            new PortOptions(spec).require("--port", FreePorts.LOOPBACK, port, nodes)
                    .require("--registry-port", FreePorts.LOOPBACK, registryPort, 1);
            try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(nodes, port, Map.of());
                    SchemaRegistryServer registry = new SchemaRegistryServer.Builder(InMemorySchemaRegistry.scope(
                            "broker-" + UUID.randomUUID())).port(registryPort).start()) {
                // the file first: a script that waits for the line below, and then reads the file, finds it
                endpoints.write("bootstrap.servers=" + cluster.bootstrapServers() + "\nschema.registry.url="
                        + registry.url() + "\n");
                out.println("bootstrap.servers=" + cluster.bootstrapServers());
                out.println("schema.registry.url=" + registry.url());
                out.println(nodes + " broker(s) up, and a schema registry (in memory); Ctrl-C to stop and delete "
                        + "their data");
                out.flush();
                shutdown.awaitStop();
            }
            out.println("stopped; the brokers' data and the registry's schemas are deleted");
            out.flush();
        }
        return 0;
    }
}
