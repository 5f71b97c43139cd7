package com.lockupguard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers the web server gives before any route sees the request (a URI it will not read, headers over its
 * limit): JSON with {@code status} and {@code error}, and the headers every answer carries, as the API's own errors,
 * instead of Jetty's HTML page without them.
 */
final class ServerErrors extends ErrorHandler {

    private final ObjectMapper json;
    private final boolean https;

    ServerErrors(ObjectMapper json, boolean https) {
        this.json = json;
        this.https = https;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        HttpFields.Mutable headers = response.getHeaders();
        SecurityHeaders.apply(headers::put, https);
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, body(code, message), callback);
    }

    /** A request so malformed that none can be built from it (431, a bad request line): the body and its headers. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        SecurityHeaders.apply(fields::put, https);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        return body(status, reason);
    }

    /**
     * What a 400 of the web server's own says when Jetty gives no reason ("Bad Request"): it does so for a path or
     * query it will not take, and then hands over neither the path nor why (a header or an ambiguous path comes with
     * a reason of its own, which is said instead).
     */
    static final String UNREADABLE_REQUEST = "the request's path or query cannot be read: a path not beginning with /, "
            + "a % not followed by two hex digits (write a byte as %2F), a /.. above the root, or an escaped character "
            + "a path may not hold (%00)";

    private ByteBuffer body(int status, String message) {
        boolean said = message != null && !message.isBlank() && !message.equals(HttpStatus.getMessage(status));
        String error = said ? message : status == HttpStatus.BAD_REQUEST_400 ? UNREADABLE_REQUEST
                : HttpStatus.getMessage(status);
        return ByteBuffer.wrap(json.createObjectNode().put("status", status).put("error", error).toString()
                .getBytes(StandardCharsets.UTF_8));
    }
}
