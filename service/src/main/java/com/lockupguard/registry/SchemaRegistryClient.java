package com.lockupguard.registry;

import java.time.Duration;
import java.util.Collection;
import org.apache.avro.Schema;

/**
 * The part of a Confluent Schema Registry the guard uses, with Confluent's client method names.
 * Implementations are thread-safe. Failures are {@link SchemaRegistryException}s whose messages
 * say what to do.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of {@code schema} as registered under {@code subject}; fails if it is not registered there. */
    int getId(String subject, Schema schema);

    /** The schema with global id {@code id}; fails if there is none. */
    Schema getSchemaById(int id);

    /** The latest version registered under {@code subject}; fails if the subject does not exist. */
    SchemaMetadata getLatestSchemaMetadata(String subject);

    /** Whether {@code schema} may be registered under {@code subject} under its compatibility level. */
    boolean testCompatibility(String subject, Schema schema);

    Collection<String> getAllSubjects();

    /**
     * Whether the registry answers at all within {@code within}, asked once on each URL without retrying: any
     * answer below 500 but a 404, even a refusal, counts. For waiting out an outage, not for reading anything.
     */
    default boolean answers(Duration within) {
        return true;
    }

    @Override
    default void close() {
    }
}
