package com.lockupguard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.ExecutionKind;
import com.lockupguard.avro.ExecutionReport;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.registry.InMemorySchemaRegistry;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.serde.GeneratedClassTrust;
import com.lockupguard.topology.GuardTopics;
import com.lockupguard.topology.GuardTopology;
import com.lockupguard.topology.StreamsDefaults;
import com.lockupguard.topology.TopicNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code GET /api/holdings/{investorId}/{securityId}/reservations} costs the instance that owns the holding:
 * milliseconds per answer for a holding that remembers {@code ids} order ids, one in a thousand of them still
 * holding an open reservation (the rest filled). The stores are the guard's own, RocksDB, written by its topology
 * in the test driver; the answer reads them as the API does, through {@link LocalHoldings}. In this package
 * because {@link LocalHoldings} is the web package's own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class ReservationsQueryBenchmark {

    private static final HoldingKey HOLDING = new HoldingKey("dutchess", "CBYI");
    /** In the letter's first window (registered 2003-07-10 16:30 New York): 200,000 shares sellable. */
    private static final Instant SOLD_AT = Instant.parse("2003-07-11T13:45:00Z");

    @Param({"10000", "100000"})
    public int ids;

    private final String registryScope = "reservations-benchmark-" + System.nanoTime();
    private Path stateDir;
    private TopologyTestDriver driver;
    private LocalHoldings holdings;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        GeneratedClassTrust.install(); // a JMH fork runs no test listener
        stateDir = Files.createTempDirectory("reservations-benchmark");
        GuardTopics topics = GuardTopics.avro(TopicNames.defaults(), Map.of("schema.registry.url",
                "mock://" + registryScope));
        Properties properties = new Properties();
        properties.putAll(StreamsDefaults.errorHandling(topics.names()));
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "reservations-benchmark");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(GuardTopology.build(topics), properties, Instant.parse("2003-01-01T00:00:00Z"));
        TestInputTopic<String, Agreement> agreements = driver.createInputTopic("agreements", new StringSerializer(),
                topics.agreements().valueSerde().serializer());
        TestInputTopic<String, SpecificRecord> orders = driver.createInputTopic("orders", new StringSerializer(),
                topics.orders().valueSerde().serializer());
        agreements.pipeInput(HOLDING.asString(), Agreement.newBuilder().setInvestorId(HOLDING.investorId())
                .setSecurityId(HOLDING.securityId()).setExecutionDate(LocalDate.parse("2003-04-28"))
                .setEffectiveAt(Instant.parse("2003-07-10T20:30:00Z")).build(), Instant.parse("2003-04-28T13:00:00Z"));
        for (int i = 0; i < ids; i++) {
            String orderId = "o" + i;
            orders.pipeInput(HOLDING.asString(), ProposedOrder.newBuilder().setOrderId(orderId)
                    .setInvestorId(HOLDING.investorId()).setSecurityId(HOLDING.securityId())
                    .setKind(OrderKind.PUBLIC_SALE).setQuantity(1L).build(), SOLD_AT);
            if (i % 1_000 != 0) {
                orders.pipeInput(HOLDING.asString(), ExecutionReport.newBuilder().setExecutionId("x" + i)
                        .setOrderId(orderId).setInvestorId(HOLDING.investorId()).setSecurityId(HOLDING.securityId())
                        .setKind(ExecutionKind.FILL).setQuantity(1L).build(), SOLD_AT);
            }
        }
        holdings = new LocalHoldings(driver::getKeyValueStore, topics, new ObjectMapper(),
                Clock.fixed(SOLD_AT, ZoneOffset.UTC));
        int open = holdings.reservations(HOLDING).size();
        if (open != (ids + 999) / 1_000) {
            throw new IllegalStateException(open + " open reservations of " + ids + " orders, not one in a thousand");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        driver.close();
        InMemorySchemaRegistry.dropScope(registryScope);
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Benchmark
    public ArrayNode openReservations() {
        return holdings.reservations(HOLDING);
    }
}
