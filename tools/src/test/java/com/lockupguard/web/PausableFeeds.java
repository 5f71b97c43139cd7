package com.lockupguard.web;

import com.lockupguard.topology.GuardTopics;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The guard's decision feed, reading with the guard's own consumer on a real broker, whose polls a test can hold: so
 * that what happens to the topics meanwhile is met by the consumer all at once, at its next poll, as it is by a feed
 * that was busy, restarting or slow, and not as the test's timing happens to let it.
 */
public final class PausableFeeds {

    private PausableFeeds() {
    }

    /**
     * A feed over {@code topics} as the guard builds it from {@code clientProperties}, whose consumer starts no poll
     * while {@code paused} is set (one under way ends within its 200 ms).
     */
    public static DecisionFeed of(Properties clientProperties, GuardTopics topics, AtomicBoolean paused,
            long historyPerPartition) {
        return new DecisionFeed(() -> held(DecisionFeed.createConsumer(clientProperties, topics), paused),
                DecisionFeed.topicsRead(topics), historyPerPartition);
    }

    @SuppressWarnings("unchecked")
    private static Consumer<String, Object> held(Consumer<String, Object> consumer, AtomicBoolean paused) {
        return (Consumer<String, Object>) Proxy.newProxyInstance(PausableFeeds.class.getClassLoader(),
                new Class<?>[] {Consumer.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("poll")) {
                        while (paused.get()) {
                            Thread.sleep(10);
                        }
                    }
                    try {
                        return method.invoke(consumer, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause(); // what the consumer threw, as it threw it (a wakeup, a bad record)
                    }
                });
    }
}
