package com.lockupguard.web;

import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/** What the guard decided lately and how holdings moved, as the dashboard and /api/decisions show it. */
public interface DecisionHistory {

    /** A point of a holding's chart: what was released and sold as of an instant. */
    record HistoryPoint(Instant asOf, long releasedToDate, long soldToDate, long availableNow, long contractCapacity) {

        static HistoryPoint of(Position position) {
            return new HistoryPoint(position.getAsOf(), position.getReleasedToDate(), position.getSoldToDate(),
                    position.getAvailableNow(), position.getContractCapacity());
        }
    }

    /** A decision or a position, as it was read. */
    record Event(String type, String holding, SpecificRecord value) {
    }

    /** The latest decisions, newest first, of one investor or of all (null). */
    List<Decision> recent(String investorId, int limit);

    /** A holding's position history, oldest first. */
    List<HistoryPoint> history(String holding);

    /** Tells {@code subscriber} of every decision and position from now on; closing the result stops it. */
    AutoCloseable subscribe(Consumer<Event> subscriber);
}
