package com.lockupguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The replay's hash-map store answers every read as Kafka Streams' own in-memory store does, after any writes. */
class HashedMemoryStoreProperties {

    /** One write: a put (null value: a delete through put) or a delete. */
    record Write(String key, String value, boolean delete) {
    }

    @Property(tries = 300)
    void shouldReadAsKafkaStreamsInMemoryStoreDoes(@ForAll("writes") List<Write> writes,
            @ForAll("keys") String from, @ForAll("keys") String to, @ForAll("prefixes") String prefix) {
        KeyValueStore<Bytes, byte[]> hashed = open(HashedMemoryStore.supplier("hashed").get());
        KeyValueStore<Bytes, byte[]> sorted = open(Stores.inMemoryKeyValueStore("sorted").get());
        for (Write write : writes) {
            for (KeyValueStore<Bytes, byte[]> store : List.of(hashed, sorted)) {
                if (write.delete()) {
                    store.delete(bytes(write.key()));
                } else {
                    store.put(bytes(write.key()), write.value() == null ? null
                            : write.value().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        for (Write write : writes) {
            assertThat(hashed.get(bytes(write.key()))).isEqualTo(sorted.get(bytes(write.key())));
        }
        assertThat(list(hashed.all())).isEqualTo(list(sorted.all()));
        assertThat(list(hashed.reverseAll())).isEqualTo(list(sorted.reverseAll()));
        assertThat(list(hashed.range(bytes(from), bytes(to)))).isEqualTo(list(sorted.range(bytes(from), bytes(to))));
        assertThat(list(hashed.range(bytes(from), null))).isEqualTo(list(sorted.range(bytes(from), null)));
        assertThat(list(hashed.prefixScan(prefix, new StringSerializer())))
                .isEqualTo(list(sorted.prefixScan(prefix, new StringSerializer())));
        assertThat(hashed.approximateNumEntries()).isEqualTo(sorted.approximateNumEntries());
    }

    private static KeyValueStore<Bytes, byte[]> open(KeyValueStore<Bytes, byte[]> store) {
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    private static Bytes bytes(String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> list(KeyValueIterator<Bytes, byte[]> entries) {
        List<String> listed = new ArrayList<>();
        try (entries) {
            while (entries.hasNext()) {
                KeyValue<Bytes, byte[]> entry = entries.next();
                listed.add(new String(entry.key.get(), StandardCharsets.UTF_8) + "="
                        + new String(entry.value, StandardCharsets.UTF_8));
            }
        }
        return listed;
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.of("a", "b", "c", "é").list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("/", parts));
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of("a", "a/", "b/c", "é", "c/"); // Kafka's store refuses an empty prefix
    }

    @Provide
    Arbitrary<List<Write>> writes() {
        return Arbitraries.oneOf(
                keys().flatMap(key -> Arbitraries.strings().alpha().ofMaxLength(3).injectNull(0.1)
                        .map(value -> new Write(key, value, false))),
                keys().map(key -> new Write(key, null, true))).list().ofMaxSize(40);
    }
}
