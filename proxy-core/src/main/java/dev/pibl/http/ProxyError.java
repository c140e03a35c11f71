package dev.pibl.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Every way an exchange can fail, each with the one status the client sees. The single place
 * where a failure is mapped to a status (DESIGN.md: "Every failure has a status chosen in one place").
 */
public enum ProxyError {
    MALFORMED_REQUEST(HttpResponseStatus.BAD_REQUEST),
    CLIENT_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT),
    BODY_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE),
    REQUEST_LINE_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG),
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),
    EXPECTATION_FAILED(HttpResponseStatus.EXPECTATION_FAILED),
    /** The client's score tier denies it, or allows it only what the cache holds. */
    CLIENT_REFUSED(HttpResponseStatus.TOO_MANY_REQUESTS),
    NOT_IMPLEMENTED(HttpResponseStatus.NOT_IMPLEMENTED),
    VERSION_NOT_SUPPORTED(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED),
    BACKEND_FAILED(HttpResponseStatus.BAD_GATEWAY),
    NO_BACKEND_AVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE),
    BACKEND_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT);

    private final HttpResponseStatus status;

    ProxyError(HttpResponseStatus status) {
        this.status = status;
    }

    public HttpResponseStatus status() {
        return status;
    }
}
