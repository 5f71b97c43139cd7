package com.lockupguard.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A schema registry in memory, with Confluent's semantics: ids are global and the same schema
 * gets the same id under every subject; versions count from 1 per subject; a new version must
 * pass the subject's compatibility level (BACKWARD unless set otherwise).
 *
 * <p>Selected by {@code schema.registry.url=mock://<scope>}, as Confluent users do in tests:
 * every client of one scope shares one registry. It backs the replay, the tests and the
 * embedded demo; production always points at a real registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();
    private final Map<String, CompatibilityLevel> compatibilityBySubject = new HashMap<>();
    private CompatibilityLevel defaultCompatibility = CompatibilityLevel.BACKWARD;

    /** The registry shared by every {@code mock://scope} client. */
    public static InMemorySchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry());
    }

    /** Forgets a scope, so that its memory can be reclaimed. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        Integer existing = idsBySchema.get(canonical(schema));
        if (existing != null && versions.contains(existing)) {
            return existing;
        }
        List<Schema> previous = versions.stream().map(schemasById::get).toList();
        if (!compatibility(subject).allows(schema, previous)) {
            throw new SchemaRegistryException.IncompatibleSchema("schema " + schema.getFullName()
                    + " is incompatible with the latest version of subject '" + subject + "' under "
                    + compatibility(subject) + " compatibility: add fields with defaults instead of changing them");
        }
        int id = idsBySchema.computeIfAbsent(canonical(schema), s -> {
            int next = schemasById.size() + 1;
            schemasById.put(next, schema);
            return next;
        });
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized int getId(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException.SubjectNotFound(subject);
        }
        Integer id = idsBySchema.get(canonical(schema));
        if (id == null || !versions.contains(id)) {
            throw new SchemaRegistryException.SchemaNotFound("schema " + schema.getFullName()
                    + " is not registered under subject '" + subject + "': register it, or deploy the version "
                    + "that matches the registry");
        }
        return id;
    }

    @Override
    public synchronized Schema getSchemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException.SchemaNotFound("no schema has id " + id
                    + " in this registry: the record was written against another registry");
        }
        return schema;
    }

    @Override
    public synchronized SchemaMetadata getLatestSchemaMetadata(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException.SubjectNotFound(subject);
        }
        int id = versions.get(versions.size() - 1);
        return new SchemaMetadata(subject, versions.size(), id, schemasById.get(id));
    }

    /** Every version of a subject, oldest first, as Confluent numbers them (from 1). */
    public synchronized List<SchemaMetadata> getAllVersions(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException.SubjectNotFound(subject);
        }
        List<SchemaMetadata> all = new ArrayList<>(versions.size());
        for (int i = 0; i < versions.size(); i++) {
            all.add(new SchemaMetadata(subject, i + 1, versions.get(i), schemasById.get(versions.get(i))));
        }
        return all;
    }

    @Override
    public synchronized boolean testCompatibility(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        return compatibility(subject).allows(schema, versions.stream().map(schemasById::get).toList());
    }

    @Override
    public synchronized Collection<String> getAllSubjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    public synchronized CompatibilityLevel compatibility(String subject) {
        return compatibilityBySubject.getOrDefault(subject, defaultCompatibility);
    }

    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        compatibilityBySubject.put(subject, level);
    }

    /** The level set for {@code subject} itself, if any: without one, the default applies to it. */
    public synchronized Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        return Optional.ofNullable(compatibilityBySubject.get(subject));
    }

    /** Removes the level set for {@code subject}, so that the default applies to it; the level it had, if any. */
    public synchronized Optional<CompatibilityLevel> clearCompatibility(String subject) {
        return Optional.ofNullable(compatibilityBySubject.remove(subject));
    }

    public synchronized CompatibilityLevel defaultCompatibility() {
        return defaultCompatibility;
    }

    public synchronized void setDefaultCompatibility(CompatibilityLevel level) {
        defaultCompatibility = level;
    }

    /** Two schemas are the same schema when their canonical forms are equal, docs and defaults included. */
    private static String canonical(Schema schema) {
        return schema.toString();
    }
}
