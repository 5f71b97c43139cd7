package com.lockupguard.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random and adversarial replay timelines: several holdings, small share counts so that every
 * cap is hit, retries and reused ids, back-dated orders, agreement versions (valid, invalid and
 * calendar-moving), and fields of the wrong type, out of range or missing.
 */
final class RandomTimelines {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ZONES = {"America/New_York", "UTC", "Asia/Tokyo", "America/St_Johns",
        "Australia/Lord_Howe", "Europe/London", "-05:00"};
    private static final String[] OFFSETS = {"-05:00", "Z", "+09:00", "-04:00", "+05:30"};

    private final Random random;
    private long clockMinutes;
    private int nextOrderId;

    RandomTimelines(long seed) {
        this.random = new Random(seed);
    }

    List<String> timeline(int length) {
        List<String> lines = new ArrayList<>(length);
        clockMinutes = 0;
        nextOrderId = 0;
        lines.add(agreement(true));
        for (int i = 1; i < length; i++) {
            clockMinutes += random.nextInt(6 * 24 * 60);
            int pick = random.nextInt(100);
            if (pick < 74) {
                lines.add(order());
            } else if (pick < 90) {
                lines.add(agreement(random.nextInt(4) != 0));
            } else if (pick < 94) {
                lines.add(oneOf("", "   ", "not json", "[1,2]", "{\"type\":\"cancel\"}", "{}", "42", "{\"type\":5}"));
            } else {
                lines.add(retryOf(lines));
            }
        }
        return lines;
    }

    private String retryOf(List<String> lines) {
        String previous = lines.get(random.nextInt(lines.size()));
        if (!previous.contains("\"order\"")) {
            return order();
        }
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(previous);
            node.put("at", instant(clockMinutes));
            return node.toString();
        } catch (Exception e) {
            return order();
        }
    }

    private String order() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "order");
        int atPick = random.nextInt(100);
        if (atPick < 10) {
            node.put("at", localMidnight(clockMinutes));
        } else if (atPick < 95) {
            long minutes = random.nextInt(8) == 0 ? clockMinutes - random.nextInt(40 * 24 * 60) : clockMinutes;
            node.put("at", instant(Math.max(0, minutes)));
        } else if (atPick < 96) {
            node.put("at", "2003-07-11T09:45:00"); // no offset
        } else if (atPick < 97) {
            node.put("at", "soon");
        } else if (atPick < 98) {
            node.put("at", 1_057_931_100_000L); // a number, not a string
        } else if (atPick < 99) {
            node.put("at", "1969-12-31T23:00:00Z");
        } // else: missing
        int idPick = random.nextInt(100);
        if (idPick < 88) {
            node.put("orderId", "o" + nextOrderId++);
        } else if (idPick < 97) {
            node.put("orderId", "o" + random.nextInt(nextOrderId + 1)); // a reused id
        } else if (idPick < 98) {
            node.put("orderId", oneOf("a/b", "", "x".repeat(257)));
        } else if (idPick < 99) {
            node.put("orderId", 7);
        }
        holding(node, 98);
        int kindPick = random.nextInt(100);
        if (kindPick < 60) {
            node.put("kind", "PUBLIC_SALE");
        } else if (kindPick < 87) {
            node.put("kind", "PRIVATE_TRANSFER");
        } else if (kindPick < 97) {
            node.put("kind", "PURCHASE");
        } else if (kindPick < 98) {
            node.put("kind", "SHORT_SALE");
        } else if (kindPick < 99) {
            node.put("kind", 1);
        }
        int quantityPick = random.nextInt(100);
        if (quantityPick < 90) {
            node.put("quantity", 1 + random.nextInt(random.nextBoolean() ? 60 : 400));
        } else if (quantityPick < 93) {
            node.put("quantity", Long.MAX_VALUE);
        } else if (quantityPick < 94) {
            node.put("quantity", new java.math.BigInteger("9223372036854775808"));
        } else if (quantityPick < 95) {
            node.put("quantity", 0);
        } else if (quantityPick < 96) {
            node.put("quantity", -3);
        } else if (quantityPick < 97) {
            node.put("quantity", 5.0);
        } else if (quantityPick < 98) {
            node.put("quantity", "5");
        } else if (quantityPick < 99) {
            node.put("quantity", true);
        }
        return node.toString();
    }

    private void holding(ObjectNode node, int validPercent) {
        if (random.nextInt(100) < validPercent) {
            node.put("investorId", "i" + random.nextInt(2));
            node.put("securityId", "S");
        } else {
            switch (random.nextInt(4)) {
                case 0 -> node.put("investorId", "i/0");
                case 1 -> node.put("investorId", 3);
                case 2 -> node.put("securityId", "");
                default -> {
                    node.put("investorId", "i0");
                    // securityId missing
                }
            }
        }
    }

    private String agreement(boolean plausible) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "agreement");
        if (random.nextBoolean()) {
            node.put("at", instant(clockMinutes));
        }
        holding(node, plausible ? 100 : 90);
        LocalDate execution = LocalDate.parse("2003-01-01").plusDays(random.nextInt(60));
        if (plausible || random.nextInt(10) != 0) {
            node.put("executionDate", execution.toString());
        } else {
            node.put("executionDate", oneOf("2003-02-30", "01/02/2003", "1969-12-31"));
        }
        long total = 1 + random.nextInt(1_000);
        optionalNumber(node, "totalShares", total, plausible);
        optionalNumber(node, "firstReleaseShares", random.nextInt((int) total + 1), plausible);
        optionalNumber(node, "trancheShares", 1 + random.nextInt(400), plausible);
        optionalNumber(node, "lockupDays", random.nextInt(90), plausible);
        optionalNumber(node, "firstReleaseDays", 1 + random.nextInt(40), plausible);
        optionalNumber(node, "trancheDays", 1 + random.nextInt(40), plausible);
        optionalNumber(node, "rule144HoldingMonths", random.nextInt(15), plausible);
        if (random.nextInt(3) != 0) {
            node.put("timeZone", plausible || random.nextInt(5) != 0 ? oneOf(ZONES) : "Mars/Base");
        }
        if (random.nextInt(3) != 0) {
            node.put("trancheMode", plausible || random.nextInt(5) != 0
                    ? oneOf("NON_CUMULATIVE", "CUMULATIVE") : "ROLLING");
        }
        int effectivePick = random.nextInt(100);
        if (effectivePick < 40) {
            long minutes = random.nextInt(200 * 24 * 60) + (execution.toEpochDay() - 12_053) * 24 * 60;
            node.put("effectiveAt", instant(Math.max(0, minutes)));
        } else if (effectivePick < 50) {
            node.putNull("effectiveAt");
        } else if (effectivePick < 52 && !plausible) {
            node.put("effectiveAt", "2003-07-10");
        }
        return node.toString();
    }

    private void optionalNumber(ObjectNode node, String field, long value, boolean plausible) {
        int pick = random.nextInt(100);
        if (pick < 30) {
            return; // left out: the letter's value
        }
        if (pick < 33) {
            node.putNull(field);
        } else if (plausible || pick < 85) {
            node.put(field, value);
        } else {
            switch (random.nextInt(6)) {
                case 0 -> node.put(field, 0);
                case 1 -> node.put(field, -1);
                case 2 -> node.put(field, value + 0.5);
                case 3 -> node.put(field, Long.toString(value));
                case 4 -> node.put(field, 36_501);
                default -> node.put(field, 1_000_000_000_000_001L);
            }
        }
    }

    /** Minutes after 2003-01-01T00:00Z, written with a random offset. */
    private String instant(long minutes) {
        Instant instant = Instant.parse("2003-01-01T00:00:00Z").plusSeconds(minutes * 60);
        String offset = oneOf(OFFSETS);
        ZoneOffset zoneOffset = offset.equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(offset);
        return instant.atOffset(zoneOffset).toString();
    }

    /** The start of the clock's local day in one of the zones, or the millisecond before it: window edges. */
    private String localMidnight(long minutes) {
        java.time.ZoneId zone = java.time.ZoneId.of(oneOf(ZONES));
        Instant instant = Instant.parse("2003-01-01T00:00:00Z").plusSeconds(minutes * 60);
        Instant midnight = instant.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        if (random.nextBoolean()) {
            midnight = midnight.minusMillis(1);
        }
        return midnight.atZone(zone).toOffsetDateTime().toString();
    }

    @SafeVarargs
    private <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }
}
