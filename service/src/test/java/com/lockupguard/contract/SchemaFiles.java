package com.lockupguard.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/** Parses a directory of .avsc files whose types refer to each other, in whatever order they resolve. */
final class SchemaFiles {

    private SchemaFiles() {
    }

    /**
     * Every named type defined in the directory, by full name: each file's own, and those defined inline in it (an
     * enum a record's field declares), whose symbols the evolution tests check as they check the others'.
     */
    static Map<String, Schema> parse(Path directory) {
        List<Path> order;
        try (Stream<Path> files = Files.list(directory)) {
            order = new ArrayList<>(files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a file that refers to a type not parsed yet fails: move it to the end and start over with a fresh parser
        for (int pass = 0; pass <= order.size() * order.size(); pass++) {
            Schema.Parser parser = new Schema.Parser();
            Map<String, Schema> types = new LinkedHashMap<>();
            Path failed = null;
            for (Path file : order) {
                try {
                    Schema schema = parser.parse(Files.readString(file));
                    types.put(schema.getFullName(), schema);
                } catch (AvroRuntimeException e) {
                    failed = file;
                    break;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (failed == null) {
                parser.getTypes().forEach(types::putIfAbsent);
                return types;
            }
            order.remove(failed);
            order.add(failed);
        }
        throw new IllegalStateException("cannot resolve the types in " + directory);
    }
}
