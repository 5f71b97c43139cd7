package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** IsoInstant gives exactly what the JDK gives, on its fast path and off it. */
class IsoInstantProperties {

    @Property(tries = 3000)
    void shouldFormatAsInstantToString(@ForAll @LongRange(min = -70_000_000_000L, max = 260_000_000_000L) long seconds,
            @ForAll("nanos") int nano) {
        Instant instant = Instant.ofEpochSecond(seconds, nano);
        assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString());
    }

    @Property(tries = 3000)
    void shouldParseAsOffsetDateTime(@ForAll @LongRange(min = -62_000_000_000L, max = 253_000_000_000L) long seconds,
            @ForAll("nanos") int nano, @ForAll @IntRange(min = -18 * 4, max = 18 * 4) int quarterHours,
            @ForAll boolean zulu) {
        // given an instant written with an offset, as timelines write them
        ZoneOffset offset = zulu ? ZoneOffset.UTC : ZoneOffset.ofTotalSeconds(quarterHours * 15 * 60);
        String text = OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nano), offset)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        // then
        assertThat(IsoInstant.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }

    @Property(tries = 3000)
    void shouldRefuseWhatTheJdkRefusesAndAcceptWhatItAccepts(@ForAll("mangled") String text) {
        Throwable jdkRefusal = catchThrowable(() -> OffsetDateTime.parse(text));
        Throwable refusal = catchThrowable(() -> IsoInstant.parse(text));
        if (jdkRefusal == null) {
            assertThat(IsoInstant.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
        } else {
            assertThat(refusal).as(text).isNotNull().hasSameClassAs(jdkRefusal);
        }
    }

    @Example
    void shouldTakeTheEdgesTheJdkTakes() {
        for (String text : new String[] {"2003-02-29T00:00:00Z", "2004-02-29T00:00:00Z", "2003-07-11T24:00:00Z",
            "2003-07-11T23:59:60Z", "2003-07-11T09:45-04:00", "2003-07-11t09:45:00z", "2003-07-11T09:45:00-00:00",
            "2003-07-11T09:45:00+18:00", "2003-07-11T09:45:00+18:01", "2003-07-11T09:45:00.1234567890Z",
            "2003-07-11T09:45:00.Z", "+12003-07-11T09:45:00Z", "2003-07-11T09:45:00+05:30:15",
            "2003-07-11T09:45:00.123", "200/-07-11T09:45:00Z", "2003-07-11T09:45:0/Z"}) {
            Throwable jdkRefusal = catchThrowable(() -> OffsetDateTime.parse(text));
            if (jdkRefusal == null) {
                assertThat(IsoInstant.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
            } else {
                assertThat(catchThrowable(() -> IsoInstant.parse(text))).as(text).hasSameClassAs(jdkRefusal);
            }
        }
    }

    @Provide
    Arbitrary<Integer> nanos() {
        return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 999).map(ms -> ms * 1_000_000),
                Arbitraries.integers().between(1, 999_999).map(us -> us * 1_000),
                Arbitraries.integers().between(1, 999_999_999));
    }

    /** Valid instants with one character replaced, dropped or doubled. */
    @Provide
    Arbitrary<String> mangled() {
        Arbitrary<String> valid = Arbitraries.longs().between(0, 253_000_000_000L)
                .map(s -> OffsetDateTime.ofInstant(Instant.ofEpochSecond(s, (s % 7) * 100_000_000L),
                        ZoneOffset.ofHours((int) (s % 13) - 6)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        return Arbitraries.lazyOf(() -> valid.flatMap(text -> Arbitraries.integers().between(0, text.length() - 1)
                .flatMap(at -> Arbitraries.of('0', '9', '-', ':', 'T', 'Z', '.', '+', 'x', ' ').flatMap(c ->
                        Arbitraries.of(0, 1, 2).map(how -> switch (how) {
                            case 0 -> text.substring(0, at) + c + text.substring(at + 1);
                            case 1 -> text.substring(0, at) + text.substring(at + 1);
                            default -> text.substring(0, at) + c + text.substring(at);
                        })))));
    }
}
