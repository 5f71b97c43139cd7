package com.lockupguard.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class RecordsSentTest {

    private final Map<MetricName, Metric> metrics = new LinkedHashMap<>();

    private void metric(String group, String name, String clientId, double value) {
        MetricName metricName = new MetricName(name, group, "", Map.of("client-id", clientId));
        metrics.put(metricName, new Metric() {
            @Override
            public MetricName metricName() {
                return metricName;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }

    @Test
    void shouldCountEveryProducersRecordsOnce() {
        // given two producers (two stream threads) and a consumer
        metric("producer-metrics", "record-send-total", "thread-1-producer", 100);
        metric("producer-metrics", "record-send-total", "thread-2-producer", 50);
        metric("consumer-fetch-manager-metrics", "records-consumed-total", "thread-1-consumer", 1_000);
        // and the same records again by topic, which a producer also reports under that name
        metric("producer-topic-metrics", "record-send-total", "thread-1-producer", 100);
        // then
        assertThat(RecordsSent.of(metrics)).isEqualTo(150);
    }

    @Test
    void shouldNotCountARetriedRecordTwice() {
        // given a producer that sent 100 records, 3 of them twice: record-send-total counts each attempt (a batch
        // refused with OutOfOrderSequenceException at the start of a transaction, say, and sent again)
        metric("producer-metrics", "record-send-total", "thread-1-producer", 103);
        metric("producer-metrics", "record-retry-total", "thread-1-producer", 3);
        // then rec/o counts what was written: 100
        assertThat(RecordsSent.of(metrics)).isEqualTo(100);
    }
}
