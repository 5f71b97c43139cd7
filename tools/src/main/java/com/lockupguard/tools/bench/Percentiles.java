package com.lockupguard.tools.bench;

import java.util.Arrays;

/** The median, 99th percentile and maximum of a set of samples (nearest rank), in one unit. */
record Percentiles(long count, double p50, double p99, double max) {

    static Percentiles of(long[] samples) {
        return scaled(samples, 1);
    }

    static Percentiles ofNanosAsMillis(long[] nanos) {
        return scaled(nanos, 1e-6);
    }

    private static Percentiles scaled(long[] samples, double unit) {
        if (samples.length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, at(sorted, 0.50) * unit, at(sorted, 0.99) * unit,
                sorted[sorted.length - 1] * unit);
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[(int) Math.max(0, Math.ceil(quantile * sorted.length) - 1)];
    }
}
