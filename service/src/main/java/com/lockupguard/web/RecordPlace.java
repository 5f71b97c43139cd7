package com.lockupguard.web;

import java.util.Comparator;

/**
 * Where the feed read a record: its topic, partition and offset, the same for every instance that reads it. Records
 * of one time are listed in this order, so that two instances list them alike, whatever order they read their
 * partitions in.
 */
record RecordPlace(String topic, int partition, long offset) {

    static final Comparator<RecordPlace> ORDER = Comparator.comparing(RecordPlace::topic)
            .thenComparingInt(RecordPlace::partition).thenComparingLong(RecordPlace::offset);

    /** The place of the {@code n}th record given without one: after each other in the order given. */
    static RecordPlace arrival(long n) {
        return new RecordPlace("", 0, n);
    }
}
