package com.lockupguard.app;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * The guard refuses to serve its API beyond this machine without authentication: holdings,
 * decisions and the order entry of every investor would be open to anyone on the network. There
 * is no switch to turn this off: a proxy or sidecar that authenticates reaches the guard on
 * loopback, and anything else can send the guard a token.
 */
public final class HttpExposure {

    private HttpExposure() {
    }

    /** How a name is looked up: every address it has. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    /**
     * Whether {@code host} names this machine only: a literal loopback address, or a name every address of which is
     * loopback (as the server binds to what it resolves to; {@code localhost} is looked up as any name, since a
     * hosts file or DNS may send it elsewhere).
     */
    public static boolean isLoopback(String host) {
        return isLoopback(host, InetAddress::getAllByName);
    }

    static boolean isLoopback(String host, Resolver resolver) {
        String bare = host.trim().toLowerCase(Locale.ROOT);
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        try {
            InetAddress[] addresses = resolver.addresses(bare);
            return addresses.length > 0 && Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Throws, naming the settings, when {@code host} is not loopback and no authentication is configured. */
    public static void check(String host, boolean authenticationConfigured) {
        if (authenticationConfigured || isLoopback(host)) {
            return;
        }
        throw new ConfigException(GuardConfig.HTTP_HOST_CONFIG + "=" + host + " serves the API, the dashboard and "
                + "/metrics beyond this machine, but no authentication is configured: anyone who can reach it would "
                + "read every holding and decision and could submit orders. Set "
                + GuardConfig.API_AUTH_JWT_JWKS_URL_CONFIG + " (or " + GuardConfig.API_AUTH_JWT_JWKS_FILE_CONFIG
                + ") with " + GuardConfig.API_AUTH_JWT_ISSUER_CONFIG + " and "
                + GuardConfig.API_AUTH_JWT_AUDIENCE_CONFIG + " (bearer JWTs), or " + GuardConfig.API_TOKEN_CONFIG
                + " (a static token, for development); or keep " + GuardConfig.HTTP_HOST_CONFIG
                + "=127.0.0.1; or turn the HTTP server off with " + GuardConfig.HTTP_PORT_CONFIG + "=-1.");
    }
}
