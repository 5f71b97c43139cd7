package com.lockupguard.serde;

import com.lockupguard.registry.RegistryClientConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The Avro serde's settings, under Confluent's names so that existing configuration carries over. */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL_CONFIG = RegistryClientConfig.URL;
    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
    public static final String USE_LATEST_VERSION_CONFIG = "use.latest.version";
    public static final String LATEST_CACHE_TTL_SEC_CONFIG = "latest.cache.ttl.sec";
    public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Comma-separated schema registry URLs; mock://<scope> for an in-memory registry in tests.")
            .define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register a record's schema under <topic>-key|value when serializing. Recommended false in "
                            + "production, where schemas are registered by a deployment step.")
            .define(USE_LATEST_VERSION_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                    "Serialize with the latest schema registered under the subject instead of the record's own. "
                            + "Only with auto.register.schemas=false, as in Confluent's serializer: registering "
                            + "comes first.")
            .define(LATEST_CACHE_TTL_SEC_CONFIG, Type.LONG, -1L, ConfigDef.Range.atLeast(-1), Importance.LOW,
                    "With use.latest.version: how long the latest schema of a subject is used before the registry "
                            + "is asked again, in seconds; -1 (Confluent's default): until restart.")
            .define(SPECIFIC_AVRO_READER_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                    "Deserialize into generated SpecificRecord classes instead of GenericRecord.");

    public AvroSerdeConfig(Map<String, ?> configs) {
        super(DEFINITION, configs, false);
    }

    public static ConfigDef definition() {
        return new ConfigDef(DEFINITION);
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
    }

    /**
     * Whether records are written with the subject's latest schema: {@code use.latest.version}, which Confluent's
     * serializer takes only when it does not register ({@code auto.register.schemas=false}); registering comes first.
     */
    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION_CONFIG) && !autoRegisterSchemas();
    }

    /** How long a subject's latest schema is kept, or null for as long as the serializer lives. */
    public Duration latestCacheTtl() {
        long seconds = getLong(LATEST_CACHE_TTL_SEC_CONFIG);
        return seconds < 0 ? null : Duration.ofSeconds(seconds);
    }

    public boolean specificAvroReader() {
        return getBoolean(SPECIFIC_AVRO_READER_CONFIG);
    }
}
