package com.lockupguard.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * The range of dates and instants the rules accept: years 1970 to 9999 (RULES.md section 1;
 * Kafka timestamps are never negative), at millisecond precision.
 */
public final class SupportedTime {

    public static final LocalDate FIRST_DATE = LocalDate.of(1970, 1, 1);
    public static final LocalDate LAST_DATE = LocalDate.of(9999, 12, 31);
    public static final Instant FIRST_INSTANT = Instant.EPOCH;
    public static final Instant LAST_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");

    private SupportedTime() {
    }

    public static boolean contains(LocalDate date) {
        return !date.isBefore(FIRST_DATE) && !date.isAfter(LAST_DATE);
    }

    public static boolean contains(Instant instant) {
        return !instant.isBefore(FIRST_INSTANT) && !instant.isAfter(LAST_INSTANT);
    }

    /** Kafka record timestamps have millisecond precision; finer input is truncated. */
    public static Instant toMillis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
