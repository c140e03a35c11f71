package dev.pibl.http;

import static java.util.Objects.requireNonNull;

import dev.pibl.scoring.Decision;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A request head with its scoring {@link Decision} attached, as the scoring stage passes it on:
 * the cache and proxy stages read the decision from the request itself, so pipelined requests
 * (some answered by the cache, some by a backend) can never be matched with another's decision.
 * Shares the original's headers object; created and read on the connection's event loop.
 */
public final class ScoredRequest extends DefaultHttpRequest {

    private final Decision decision;

    ScoredRequest(HttpRequest request, Decision decision) {
        super(request.protocolVersion(), request.method(), request.uri(), request.headers());
        setDecoderResult(request.decoderResult());
        this.decision = requireNonNull(decision, "decision");
    }

    public Decision decision() {
        return decision;
    }

    /** The decision attached to {@code request}, or null when no scoring stage saw it. */
    public static Decision decisionOf(HttpRequest request) {
        return request instanceof ScoredRequest scored ? scored.decision : null;
    }
}
