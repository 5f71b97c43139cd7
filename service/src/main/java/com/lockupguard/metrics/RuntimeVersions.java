package com.lockupguard.metrics;

import java.time.zone.ZoneRulesProvider;
import java.util.NavigableMap;

/** The versions of what decides here: this guard's, and the time-zone rules it counts release dates with. */
public final class RuntimeVersions {

    private RuntimeVersions() {
    }

    /**
     * The tz database version the JVM counts release dates with, {@code 2025a} say (the one its runtime bundles, or a
     * TZUpdater put in; not the operating system's), or {@code unknown} when the runtime does not say. Instances of
     * one guard on different rules can put a boundary in a zone whose rules changed at different instants, and a
     * replay on other rules can disagree with the guard.
     */
    public static String zoneRules() {
        NavigableMap<String, ?> versions = ZoneRulesProvider.getVersions("UTC");
        return versions.isEmpty() ? "unknown" : versions.lastKey();
    }

    /** This guard's version, from its jar's manifest, or {@code development} when run from classes. */
    static String guard() {
        String version = RuntimeVersions.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
