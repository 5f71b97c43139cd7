package com.lockupguard.rules;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A holding's position at an instant (RULES.md section 6).
 *
 * @param contractCapacity what the letter alone lets the investor dispose of now, whatever the kind and
 *                         registration (0 in lock-up)
 * @param releasedToDate   soldToDate + contractCapacity: lapsed tranches are not counted
 * @param availableNow     the maxAllowedNow a PUBLIC_SALE would get now (0 while unregistered)
 * @param nextReleaseAt    the next window start after asOf; null once every share is sold
 * @param availableAtNextRelease contractCapacity at nextReleaseAt if nothing more is sold; null once sold out
 */
public record Position(
        HoldingKey holding,
        Instant asOf,
        Window window,
        boolean registered,
        long totalShares,
        long soldToDate,
        long contractCapacity,
        long releasedToDate,
        long availableNow,
        Instant nextReleaseAt,
        Long availableAtNextRelease,
        Instant firstReleaseAt,
        Instant secondReleaseAt,
        LocalDate rule144Date) {
}
