package com.lockupguard.web;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The {@code client.id} of a Kafka client the API makes beside Kafka Streams' own (the order entry's producer, the
 * decision feed's consumer): the one the settings give, with the client's role after it, as Kafka Streams names its
 * own clients after {@code client.id}, so that quotas and monitoring by that name's prefix take them too; without
 * one, {@code lockup-guard-<role>}. Never the given one alone: two clients of an instance would share it.
 */
final class ApiClientId {

    private ApiClientId() {
    }

    static String of(Properties settings, String role) {
        Object given = settings.get(CommonClientConfigs.CLIENT_ID_CONFIG);
        String prefix = given == null || given.toString().isBlank() ? "lockup-guard" : given.toString().trim();
        return prefix + "-" + role;
    }
}
