package dev.pibl.upstream;

import dev.pibl.http.ProxyError;

/** The ways the backend side of an exchange fails, each mapped to what the client sees. */
enum UpstreamFailure {
    CONNECT_FAILED(ProxyError.BACKEND_FAILED, "could not connect to backend"),
    CONNECT_TIMEOUT(ProxyError.BACKEND_TIMEOUT, "timed out connecting to backend"),
    POOL_FULL(ProxyError.NO_BACKEND_AVAILABLE, "too many requests waiting for backend"),
    PENDING_TIMEOUT(ProxyError.NO_BACKEND_AVAILABLE, "timed out waiting for a connection to backend"),
    POOL_CLOSED(ProxyError.NO_BACKEND_AVAILABLE, "shutting down, no connection to backend"),
    CLOSED_BEFORE_RESPONSE(ProxyError.BACKEND_FAILED, "connection closed before a response from backend"),
    INVALID_RESPONSE(ProxyError.BACKEND_FAILED, "invalid response from backend"),
    RESPONSE_TIMEOUT(ProxyError.BACKEND_TIMEOUT, "no response in time from backend");

    private final ProxyError error;
    private final String description;

    UpstreamFailure(ProxyError error, String description) {
        this.error = error;
        this.description = description;
    }

    ProxyError error() {
        return error;
    }

    /** A short sentence for the client and the log, naming the backend. */
    String describe(String backend) {
        return description + " " + backend;
    }
}
