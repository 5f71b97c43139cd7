package com.lockupguard.tools.bench;

import com.lockupguard.avro.Agreement;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.OrderKind;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.serde.GeneratedClassTrust;
import com.lockupguard.tools.replay.ReplayDriver;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Orders per second through the whole topology in the test driver, as the replay runs it: Avro
 * serde with the in-memory registry, in-memory stores (holding state and seen order ids) without
 * changelogs, no positions, one decision read back per order. 1,000 holdings, each order a new id.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class ReplayBenchmark {

    private static final int HOLDINGS = 1_000;
    private ReplayDriver driver;
    private long sequence;
    private final Instant start = Instant.parse("2003-10-10T13:30:00Z");

    @Setup(Level.Trial)
    public void setUp() {
        GeneratedClassTrust.install(); // a JMH fork runs no test listener
        driver = new ReplayDriver();
        for (int h = 0; h < HOLDINGS; h++) {
            Agreement agreement = Agreement.newBuilder().setInvestorId("investor-" + h).setSecurityId("CBYI")
                    .setExecutionDate(LocalDate.parse("2003-04-28")).setTotalShares(1_000_000_000_000L)
                    .setTrancheShares(1_000_000_000_000L).setEffectiveAt(Instant.parse("2003-07-10T20:30:00Z"))
                    .build();
            driver.applyAgreement("investor-" + h + "/CBYI", agreement, start);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        driver.close();
    }

    @Benchmark
    public Decision decideThroughTopology() {
        long n = sequence++;
        String investor = "investor-" + (n % HOLDINGS);
        ProposedOrder order = ProposedOrder.newBuilder().setOrderId("o" + n).setInvestorId(investor)
                .setSecurityId("CBYI").setKind(OrderKind.PUBLIC_SALE).setQuantity(1L).build();
        return driver.decide(investor + "/CBYI", order, start.plusMillis(n));
    }
}
