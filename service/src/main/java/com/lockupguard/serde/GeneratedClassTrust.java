package com.lockupguard.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Which classes Avro may load by a name it reads from a schema: the guard's generated records and enums, besides what
 * Avro trusts itself and what {@code org.apache.avro.SERIALIZABLE_PACKAGES} or {@code SERIALIZABLE_CLASSES} add (read
 * once, when Avro's validator is loaded: give them as {@code -D} options).
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

    /** The trust this class last set, to tell whether another has been set since. */
    private static ClassSecurityPredicate installed;

    private GeneratedClassTrust() {
    }

    /**
     * Adds the generated classes to Avro's global trust, keeping what it trusted. A second call does nothing, unless
     * another trust has been set since (Avro keeps one): then the generated classes are added to that one.
     */
    public static synchronized void install() {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (current == installed) {
            return;
        }
        installed = ClassSecurityValidator.composite(current, GeneratedClassTrust::isGenerated);
        ClassSecurityValidator.setGlobal(installed);
    }

    /**
     * Whether {@code type} is a record or an enum of the guard's schemas: what Avro looks up by a schema's name. Not a
     * record's builder, nor anything else the package may hold.
     */
    static boolean isGenerated(Class<?> type) {
        return type.getPackageName().equals(GENERATED_PACKAGE)
                && (SpecificRecord.class.isAssignableFrom(type) || type.isEnum());
    }
}
