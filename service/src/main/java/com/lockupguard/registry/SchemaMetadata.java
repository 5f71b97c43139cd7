package com.lockupguard.registry;

import org.apache.avro.Schema;

/** One version of a subject: Confluent's (subject, version, id, schema). */
public record SchemaMetadata(String subject, int version, int id, Schema schema) {
}
