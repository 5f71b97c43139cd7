package com.lockupguard.registry;

/**
 * A schema registry failure. {@link #errorCode()} is Confluent's error code when the registry
 * gave one (40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid
 * schema, ...), or the HTTP status, or -1.
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;

    public SchemaRegistryException(String message, int errorCode) {
        this(message, errorCode, null);
    }

    public SchemaRegistryException(String message, int errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }

    /** 40401: the subject has no schema. */
    public static final class SubjectNotFound extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;

        public SubjectNotFound(String subject) {
            super("subject '" + subject + "' is not registered: register its schema first (or set "
                    + "auto.register.schemas=true where that is allowed)", 40401);
        }
    }

    /** 40403: no schema with that id, or the schema is not registered under that subject. */
    public static final class SchemaNotFound extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;

        public SchemaNotFound(String message) {
            super(message, 40403);
        }
    }

    /** 409: the schema breaks the subject's compatibility level. */
    public static final class IncompatibleSchema extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;

        public IncompatibleSchema(String message) {
            super(message, 409);
        }
    }

    /** 42201: the registry cannot parse the schema. */
    public static final class InvalidSchema extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;

        public InvalidSchema(String message) {
            super(message, 42201);
        }
    }

    /**
     * The registry answers, and serves the guard other schemas, but will not give one schema id's: it does not let the
     * guard read it (403: a producer registered it under a subject the guard's principal may not read), or it has
     * failed to serve it for long. A producer's record naming it is the one that cannot be read, not every record;
     * for a value the guard stored itself, it is still the registry's {@link #registryFailure()}, which it was.
     */
    public static final class SchemaNotServed extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;
        /** Not the cause: what looks for a registry failure among the causes must not take a producer's record so. */
        private final SchemaRegistryException registryFailure;

        public SchemaNotServed(String message, SchemaRegistryException registryFailure) {
            super(message, registryFailure.errorCode());
            this.registryFailure = registryFailure;
        }

        /** The registry's answer: a refusal ({@link NotAuthorized}, 403) or an outage ({@link Unavailable}). */
        public SchemaRegistryException registryFailure() {
            return registryFailure;
        }
    }

    /** 401 or 403: the registry refused the credentials or the operation. */
    public static final class NotAuthorized extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;

        public NotAuthorized(String message, int status) {
            super(message, status);
        }
    }

    /** 5xx or no answer, after every retry on every URL. */
    public static final class Unavailable extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;
        private final boolean outage;

        public Unavailable(String message, Throwable cause) {
            this(message, cause, false);
        }

        /**
         * @param outage every URL, every time it was asked, gave no answer, a 5xx but 501, a 408 or a 429 (the registry
         *     down, cut off or overloaded, or a load balancer or proxy in front of it saying so), never another answer
         */
        public Unavailable(String message, Throwable cause, boolean outage) {
            super(message, -1, cause);
            this.outage = outage;
        }

        /** Whether it was an outage: nothing but no answer, 5xx, 408 or 429, from every URL, every time. */
        public boolean outage() {
            return outage;
        }
    }
}
