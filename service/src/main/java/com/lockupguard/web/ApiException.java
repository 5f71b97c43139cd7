package com.lockupguard.web;

/**
 * An HTTP answer other than success, with a message for the caller, for 400s the field at fault, and, for an order
 * that may have been sent, its {@code orderId} (generated or not), which a resend must carry.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;
    private final Integer retryAfterSeconds;
    private final String orderId;
    private final String detail;

    private ApiException(int status, String message, String field, Integer retryAfterSeconds) {
        this(status, message, field, retryAfterSeconds, null, null);
    }

    private ApiException(int status, String message, String field, Integer retryAfterSeconds, String orderId,
            String detail) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
        this.orderId = orderId;
        this.detail = detail;
    }

    /** This answer, about the order {@code id}. */
    public ApiException forOrder(String id) {
        return new ApiException(status, getMessage(), field, retryAfterSeconds, id, detail);
    }

    /**
     * This answer, told in Kafka's or the registry's own words ({@code detail}, which may name topics, principals
     * and hosts) to a caller who may read them, as /health/ready's reason is; its message tells anyone else the kind
     * of trouble.
     */
    public ApiException withDetail(String detail) {
        return new ApiException(status, getMessage(), field, retryAfterSeconds, orderId, detail);
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, message, field, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, null, null);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message, null, null);
    }

    /** 403: the caller is known but may not do this. */
    public static ApiException forbidden(String message) {
        return new ApiException(403, message, null, null);
    }

    /** 406: the caller does not accept the only media type the endpoint answers in. */
    public static ApiException notAcceptable(String message) {
        return new ApiException(406, message, null, null);
    }

    /** 408: the request's body did not arrive in time. */
    public static ApiException requestTimeout(String message) {
        return new ApiException(408, message, null, null);
    }

    /** 415: a body not in the media type the endpoint takes. */
    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, message, null, null);
    }

    /** 421: a request addressed to a name this server does not answer to. */
    public static ApiException misdirected(String message) {
        return new ApiException(421, message, null, null);
    }

    /** 429: too many of something at once; ask again shortly. */
    public static ApiException tooManyRequests(String message) {
        return tooManyRequests(message, 1);
    }

    /** 429: too many of something at once; ask again in {@code retryAfterSeconds}. */
    public static ApiException tooManyRequests(String message, int retryAfterSeconds) {
        return new ApiException(429, message, null, retryAfterSeconds);
    }

    /** 503 with Retry-After: the guard is starting or rebalancing; ask again shortly. */
    public static ApiException notReady(String message) {
        return new ApiException(503, message, null, 1);
    }

    public static ApiException gatewayTimeout(String message) {
        return new ApiException(504, message, null, null);
    }

    /** 500: an unexpected failure; the details go to the log, not to the caller. */
    public static ApiException internal(String message) {
        return new ApiException(500, message, null, null);
    }

    /**
     * An answer the web server itself gives before or around a route (413 for a body over its size limit, 404 or
     * 405 for no such endpoint), so that it reads like every other error.
     */
    public static ApiException refusedByServer(int status, String message) {
        return new ApiException(status, message, null, null);
    }

    /** 413 without Retry-After: the order is too large to be sent at all; the same request would fail again. */
    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, message, null, null);
    }

    public static ApiException badGateway(String message) {
        return new ApiException(502, message, null, 1);
    }

    public int status() {
        return status;
    }

    /** The answer in Kafka's or the registry's own words, or null when the message is all there is to say. */
    public String detail() {
        return detail;
    }

    public String field() {
        return field;
    }

    public String orderId() {
        return orderId;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
