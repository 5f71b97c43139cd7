package com.lockupguard.rules;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A holding's position at an instant (RULES.md section 6).
 *
 * @param contractCapacity what the letter alone lets the investor dispose of now, whatever the kind and
 *                         registration (0 in lock-up)
 * @param soldToDate       shares actually sold: used (sold or reserved) less what open reservations hold
 * @param reservedNow      shares approved and not yet reported filled or cancelled (RULES.md section 9)
 * @param releasedToDate   usedTotal + contractCapacity: lapsed tranches are not counted
 * @param availableNow     the maxAllowedNow a PUBLIC_SALE would get now (0 while unregistered)
 * @param nextReleaseAt    the next window start after asOf; null once every share is sold
 * @param availableAtNextRelease contractCapacity at nextReleaseAt if nothing more is sold; null once sold out
 * @param agreementVersion the applied agreement version of the holding the position is computed under (1-based;
 *                         0 in a position written by a guard that did not count versions yet)
 * @param termsHash        the {@link TermsFingerprint} of that version's terms, or null where the version is 0
 */
public record Position(
        HoldingKey holding,
        Instant asOf,
        Window window,
        boolean registered,
        long totalShares,
        long soldToDate,
        long reservedNow,
        long contractCapacity,
        long releasedToDate,
        long availableNow,
        Instant nextReleaseAt,
        Long availableAtNextRelease,
        Instant firstReleaseAt,
        Instant secondReleaseAt,
        LocalDate rule144Date,
        long agreementVersion,
        String termsHash) {
}
