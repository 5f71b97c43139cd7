package com.lockupguard.web;

import com.lockupguard.avro.ComplianceAlert;
import com.lockupguard.avro.Decision;
import com.lockupguard.avro.Position;
import com.lockupguard.avro.ReportResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the guard decided lately, the alerts it raised and how holdings moved, as the dashboard,
 * /api/decisions, /api/alerts and /api/reports show it.
 */
public interface DecisionHistory {

    /** A point of a holding's chart: what was released, sold and reserved as of an instant. */
    record HistoryPoint(Instant asOf, long releasedToDate, long soldToDate, long reservedNow, long availableNow,
            long contractCapacity) {

        static HistoryPoint of(Position position) {
            return new HistoryPoint(position.getAsOf(), position.getReleasedToDate(), position.getSoldToDate(),
                    position.getReservedNow(), position.getAvailableNow(), position.getContractCapacity());
        }
    }

    /**
     * A record as it was read, for the live feed: {@code type} is its server-sent event's name,
     * {@value #DECISION} ({@code value} a {@link Decision}), {@value #POSITION} (a {@link Position}),
     * {@value #REPORT} (a {@link com.lockupguard.avro.ReportResult}) or {@value #ALERT} (a
     * {@link ComplianceAlert}).
     */
    record Event(String type, String holding, SpecificRecord value) {

        public static final String DECISION = "decision";
        public static final String POSITION = "position";
        public static final String REPORT = "report";
        public static final String ALERT = "alert";
    }

    /**
     * Why its records are not being read now, so that a live stream stays silent however the guard decides, or empty
     * while they are read.
     */
    default Optional<ReadinessReason> outageReason() {
        return Optional.empty();
    }

    /**
     * Whether what was committed before it started reading has been read (or waited for long enough): until then its
     * lists may lack the newest of it, and a live stream, which tells only what comes after, is not opened (a page
     * loads its lists as its stream opens).
     */
    default boolean backlogRead() {
        return true;
    }

    /** The latest decisions, newest first, of one investor and/or one security, or of all (nulls). */
    List<Decision> recent(String investorId, String securityId, int limit);

    /**
     * The latest compliance alerts, newest (by evaluation time) first, of one investor and/or one
     * security, or of all (nulls).
     */
    List<ComplianceAlert> alerts(String investorId, String securityId, int limit);

    /**
     * The latest of those alerts that breach the agreement, newest first, kept apart: a run of alerts within the
     * limit (late fills of a desk's many small orders, say) forgets older alerts, and must not take a breach with them.
     */
    List<ComplianceAlert> breaches(String investorId, String securityId, int limit);

    /**
     * The latest execution reports' results (fills and cancels as the guard took them), newest (by when they
     * happened) first, of one investor and/or one security, or of all (nulls).
     */
    List<ReportResult> reports(String investorId, String securityId, int limit);

    /** A holding's position history, oldest first. */
    List<HistoryPoint> history(String holding);

    /** Tells {@code subscriber} of every decision, position, report result and alert from now on; closing the result stops it. */
    AutoCloseable subscribe(Consumer<Event> subscriber);
}
