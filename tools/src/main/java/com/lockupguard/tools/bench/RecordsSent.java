package com.lockupguard.tools.bench;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** How many records a Kafka Streams application's producers have sent, from their metrics. */
final class RecordsSent {

    private RecordsSent() {
    }

    /**
     * Outputs and changelogs, not transaction markers, each record once: record-send-total counts every attempt
     * (a batch sent again after a retriable error counts again), record-retry-total the records sent again.
     */
    static double of(Map<MetricName, ? extends Metric> metrics) {
        double sent = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : metrics.entrySet()) {
            if (!metric.getKey().group().equals("producer-metrics")) {
                continue;
            }
            if (metric.getKey().name().equals("record-send-total")) {
                sent += value(metric.getValue());
            } else if (metric.getKey().name().equals("record-retry-total")) {
                sent -= value(metric.getValue());
            }
        }
        return sent;
    }

    private static double value(Metric metric) {
        return ((Number) metric.metricValue()).doubleValue();
    }
}
