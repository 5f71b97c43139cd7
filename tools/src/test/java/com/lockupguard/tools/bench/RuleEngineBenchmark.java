package com.lockupguard.tools.bench;

import com.lockupguard.avro.HoldingState;
import com.lockupguard.contract.DecisionMapper;
import com.lockupguard.contract.HoldingStateMapper;
import com.lockupguard.rules.AgreementTerms;
import com.lockupguard.rules.HoldingKey;
import com.lockupguard.rules.LockupRules;
import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.OrderRequest;
import com.lockupguard.rules.Position;
import com.lockupguard.rules.Ruling;
import com.lockupguard.serde.GeneratedClassTrust;
import com.lockupguard.state.StateCodec;
import com.lockupguard.state.StoredHolding;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions per second of the rule engine alone (no Kafka); with the store codec the processor adds (the holding
 * read and written compact, the agreement cached); and, for comparison, with the Avro store mapping the guard used
 * before (the agreement re-validated on every read).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RuleEngineBenchmark {

    private final LockupRules rules = new LockupRules();
    private com.lockupguard.rules.HoldingState letter;
    private HoldingState storedLetter;
    private final StateCodec codec = new StateCodec(null);
    private byte[] compactLetter;
    private final OrderRequest sale = new OrderRequest("o1", "dutchess", "CBYI", OrderKind.PUBLIC_SALE, 1_000L);
    private final OrderRequest oversized = new OrderRequest("o2", "dutchess", "CBYI", OrderKind.PUBLIC_SALE,
            10_000_000L);
    private final Instant inPeriod = Instant.parse("2003-10-10T13:30:00Z");
    private final Instant inLockup = Instant.parse("2003-05-15T14:00:00Z");

    @Setup
    public void setUp() {
        GeneratedClassTrust.install(); // a JMH fork runs no test listener
        AgreementTerms terms = AgreementTerms.letter(new HoldingKey("dutchess", "CBYI"), LocalDate.parse("2003-04-28"),
                Instant.parse("2003-07-10T20:30:00Z"));
        letter = com.lockupguard.rules.HoldingState.fresh(terms);
        storedLetter = HoldingStateMapper.toAvro(letter);
        compactLetter = codec.encode(new StoredHolding(letter, null));
    }

    @Benchmark
    public Ruling approveSaleInPeriod() {
        return rules.decide(sale, inPeriod, letter, null);
    }

    @Benchmark
    public Ruling blockSaleInLockup() {
        return rules.decide(sale, inLockup, letter, null);
    }

    @Benchmark
    public Ruling blockSaleAboveCapacity() {
        return rules.decide(oversized, inPeriod, letter, null);
    }

    @Benchmark
    public Position positionInPeriod() {
        return rules.position(letter, inPeriod);
    }

    /** What the order processor does per order besides the store: read the stored state, decide, write it back. */
    @Benchmark
    public Object approveWithStoreCodec() {
        Ruling ruling = rules.decide(sale, inPeriod, codec.holding(compactLetter).state(), null);
        return new Object[] {codec.encode(new StoredHolding(ruling.stateAfter(), null)),
            DecisionMapper.toAvro(ruling.decision())};
    }

    /** The same with the Avro mapping of the stores the guard used before 0.3.0. */
    @Benchmark
    public Object approveWithAvroMapping() {
        Ruling ruling = rules.decide(sale, inPeriod, HoldingStateMapper.toRules(storedLetter), null);
        return new Object[] {HoldingStateMapper.toAvro(ruling.stateAfter()), DecisionMapper.toAvro(ruling.decision())};
    }
}
