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
 * The latest records of one kind in memory, ordered by a time of theirs, then by where they were read
 * ({@link RecordPlace}): the feed reads the topics' partitions side by side (after a restart, one partition's
 * backlog after another's), in an order of its own on each instance, and records of one time (a batch the broker
 * stamped in one millisecond) were listed in that order, differently by two instances behind one load balancer.
 * The oldest are forgotten first when there are more than {@code capacity}; a record read again at its place takes
 * its own place.
 */
final class NewestFirst<T> {

    private record Slot(Instant at, RecordPlace place) {
        static final Comparator<Slot> ORDER = Comparator.comparing(Slot::at)
                .thenComparing(Slot::place, RecordPlace.ORDER);
    }

    private final int capacity;
    private final Function<T, Instant> time;
    private final NavigableMap<Slot, T> records = new TreeMap<>(Slot.ORDER);
    private long arrivals;

    NewestFirst(int capacity, Function<T, Instant> time) {
        this.capacity = capacity;
        this.time = time;
    }

    /** {@code record}, after every record of its time given so far without a place. */
    synchronized void add(T record) {
        add(record, RecordPlace.arrival(arrivals++));
    }

    synchronized void add(T record, RecordPlace place) {
        records.put(new Slot(time.apply(record), place), record);
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
