package com.lockupguard.cli;

import com.lockupguard.contract.IsoInstant;
import com.lockupguard.timeline.OneLine;
import com.lockupguard.timeline.ShownText;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * How the command line reads an option of a time or a duration: as ISO-8601, as the timelines write them, and, for a
 * value it cannot read, an example of one it can (picocli's own says "cannot convert '5m' to class
 * java.time.Duration", with the parser's exception).
 */
final class IsoTimeOptions {

    private IsoTimeOptions() {
    }

    /** Registers both readings with {@code commandLine} and its subcommands. */
    static void registerWith(CommandLine commandLine) {
        commandLine.registerConverter(Instant.class, IsoTimeOptions::instant);
        commandLine.registerConverter(Duration.class, IsoTimeOptions::duration);
    }

    static Instant instant(String value) {
        try {
            return IsoInstant.parse(value);
        } catch (DateTimeException e) {
            throw new TypeConversionException(shown(value) + " is not an instant such as 2003-04-28T13:00:00Z or "
                    + "2003-04-28T09:00:00-04:00");
        }
    }

    static Duration duration(String value) {
        try {
            return Duration.parse(value);
        } catch (DateTimeException e) {
            throw new TypeConversionException(shown(value) + " is not an ISO-8601 duration such as PT10S, PT5M or "
                    + "PT1H");
        }
    }

    private static String shown(String value) {
        return "'" + OneLine.of(ShownText.of(value)) + "'";
    }
}
