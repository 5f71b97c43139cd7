package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class SendLimitTest {

    @Test
    void shouldNeverCountLessThanTheProducerCountsAgainstItsMaxRequestSize() {
        // given records whose bytes lie in their key, their value, their headers' values or their headers' names
        List<Headers> headers = List.of(new RecordHeaders(),
                new RecordHeaders().add("desk-note", new byte[2_500]),
                new RecordHeaders().add("n".repeat(2_500), new byte[1]),
                new RecordHeaders().add("nöte-ü".repeat(300), null).add("x", "y".getBytes(StandardCharsets.UTF_8)),
                manyHeaders(400));
        List<byte[]> keysAndValues = java.util.Arrays.asList(null, new byte[0], new byte[200], new byte[70_000]);
        for (Headers recordHeaders : headers) {
            for (byte[] key : keysAndValues) {
                for (byte[] value : keysAndValues) {
                    // when the guard measures one
                    int measured = SendLimit.size(key, value, recordHeaders);
                    // then it is at least what the producer holds against max.request.size, so that a record the
                    // guard lets through is never refused (a refusal fails the transaction, and every retry of it)
                    int producers = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                            CompressionType.NONE, key, value, recordHeaders.toArray());
                    assertThat(measured).as("key %s, value %s, %s headers", length(key), length(value),
                            recordHeaders.toArray().length).isGreaterThanOrEqualTo(producers);
                }
            }
        }
    }

    @Test
    void shouldLetARecordOfExactlyTheLimitThroughAndNotOneByteMore() {
        // given a limit of 3,000 bytes, as the producer holds a record to max.request.size (over it is refused)
        SendLimit limit = new SendLimit(3_000);
        Headers headers = new RecordHeaders().add("desk", new byte[10]);
        int valueAtTheLimit = 3_000 - SendLimit.size(new byte[5], null, headers);

        // when records of exactly the limit and of one byte more are measured
        boolean atTheLimit = limit.fits(new byte[5], new byte[valueAtTheLimit], headers);
        boolean overIt = limit.fits(new byte[5], new byte[valueAtTheLimit + 1], headers);

        // then the first is sent and the second is not
        assertThat(atTheLimit).isTrue();
        assertThat(overIt).isFalse();
    }

    private static Headers manyHeaders(int count) {
        Headers headers = new RecordHeaders();
        for (int i = 0; i < count; i++) {
            headers.add("h" + i, new byte[] {1});
        }
        return headers;
    }

    private static String length(byte[] bytes) {
        return bytes == null ? "null" : bytes.length + " bytes";
    }
}
