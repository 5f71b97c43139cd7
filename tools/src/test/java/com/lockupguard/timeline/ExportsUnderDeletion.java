package com.lockupguard.timeline;

import com.lockupguard.app.GuardConfig;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The export as {@code export} runs it, with the consumer it makes, on a real broker, and records deleted under it at a
 * poll the test chooses: so that the consumer meets a position the topic no longer has, as it does when the retention
 * deletes a segment it has not read yet, and not as the test's timing happens to let it.
 */
public final class ExportsUnderDeletion {

    private ExportsUnderDeletion() {
    }

    /**
     * Every holding's records up to the topics' ends, {@code deletion} run once just before the {@code poll}th poll
     * made while {@code topic} is being read.
     */
    public static RecordedInputs.Counts read(GuardConfig config, String topic, int poll, Runnable deletion,
            RecordedInputs.Sink sink) throws IOException {
        return new RecordedInputs(config, Duration.ofSeconds(30), List.of(), null, properties -> deletingAt(
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer()), topic,
                poll, deletion), 5_000).read(sink);
    }

    @SuppressWarnings("unchecked")
    private static Consumer<byte[], byte[]> deletingAt(Consumer<byte[], byte[]> consumer, String topic, int poll,
            Runnable deletion) {
        AtomicInteger polls = new AtomicInteger();
        return (Consumer<byte[], byte[]>) Proxy.newProxyInstance(ExportsUnderDeletion.class.getClassLoader(),
                new Class<?>[] {Consumer.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("poll") && consumer.assignment().stream()
                            .anyMatch(partition -> partition.topic().equals(topic))
                            && polls.incrementAndGet() == poll) {
                        deletion.run();
                    }
                    try {
                        return method.invoke(consumer, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause(); // what the consumer threw, as it threw it
                    }
                });
    }
}
