package com.lockupguard.topology;

/**
 * The largest record the topics the guard writes take: the smallest {@code max.message.bytes} among them, once the
 * service has read it at start. A record under the producer's {@code max.request.size} but over a topic's limit is
 * refused by the broker, and under exactly-once that refusal fails the task's transaction just as the producer's own
 * would ({@link SendLimit}). Unknown until set, and in the replay: no broker limits a record then.
 */
public final class OutputMessageLimit {

    private volatile Limit limit;

    /** The topic and its limit, when known. */
    private record Limit(String topic, int bytes) {
    }

    /** No topic's limit known: only the producer's counts. */
    public static OutputMessageLimit unchecked() {
        return new OutputMessageLimit();
    }

    /**
     * {@code topic}, the guard's output taking the smallest records, takes records of up to {@code bytes}.
     *
     * @return whether that differs from what was known
     */
    public boolean set(String topic, int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("max.message.bytes of topic " + topic + " is " + bytes);
        }
        Limit now = new Limit(topic, bytes);
        boolean changed = !now.equals(limit);
        this.limit = now;
        return changed;
    }

    /** The limit in bytes; {@link Integer#MAX_VALUE} while unknown. */
    int bytes() {
        Limit known = limit;
        return known == null ? Integer.MAX_VALUE : known.bytes();
    }

    /** The topic whose limit {@link #bytes()} is; null while unknown. */
    String topic() {
        Limit known = limit;
        return known == null ? null : known.topic();
    }
}
