package com.lockupguard.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a bearer JWT must be for the guard to accept it.
 *
 * @param issuer the {@code iss} it must carry
 * @param audience an {@code aud} it must carry
 * @param algorithms the signature algorithms accepted (asymmetric only: see {@link JwtVerifier#ASYMMETRIC})
 * @param clockSkew how far the guard's clock and the issuer's may disagree on {@code exp} and {@code nbf}
 * @param roleClaims the claims the roles are read from (a space-separated string such as {@code scope}, or a JSON
 *     array such as {@code roles}; a dotted name such as {@code realm_access.roles} reaches into an object)
 * @param roleValues for each role, the claim values that grant it
 */
public record JwtSettings(String issuer, String audience, List<String> algorithms, Duration clockSkew,
        List<String> roleClaims, Map<Role, Set<String>> roleValues) {

    public JwtSettings {
        algorithms = List.copyOf(algorithms);
        roleClaims = List.copyOf(roleClaims);
        roleValues = Map.copyOf(roleValues);
    }
}
