package com.lockupguard.rules;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Valid agreement terms of every shape the rules take: totals, tranches, day counts (the first release's and a
 * tranche's apart), lock-ups, zones with odd offsets and daylight saving, both tranche modes, Rule 144 holding
 * periods, registered or not.
 */
public final class ArbitraryTerms {

    private ArbitraryTerms() {
    }

    public static Arbitrary<AgreementTerms> any() {
        Arbitrary<Long> total = Arbitraries.longs().between(1, 2_000_000);
        Arbitrary<Long> tranche = Arbitraries.longs().between(1, 700_000);
        Arbitrary<Long> days = Arbitraries.longs().between(1, 60);
        Arbitrary<Long> lockup = Arbitraries.longs().between(0, 120);
        Arbitrary<String> zone = Arbitraries.of("America/New_York", "UTC", "Europe/London", "Asia/Kolkata",
                "America/St_Johns", "Australia/Lord_Howe");
        Arbitrary<TrancheMode> mode = Arbitraries.of(TrancheMode.class);
        Arbitrary<Long> effectiveMinutes = Arbitraries.longs().between(-10_000, 200_000).injectNull(0.3);
        Arbitrary<Double> firstShare = Arbitraries.doubles().between(0, 1);
        Arbitrary<Long> rule144 = Arbitraries.longs().between(0, 24);
        return Combinators.combine(total, tranche, days, lockup, zone, mode, effectiveMinutes, firstShare)
                .flatAs((t, tr, d, l, z, m, eff, share) -> rule144.map(r -> new AgreementTerms(
                        new HoldingKey("inv", "SEC"), LocalDate.parse("2003-04-28"), z, t, l,
                        (long) Math.floor(t * share), Math.max(1, d / 2), tr, d, m, r,
                        eff == null ? null : Instant.parse("2003-04-28T04:00:00Z").plus(Duration.ofMinutes(eff)))));
    }
}
