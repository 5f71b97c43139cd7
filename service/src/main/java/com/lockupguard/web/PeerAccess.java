package com.lockupguard.web;

import javax.net.ssl.SSLContext;

/**
 * How this instance calls the others (interactive queries): over https when it serves https itself,
 * trusting {@code ssl}, and with the service token when one is configured — else with the caller's
 * own {@code Authorization}, which the other instance checks as this one did.
 */
public record PeerAccess(boolean https, SSLContext ssl, String serviceToken) {

    /** The Authorization header a call made for a caller with {@code callerAuthorization} carries. */
    String authorization(String callerAuthorization) {
        return serviceToken != null ? "Bearer " + serviceToken : callerAuthorization;
    }

    /** Whether calls carry the service token, rather than the caller's own credential. */
    boolean sendsServiceToken() {
        return serviceToken != null;
    }

    @Override
    public String toString() {
        return "PeerAccess[https=" + https + ", serviceToken=" + (serviceToken == null ? "none" : "[hidden]") + "]";
    }
}
