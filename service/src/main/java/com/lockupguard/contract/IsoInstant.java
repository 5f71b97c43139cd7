package com.lockupguard.contract;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * ISO-8601 instants as the timelines and JSON contracts write them, without the general-purpose
 * {@code DateTimeFormatter} on the common path: a replay reads one and writes several per order.
 * Both methods give exactly what {@link OffsetDateTime#parse} and {@link Instant#toString} give:
 * anything off the common shape (a year outside 0000–9999, a time without seconds, an offset with
 * seconds, and every malformed text) is handed to them.
 */
public final class IsoInstant {

    private IsoInstant() {
    }

    /** {@link Instant#toString()}: {@code 2003-07-11T13:45:00Z}, the fraction in groups of three digits when there is one. */
    public static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return instant.toString();
        }
        int nano = instant.getNano();
        char[] text = new char[20 + (nano == 0 ? 0 : nano % 1_000_000 == 0 ? 4 : nano % 1_000 == 0 ? 7 : 10)];
        digits(text, 0, year, 4);
        text[4] = '-';
        digits(text, 5, t.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, t.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, t.getHour(), 2);
        text[13] = ':';
        digits(text, 14, t.getMinute(), 2);
        text[16] = ':';
        digits(text, 17, t.getSecond(), 2);
        int end = 19;
        if (nano != 0) {
            text[end++] = '.';
            int width = text.length - 21;
            digits(text, end, nano / (width == 3 ? 1_000_000 : width == 6 ? 1_000 : 1), width);
            end += width;
        }
        text[end] = 'Z';
        return new String(text);
    }

    /**
     * {@code OffsetDateTime.parse(text).toInstant()}: {@code 2003-07-11T09:45:00-04:00}, with {@code Z} or an
     * {@code ±HH:MM} offset and an optional fraction of up to nine digits; throws as that does.
     */
    public static Instant parse(String text) {
        Instant fast = parseCommonShape(text);
        return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
    }

    /** The instant, when {@code text} has the common shape and valid fields; null to let the JDK decide. */
    private static Instant parseCommonShape(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int position = 19;
        int nano = 0;
        if (text.charAt(position) == '.') {
            int start = ++position;
            while (position < length && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
                position++;
            }
            int digits = position - start;
            if (digits < 1 || digits > 9) {
                return null;
            }
            nano = number(text, start, digits);
            for (int i = digits; i < 9; i++) {
                nano *= 10;
            }
        }
        int offsetSeconds;
        if (position == length - 1 && text.charAt(position) == 'Z') {
            offsetSeconds = 0;
        } else if (position == length - 6 && (text.charAt(position) == '+' || text.charAt(position) == '-')
                && text.charAt(position + 3) == ':') {
            int offsetHours = number(text, position + 1, 2);
            int offsetMinutes = number(text, position + 4, 2);
            if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59
                    || (offsetHours == 18 && offsetMinutes > 0)) {
                return null;
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (text.charAt(position) == '-' ? -1 : 1);
        } else {
            return null;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay(); // throws on Feb 30 and the like
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offsetSeconds,
                    nano);
        } catch (DateTimeException invalidDate) {
            return null;
        }
    }

    /** The decimal number of {@code count} ASCII digits at {@code from}, or -1 if one is not a digit. */
    private static int number(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void digits(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
