package com.lockupguard.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure, before the guard processes anything, that the registry holds the schemas it
 * writes and that it can read what producers write. With {@code auto.register.schemas=true} it
 * registers them; with {@code false} (production) it only looks them up and refuses to start,
 * naming the subject, when one is missing or incompatible.
 */
public final class SchemaBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaBootstrap.class);

    /** A subject the guard writes with {@code schema}, or reads into {@code schema}. */
    public record Subject(String name, Schema schema, boolean written) {
    }

    private final SchemaRegistryClient registry;
    private final boolean autoRegister;

    public SchemaBootstrap(SchemaRegistryClient registry, boolean autoRegister) {
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    public void ensure(List<Subject> subjects) {
        for (Subject subject : subjects) {
            if (subject.written()) {
                ensureWritable(subject);
            } else {
                ensureReadable(subject);
            }
        }
    }

    /**
     * Why the guard could not write under {@code subject} (a refusal {@link #ensure} would throw), looked up only:
     * for a subject the guard writes on request, which a start is not refused for.
     */
    public Optional<String> whyNotWritable(Subject subject) {
        try {
            ensureWritable(subject);
            return Optional.empty();
        } catch (IllegalStateException | SchemaRegistryException e) {
            return Optional.of(e.getMessage()); // a registry that does not answer this lookup does not stop a start
        }
    }

    private void ensureWritable(Subject subject) {
        try {
            int id = autoRegister ? registry.register(subject.name(), subject.schema())
                    : registry.getId(subject.name(), subject.schema());
            LOG.info("subject {}: {} has id {}", subject.name(), subject.schema().getFullName(), id);
        } catch (SchemaRegistryException.SubjectNotFound e) {
            // (the .avsc files name shared types, which a registry without schema references cannot resolve)
            throw new IllegalStateException("schema registry has no subject '" + subject.name() + "' and "
                    + "auto.register.schemas=false: register " + subject.schema().getFullName() + " under it with "
                    + "`lockup-guard schemas --register` and this configuration (or set auto.register.schemas=true)",
                    e);
        } catch (SchemaRegistryException.SchemaNotFound e) {
            SchemaMetadata latest = registry.getLatestSchemaMetadata(subject.name());
            String compatibility;
            try {
                compatibility = registry.testCompatibility(subject.name(), subject.schema()) ? "compatible: register it"
                        : "INCOMPATIBLE with the registered versions: deploy a guard whose schema matches, or evolve "
                                + "the schema compatibly";
            } catch (SchemaRegistryException unasked) {
                // the refusal is about the schema: a registry that cannot say whether it is compatible does not hide it
                compatibility = "not known whether compatible (the registry's check failed: " + unasked.getMessage()
                        + "): register it, or deploy a guard whose schema matches";
            }
            throw new IllegalStateException("subject '" + subject.name() + "' does not hold this guard's "
                    + subject.schema().getFullName() + " schema (latest is version " + latest.version() + ", id "
                    + latest.id() + "); it is " + compatibility, e);
        } catch (SchemaRegistryException.IncompatibleSchema e) {
            throw new IllegalStateException("cannot register " + subject.schema().getFullName() + " under subject '"
                    + subject.name() + "': " + e.getMessage(), e);
        }
    }

    private void ensureReadable(Subject subject) {
        SchemaMetadata latest;
        try {
            latest = registry.getLatestSchemaMetadata(subject.name());
        } catch (SchemaRegistryException.SubjectNotFound e) {
            LOG.info("subject {} has no schema yet; its producers register it", subject.name());
            return;
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(subject.schema(), latest.schema());
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new IllegalStateException("the latest schema of subject '" + subject.name() + "' (version "
                    + latest.version() + ", id " + latest.id() + ") cannot be read as " + subject.schema().getFullName()
                    + ": " + compatibility.getResult().getIncompatibilities());
        }
        String refusal = ReadableAs.refusal(subject.schema(), latest.schema());
        if (refusal != null) {
            // Avro's check passes these; the guard's deserializer refuses them, and would dead-letter every record
            throw new IllegalStateException("the latest schema of subject '" + subject.name() + "' (version "
                    + latest.version() + ", id " + latest.id() + ") cannot be read as " + subject.schema().getFullName()
                    + ": " + refusal);
        }
        LOG.info("subject {}: version {} readable as {}", subject.name(), latest.version(),
                subject.schema().getFullName());
    }
}
