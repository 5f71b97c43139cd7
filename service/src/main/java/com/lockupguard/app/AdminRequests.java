package com.lockupguard.app;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin requests retried while Kafka answers with a retriable error (a topic just created is not
 * yet known to every broker, a leader is moving), until a deadline.
 */
public final class AdminRequests {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRequests.class);

    private AdminRequests() {
    }

    /** The result of the request {@code request} makes, retried until {@code timeout}. */
    public static <T> T retrying(Duration timeout, java.util.function.Supplier<KafkaFuture<T>> request)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return request.get().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                        && System.nanoTime() > deadline) {
                    // "Timed out waiting for a node assignment": no broker answered at all
                    throw notAnswered(timeout, e.getCause());
                }
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka admin request failed: " + described(e.getCause()),
                            e.getCause());
                }
                LOG.debug("retrying admin request after {}", e.getCause().toString());
                Thread.sleep(200);
            } catch (TimeoutException e) {
                throw notAnswered(timeout, e);
            }
        }
    }

    /** Kafka's answer in its words, or by its name where it has none (a missing topic can come with no text). */
    private static String described(Throwable answer) {
        String message = answer.getMessage();
        return message == null || message.isBlank() ? answer.getClass().getSimpleName() : message;
    }

    private static ClusterNotAnsweredException notAnswered(Duration timeout, Throwable cause) {
        return new ClusterNotAnsweredException(timeout, cause);
    }
}
