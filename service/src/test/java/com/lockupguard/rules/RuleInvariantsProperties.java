package com.lockupguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** Invariants of RULES.md that must hold for any agreement and any stream of orders. */
class RuleInvariantsProperties {

    private final LockupRules rules = new LockupRules();

    /** One order to submit: its id is drawn from a small pool so that retries and reuses happen. */
    record Submission(int idNumber, OrderKind kind, long quantity, long minutesFromExecution) {
    }

    /** One step of a stream: time moves forward by {@code advance}; the order may claim an earlier time. */
    record Step(int idNumber, OrderKind kind, long quantity, long advance, long backdate) {
    }

    @Provide
    Arbitrary<AgreementTerms> agreements() {
        return ArbitraryTerms.any();
    }

    @Provide
    Arbitrary<List<Submission>> submissions() {
        Arbitrary<Integer> id = Arbitraries.integers().between(0, 60);
        Arbitrary<OrderKind> kind = Arbitraries.frequency(
                Tuple.of(6, OrderKind.PUBLIC_SALE), Tuple.of(3, OrderKind.PRIVATE_TRANSFER),
                Tuple.of(1, OrderKind.PURCHASE));
        Arbitrary<Long> quantity = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 400_000),
                Arbitraries.longs().between(1, 2_000),
                Arbitraries.just(Long.MAX_VALUE));
        Arbitrary<Long> advance = Arbitraries.longs().between(0, 30_000);
        Arbitrary<Long> backdate = Arbitraries.frequency(Tuple.of(85, 0L), Tuple.of(15, 40_000L))
                .flatMap(max -> Arbitraries.longs().between(0, max));
        return Combinators.combine(id, kind, quantity, advance, backdate).as(Step::new).list().ofMinSize(1)
                .ofMaxSize(80).map(steps -> {
                    List<Submission> submissions = new ArrayList<>(steps.size());
                    long clock = 0;
                    for (Step step : steps) {
                        clock += step.advance();
                        submissions.add(new Submission(step.idNumber(), step.kind(), step.quantity(),
                                Math.max(0, clock - step.backdate())));
                    }
                    return submissions;
                });
    }

    /** The holding through a stream of orders, as the topology would run it, with every ruling kept. */
    private final class Simulation {
        HoldingState state;
        final Map<String, PriorOrder> seen = new HashMap<>();
        final Map<String, Decision> firstDecisions = new HashMap<>();
        final List<Ruling> rulings = new ArrayList<>();
        /** What the topology emits for each submission: a retry's stored first decision, else the ruling's. */
        final List<Decision> emitted = new ArrayList<>();
        final List<HoldingState> statesBefore = new ArrayList<>();

        Simulation(AgreementTerms terms) {
            state = HoldingState.fresh(terms);
        }

        Ruling submit(Submission s) {
            OrderRequest order = new OrderRequest("o" + s.idNumber(), "inv", "SEC", s.kind(), s.quantity());
            Instant at = Instant.parse("2003-04-28T04:00:00Z").plus(Duration.ofMinutes(s.minutesFromExecution()));
            Ruling ruling = rules.decide(order, at, state, seen.get(order.orderId()));
            statesBefore.add(state);
            rulings.add(ruling);
            emitted.add(ruling.repeated() ? firstDecisions.get(order.orderId()) : ruling.decision());
            if (ruling.remember()) {
                seen.put(order.orderId(), PriorOrder.of(order.kind(), order.quantity(), ruling.decision()));
                firstDecisions.put(order.orderId(), ruling.decision());
            }
            if (ruling.stateAfter() != null) {
                state = ruling.stateAfter();
            }
            return ruling;
        }
    }

    private Simulation run(AgreementTerms terms, List<Submission> submissions) {
        Simulation simulation = new Simulation(terms);
        submissions.forEach(simulation::submit);
        return simulation;
    }

    @Property
    void soldNeverExceedsTotal(@ForAll("agreements") AgreementTerms terms,
            @ForAll("submissions") List<Submission> submissions) {
        Simulation simulation = run(terms, submissions);
        assertThat(simulation.state.usedTotal()).isLessThanOrEqualTo(terms.totalShares());
    }

    /**
     * The First Release Date from the terms alone, with plain java.time (RULES.md section 2): the start of the day
     * {@code lockupDays} after the execution date, or the Effective Date if earlier, never before the execution
     * date's start. Within the instants generated (the lock-ups end before October 2003) no zone's midnight is
     * ambiguous.
     */
    private static Instant firstReleaseOf(AgreementTerms terms) {
        ZoneId zone = ZoneId.of(terms.timeZone());
        Instant executionStart = terms.executionDate().atStartOfDay(zone).toInstant();
        Instant lockupEnd = terms.executionDate().plusDays(terms.lockupDays()).atStartOfDay(zone).toInstant();
        Instant end = terms.effectiveAt() != null && terms.effectiveAt().isBefore(lockupEnd) ? terms.effectiveAt()
                : lockupEnd;
        return end.isBefore(executionStart) ? executionStart : end;
    }

    /**
     * At most what the release schedule lets a holding have sold (or reserved) by {@code t}, from the terms alone:
     * nothing in the lock-up, the first release in the first window, and after the Second Release Date the first
     * release and one tranche for each period begun, never more than the total. A period is counted as begun up to
     * two hours early, since a period starts at a local midnight, which daylight saving moves against a count of
     * whole days.
     */
    private static long releasedAtMost(AgreementTerms terms, Instant t) {
        Instant firstRelease = firstReleaseOf(terms);
        if (t.isBefore(firstRelease)) {
            return 0;
        }
        ZoneId zone = ZoneId.of(terms.timeZone());
        Instant secondRelease = firstRelease.atZone(zone).toLocalDate().plusDays(terms.firstReleaseDays())
                .atStartOfDay(zone).toInstant();
        if (t.isBefore(secondRelease)) {
            return terms.firstReleaseShares();
        }
        long periodsBegun = Duration.between(secondRelease, t.plus(Duration.ofHours(2))).toHours()
                / (24 * terms.trancheDays()) + 1;
        return Math.min(terms.totalShares(), terms.firstReleaseShares() + periodsBegun * terms.trancheShares());
    }

    @Property
    void soldToDateNeverExceedsCumulativeReleaseSchedule(@ForAll("agreements") AgreementTerms terms,
            @ForAll("submissions") List<Submission> submissions) {
        Simulation simulation = run(terms, submissions);
        for (Ruling ruling : simulation.rulings) {
            if (ruling.stateAfter() == null) {
                continue;
            }
            Instant clock = ruling.stateAfter().clock();
            assertThat(ruling.stateAfter().usedTotal()).as("used by %s", clock)
                    .isLessThanOrEqualTo(releasedAtMost(terms, clock));
        }
    }

    @Property
    void nonCumulativePeriodNeverSellsMoreThanItsTrancheLeftAndTheCarryLeft(
            @ForAll("agreements") AgreementTerms anyTerms, @ForAll("submissions") List<Submission> submissions) {
        AgreementTerms terms = anyTerms.withTrancheMode(TrancheMode.NON_CUMULATIVE);
        Simulation simulation = run(terms, submissions);
        LockupCalendar calendar = terms.calendar();
        // the carry kept apart from the rules (RULES.md section 5): the first release unsold in the first window,
        // less what periods took beyond their own tranche, which comes first
        long soldInFirstWindow = 0;
        long carryUsed = 0;
        Map<Long, Long> trancheUsed = new HashMap<>();
        for (Ruling ruling : simulation.rulings) {
            // a retry re-emits the first decision: only a ruling that changes the holding is a fresh sale
            if (ruling.stateAfter() == null || !ruling.decision().isApproved()
                    || ruling.decision().order().kind() == OrderKind.PURCHASE) {
                continue;
            }
            long q = ruling.decision().order().quantity();
            Window window = calendar.windowAt(ruling.decision().evaluatedAt());
            if (window.phase() == Phase.FIRST) {
                soldInFirstWindow += q;
                continue;
            }
            long trancheLeft = terms.trancheShares() - trancheUsed.getOrDefault(window.period(), 0L);
            long carryLeft = Math.max(0, terms.firstReleaseShares() - soldInFirstWindow - carryUsed);
            assertThat(q).as("approved in %s", window).isLessThanOrEqualTo(trancheLeft + carryLeft);
            long fromTranche = Math.min(q, trancheLeft);
            trancheUsed.merge(window.period(), fromTranche, Long::sum);
            carryUsed += q - fromTranche;
        }
    }

    @Property
    void approvalsNeverHappenInLockup(@ForAll("agreements") AgreementTerms terms,
            @ForAll("submissions") List<Submission> submissions) {
        Simulation simulation = run(terms, submissions);
        Instant firstRelease = firstReleaseOf(terms);
        simulation.emitted.stream()
                .filter(d -> d.isApproved() && d.order().kind() != OrderKind.PURCHASE)
                .forEach(d -> assertThat(d.evaluatedAt()).as("approved %s", d.order())
                        .isAfterOrEqualTo(firstRelease));
    }

    @Property
    void replayedDuplicateChangesNothing(@ForAll("agreements") AgreementTerms terms,
            @ForAll("submissions") List<Submission> submissions, @ForAll @IntRange(min = 0, max = 79) int pick) {
        // given a stream, and one of its orders submitted again at the end
        Simulation simulation = run(terms, submissions);
        Submission again = submissions.get(pick % submissions.size());
        Ruling original = simulation.rulings.get(submissions.indexOf(again));
        HoldingState before = simulation.state;
        // when the retry is decided
        Ruling retry = simulation.submit(again);
        // then nothing changes, and its answer is the id's first answer
        assertThat(retry.stateAfter()).isNull();
        assertThat(retry.remember()).isFalse();
        assertThat(simulation.state).isEqualTo(before);
        PriorOrder first = simulation.seen.get("o" + again.idNumber());
        if (first != null && first.kind() == again.kind() && first.quantity() == again.quantity()) {
            assertThat(retry).isEqualTo(Ruling.REPEATED);
        } else {
            assertThat(retry.decision().reasons()).containsExactly(Reason.DUPLICATE_ORDER_ID);
        }
        if (original.remember()) {
            // the submission picked was the id's first: its retry is answered with exactly its decision
            assertThat(retry).isEqualTo(Ruling.REPEATED);
            assertThat(simulation.emitted.get(simulation.emitted.size() - 1)).isEqualTo(original.decision());
        }
    }

    @Property
    void maxAllowedNowIsExactlyWhatWouldBeApproved(@ForAll("agreements") AgreementTerms terms,
            @ForAll("submissions") List<Submission> submissions) {
        Simulation simulation = run(terms, submissions);
        for (int i = 0; i < simulation.rulings.size(); i++) {
            Ruling fresh = simulation.rulings.get(i);
            if (fresh.stateAfter() == null) {
                continue; // not decided on the holding just now (e.g. a retry re-emitting its first decision)
            }
            Decision decision = fresh.decision();
            boolean capacityBlock = !decision.isApproved() && decision.reasons().stream().allMatch(
                    r -> r == Reason.FIRST_RELEASE_CAP || r == Reason.PERIOD_CAP || r == Reason.TOTAL_CAP);
            if (!capacityBlock || decision.maxAllowedNow() == 0) {
                continue;
            }
            // when the trader resizes to maxAllowedNow, at the same instant, under a new id
            OrderRequest resized = new OrderRequest("resized", "inv", "SEC", decision.order().kind(),
                    decision.maxAllowedNow());
            Ruling ruling = rules.decide(resized, decision.evaluatedAt(), simulation.statesBefore.get(i), null);
            OrderRequest oneMore = new OrderRequest("more", "inv", "SEC", decision.order().kind(),
                    decision.maxAllowedNow() + 1);
            Ruling tooMuch = rules.decide(oneMore, decision.evaluatedAt(), simulation.statesBefore.get(i), null);
            // then it is approved, and one share more is not
            assertThat(ruling.decision().isApproved()).isTrue();
            assertThat(tooMuch.decision().isApproved()).isFalse();
        }
    }

    @Property
    void reasonsAreListedInRulesOrder(@ForAll("agreements") AgreementTerms terms,
            @ForAll("submissions") List<Submission> submissions) {
        Simulation simulation = run(terms, submissions);
        simulation.emitted.forEach(d -> assertThat(d.reasons()).isSorted());
    }

    @Property
    void positionAddsUp(@ForAll("agreements") AgreementTerms terms,
            @ForAll("submissions") List<Submission> submissions) {
        Simulation simulation = run(terms, submissions);
        simulation.emitted.stream().map(Decision::position).filter(p -> p != null).forEach(p -> {
            assertThat(p.releasedToDate()).isEqualTo(p.soldToDate() + p.reservedNow() + p.contractCapacity());
            assertThat(p.availableNow()).isBetween(0L, p.contractCapacity());
            assertThat(p.contractCapacity()).isLessThanOrEqualTo(p.totalShares() - Math.min(p.totalShares(),
                    p.soldToDate() + p.reservedNow()));
            if (p.nextReleaseAt() != null && !fallsBackBetween(terms, p.nextReleaseAt(), p.asOf())) {
                assertThat(p.nextReleaseAt()).isAfter(p.asOf());
            }
        });
    }

    /**
     * Whether the zone's clock falls back between two instants. Where it falls back across midnight
     * (America/St_Johns at 00:01 in 2003), the local date runs backwards: an instant just after the
     * next day began once is in the earlier day again, and the next window's start (that day's first
     * 00:00) lies behind it (RULES.md section 2, the max in PERIOD k).
     */
    private static boolean fallsBackBetween(AgreementTerms terms, java.time.Instant from, java.time.Instant to) {
        java.time.zone.ZoneRules rules = terms.zone().getRules();
        return rules.getOffset(to).getTotalSeconds() < rules.getOffset(from).getTotalSeconds();
    }
}
