package com.lockupguard.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The hash of an agreement's terms that decisions, positions and the agreement audit carry, so
 * that an auditor can tell which terms governed a decision: SHA-256, in lower-case hex, of the
 * terms' canonical text — a one-line JSON object with every field of RULES.md section 1 in the
 * order of the table, defaults applied, dates as {@code yyyy-MM-dd}, {@code effectiveAt} as UTC
 * ISO-8601 with milliseconds ({@code 2003-07-10T20:30:00.000Z}) or null, numbers as integers and
 * strings JSON-escaped ({@code "}, {@code \} and control characters only).
 */
public final class TermsFingerprint {

    private static final DateTimeFormatter UTC_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private TermsFingerprint() {
    }

    public static String of(AgreementTerms terms) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonicalText(terms).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The canonical text the hash is taken of. */
    public static String canonicalText(AgreementTerms terms) {
        StringBuilder text = new StringBuilder(384).append('{');
        string(text, "investorId", terms.holding().investorId()).append(',');
        string(text, "securityId", terms.holding().securityId()).append(',');
        string(text, "executionDate", terms.executionDate().toString()).append(',');
        string(text, "timeZone", terms.timeZone()).append(',');
        number(text, "totalShares", terms.totalShares()).append(',');
        number(text, "lockupDays", terms.lockupDays()).append(',');
        number(text, "firstReleaseShares", terms.firstReleaseShares()).append(',');
        number(text, "firstReleaseDays", terms.firstReleaseDays()).append(',');
        number(text, "trancheShares", terms.trancheShares()).append(',');
        number(text, "trancheDays", terms.trancheDays()).append(',');
        string(text, "trancheMode", terms.trancheMode().name()).append(',');
        number(text, "rule144HoldingMonths", terms.rule144HoldingMonths()).append(',');
        name(text, "effectiveAt");
        if (terms.effectiveAt() == null) {
            text.append("null");
        } else {
            quoted(text, UTC_MILLIS.format(terms.effectiveAt()));
        }
        return text.append('}').toString();
    }

    private static StringBuilder name(StringBuilder text, String name) {
        return quoted(text, name).append(':');
    }

    private static StringBuilder string(StringBuilder text, String name, String value) {
        return quoted(name(text, name), value);
    }

    private static StringBuilder number(StringBuilder text, String name, long value) {
        return name(text, name).append(value);
    }

    private static StringBuilder quoted(StringBuilder text, String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                text.append('\\').append(c);
            } else if (c < 0x20) {
                text.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.append('"');
    }
}
