package com.lockupguard.security;

/**
 * What a caller of the HTTP API may do. {@code READ}: holdings, their history and reservations,
 * decisions, alerts, report results, the live feed and /metrics. {@code SUBMIT}: orders and what-ifs.
 */
public enum Role {
    READ,
    SUBMIT
}
