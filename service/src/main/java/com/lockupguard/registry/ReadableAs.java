package com.lockupguard.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.Resolver;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Type;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;

/**
 * What Avro's schema resolution lets through that the guard must not read into its own classes. Avro resolves a
 * writer's record into a reader's record of any name (its compatibility check compares their names, without the
 * namespace); neither compares logical types, so a producer's {@code timestamp-micros} is read as
 * {@code timestamp-millis} (2003 read as the year 35492) and passes the check. And its check passes some schemas its
 * reading then fails on, record after record. Used by the start's check of what producers registered
 * ({@link SchemaBootstrap}) and by the deserializer of every record, so that both refuse alike.
 */
public final class ReadableAs {

    /** The types Avro reads a value of each type as, besides its own. */
    private static final Map<Type, Set<Type>> PROMOTIONS = Map.of(
            Type.INT, Set.of(Type.LONG, Type.FLOAT, Type.DOUBLE),
            Type.LONG, Set.of(Type.FLOAT, Type.DOUBLE),
            Type.FLOAT, Set.of(Type.DOUBLE),
            Type.STRING, Set.of(Type.BYTES),
            Type.BYTES, Set.of(Type.STRING));

    private ReadableAs() {
    }

    /**
     * Why records written with {@code writer} must not be read as {@code reader}, or null when they may: a record of
     * another name (as Avro's check compares them: in any namespace, or named by an alias of the reader's), or a field
     * the reader gives a logical type the writer gave another. A field written plain (a long) is read as the reader's
     * logical type says (milliseconds), as its contract documents it; a logical type the reader's field has none of
     * (a {@code uuid} on a string id) changes nothing it reads. Then, of a schema Avro's compatibility check passes,
     * what its reading would fail on nonetheless.
     */
    public static String refusal(Schema reader, Schema writer) {
        if (reader.getType() == Type.RECORD && writer.getType() == Type.RECORD && !sameName(reader, writer)) {
            return "a " + writer.getFullName() + " is not a " + reader.getFullName() + " (nor named by an alias of "
                    + "it)";
        }
        List<String> differing = new ArrayList<>();
        compare(reader, writer, reader.getName(), differing, new HashSet<>());
        if (!differing.isEmpty()) {
            return "its logical types are not the guard's: " + String.join("; ", differing);
        }
        if (SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            // the start refuses it; a record, Avro reads if it can: a writer's union with a branch the guard's lacks
            // fails only the records of that branch
            return null;
        }
        String unresolved = firstError(Resolver.resolve(writer, reader, GenericData.get()),
                Collections.newSetFromMap(new IdentityHashMap<>()));
        return unresolved == null ? null : "Avro's reading of it fails (" + unresolved + "), though its compatibility "
                + "check passes";
    }

    /**
     * The first error Avro's resolution of a writer's schema into a reader's holds, or null: what its reader would
     * throw at the record that reaches it. Its compatibility check, which the start also runs, passes some of them:
     * an enum of another namespace (its check compares the names without it, the reader's union branches by the full
     * name), written outside a union shaped as the reader's.
     */
    private static String firstError(Resolver.Action action, Set<Resolver.Action> seen) {
        if (action == null || !seen.add(action)) {
            return null;
        }
        if (action instanceof Resolver.ErrorAction error) {
            return error.toString();
        }
        List<Resolver.Action> next = new ArrayList<>();
        if (action instanceof Resolver.WriterUnion union) {
            next.addAll(Arrays.asList(union.actions));
        } else if (action instanceof Resolver.ReaderUnion union) {
            next.add(union.actualAction);
        } else if (action instanceof Resolver.RecordAdjust record) {
            next.addAll(Arrays.asList(record.fieldActions));
        } else if (action instanceof Resolver.Container container) {
            next.add(container.elementAction);
        }
        for (Resolver.Action inner : next) {
            String error = firstError(inner, seen);
            if (error != null) {
                return error;
            }
        }
        return null;
    }

    /**
     * What looks like a field renamed between {@code writer} and {@code reader}, both records, or null: fields the
     * writer writes that no field of the reader reads (by name or alias) while reader fields it lacks are read as
     * their defaults. Avro reads such a record without a word: a producer's {@code commitmentShares} would be
     * dropped and the reader's {@code totalShares} be its default.
     */
    public static String renamedFields(Schema reader, Schema writer) {
        if (reader.getType() != Type.RECORD || writer.getType() != Type.RECORD) {
            return null;
        }
        Set<String> read = new HashSet<>();
        List<String> defaulted = new ArrayList<>();
        for (Schema.Field field : reader.getFields()) {
            Schema.Field wrote = writtenField(writer, field);
            if (wrote == null) {
                defaulted.add(field.name());
            } else {
                read.add(wrote.name());
            }
        }
        List<String> dropped = writer.getFields().stream().map(Schema.Field::name).filter(name -> !read.contains(name))
                .toList();
        if (dropped.isEmpty() || defaulted.isEmpty()) {
            return null;
        }
        return "writes " + dropped + ", which are not read, and lacks " + defaulted + ", which are read as their "
                + "defaults: was a field renamed?";
    }

    /** Whether a record named as {@code writer} is read as {@code reader}, as Avro's own check has it. */
    public static boolean sameName(Schema reader, Schema writer) {
        return reader.getName().equals(writer.getName()) || reader.getAliases().contains(writer.getFullName());
    }

    private static void compare(Schema reader, Schema writer, String path, List<String> differing, Set<String> seen) {
        if (writer.getType() == Type.UNION) {
            for (Schema branch : writer.getTypes()) {
                Schema read = branchFor(reader, branch);
                if (read != null) {
                    compare(read, branch, path, differing, seen);
                }
            }
            return;
        }
        if (reader.getType() == Type.UNION) {
            Schema read = branchFor(reader, writer);
            if (read != null) {
                compare(read, writer, path, differing, seen);
            }
            return;
        }
        LogicalType written = writer.getLogicalType();
        LogicalType read = reader.getLogicalType();
        if (written != null && read != null && !written.getName().equals(read.getName())) {
            differing.add(path + " is written as " + written.getName() + ", read as " + read.getName());
        }
        if (reader.getType() == Type.RECORD && writer.getType() == Type.RECORD
                && seen.add(reader.getFullName() + "<" + writer.getFullName())) {
            for (Schema.Field field : reader.getFields()) {
                Schema.Field wrote = writtenField(writer, field);
                if (wrote != null) {
                    compare(field.schema(), wrote.schema(), path + "." + field.name(), differing, seen);
                }
            }
        } else if (reader.getType() == Type.ARRAY && writer.getType() == Type.ARRAY) {
            compare(reader.getElementType(), writer.getElementType(), path + "[]", differing, seen);
        } else if (reader.getType() == Type.MAP && writer.getType() == Type.MAP) {
            compare(reader.getValueType(), writer.getValueType(), path + "{}", differing, seen);
        }
    }

    /** The writer's field a reader's field is read from: by its name, or by one of the reader's aliases for it. */
    private static Schema.Field writtenField(Schema writer, Schema.Field read) {
        Schema.Field byName = writer.getField(read.name());
        if (byName != null) {
            return byName;
        }
        return read.aliases().stream().map(writer::getField).filter(field -> field != null).findFirst().orElse(null);
    }

    /**
     * The branch of {@code reader} (a union, or not) a value written as {@code written} is read into, or null: one of
     * its type, else one Avro promotes it to (an {@code int} read as a {@code long}: a {@code date} written there would
     * otherwise be read as a {@code timestamp-millis}, 2003-07-10 as 12 seconds after 1970, unrefused).
     */
    private static Schema branchFor(Schema reader, Schema written) {
        List<Schema> branches = reader.getType() == Type.UNION ? reader.getTypes() : List.of(reader);
        for (Schema branch : branches) {
            boolean named = branch.getType() == Type.RECORD || branch.getType() == Type.ENUM
                    || branch.getType() == Type.FIXED;
            if (branch.getType() == written.getType() && (!named || branch.getName().equals(written.getName()))) {
                return branch;
            }
        }
        return branches.stream().filter(branch -> PROMOTIONS.getOrDefault(written.getType(), Set.of())
                .contains(branch.getType())).findFirst().orElse(null);
    }
}
