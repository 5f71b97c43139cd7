package com.lockupguard.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Which classes Avro may load by a name it reads from a schema: the guard's generated classes, besides what Avro
 * trusts itself and what {@code org.apache.avro.SERIALIZABLE_PACKAGES} or {@code SERIALIZABLE_CLASSES} add.
 *
 * <p>Avro looks a class up by a schema's name (a generated record or enum, and its field defaults) and by a
 * {@code java-class} property; a schema from the registry is written by whoever may register one. Since 1.12.2 it
 * loads such a class without initializing it and refuses any it does not trust; 1.12.1's fast reader instantiated
 * whatever class the reader's schema named in {@code java-class} with the string it read, and a generic reader
 * reads with the writer's schema. Installed once, before the first record is read or written, by the command line
 * and by the serdes; a JVM that only builds generated records calls {@link #install()} itself.
 */
public final class GeneratedClassTrust {

    /** The package the Avro Maven plugin writes the classes of {@code schemas/} into. */
    public static final String GENERATED_PACKAGE = "com.lockupguard.avro";

    private static boolean installed;

    private GeneratedClassTrust() {
    }

    /** Adds the generated classes to Avro's global trust, keeping what it trusted; a second call does nothing. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(before, GeneratedClassTrust::isGenerated));
        installed = true;
    }

    /** Whether {@code type} is one of the guard's generated classes (a nested one too, as a record's builder). */
    static boolean isGenerated(Class<?> type) {
        return type.getPackageName().equals(GENERATED_PACKAGE);
    }
}
