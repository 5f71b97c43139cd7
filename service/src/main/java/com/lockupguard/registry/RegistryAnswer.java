package com.lockupguard.registry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the registry's answer to each request holds. JSON without it is another server's (a wrong base path, a health
 * or status page, a gateway's): not an answer about the schema, so asked again, and another URL may be the registry.
 */
enum RegistryAnswer {

    /** A schema's id: {@code POST /subjects/{subject}/versions} and {@code POST /subjects/{subject}}. */
    ID("\"id\"") {
        @Override
        boolean isHeldBy(JsonNode answer) {
            return answer.path("id").isInt();
        }
    },
    /** A schema: {@code GET /schemas/ids/{id}}, {@code GET /subjects/{subject}/versions/{version}}. */
    SCHEMA("\"schema\"") {
        @Override
        boolean isHeldBy(JsonNode answer) {
            return answer.path("schema").isTextual();
        }
    },
    /** A subject's version: {@code GET /subjects/{subject}/versions/latest}. */
    VERSION("\"id\", \"version\" or \"schema\"") {
        @Override
        boolean isHeldBy(JsonNode answer) {
            return ID.isHeldBy(answer) && SCHEMA.isHeldBy(answer) && answer.path("version").isInt();
        }
    },
    /**
     * {@code POST /compatibility/subjects/{subject}/versions/latest}: an object, whose {@code is_compatible} is false
     * unless it says true, as Confluent's client reads it.
     */
    COMPATIBILITY("JSON object") {
        @Override
        boolean isHeldBy(JsonNode answer) {
            return answer.isObject();
        }
    },
    /** {@code GET /subjects}. */
    SUBJECTS("list of subjects") {
        @Override
        boolean isHeldBy(JsonNode answer) {
            return answer.isArray();
        }
    };

    private final String holds;

    RegistryAnswer(String holds) {
        this.holds = holds;
    }

    /** What an answer without it lacks, for a message: {@code "id"}. */
    String lacks() {
        return holds;
    }

    abstract boolean isHeldBy(JsonNode answer);
}
