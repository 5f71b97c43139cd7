package com.lockupguard.serde;

/**
 * A class outside the guard's schemas that a schema from the registry may name, by {@code java-class} or as a
 * record's name. It says so in a system property when it is initialized or instantiated, so that a test can tell
 * without touching it.
 */
public final class SchemaNamedClass {

    static final String INITIALIZED = "lockupguard.test.schema-named-class.initialized";
    static final String INSTANTIATED = "lockupguard.test.schema-named-class.instantiated";

    static {
        System.setProperty(INITIALIZED, "true");
    }

    public SchemaNamedClass(String value) {
        System.setProperty(INSTANTIATED, value);
    }
}
