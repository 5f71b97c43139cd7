package com.lockupguard.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The latest records of one kind in memory, ordered by a time of theirs, then by arrival, since the feed
 * reads the topics' partitions side by side (after a restart, one partition's backlog after another's). The
 * oldest are forgotten first when there are more than {@code capacity}.
 */
final class NewestFirst<T> {

    private record Slot(Instant at, long arrival) {
        static final Comparator<Slot> ORDER = Comparator.comparing(Slot::at).thenComparingLong(Slot::arrival);
    }

    private final int capacity;
    private final Function<T, Instant> time;
    private final NavigableMap<Slot, T> records = new TreeMap<>(Slot.ORDER);
    private long arrivals;

    NewestFirst(int capacity, Function<T, Instant> time) {
        this.capacity = capacity;
        this.time = time;
    }

    synchronized void add(T record) {
        records.put(new Slot(time.apply(record), arrivals++), record);
        while (records.size() > capacity) {
            records.pollFirstEntry();
        }
    }

    /** Up to {@code limit} of the records {@code wanted} takes, newest first. */
    synchronized List<T> list(Predicate<T> wanted, int limit) {
        List<T> found = new ArrayList<>(Math.min(limit, records.size()));
        for (T record : records.descendingMap().values()) {
            if (found.size() == limit) {
                break;
            }
            if (wanted.test(record)) {
                found.add(record);
            }
        }
        return found;
    }
}
