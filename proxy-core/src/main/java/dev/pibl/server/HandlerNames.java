package dev.pibl.server;

/** Names of the client pipeline's handlers, in pipeline order. */
public final class HandlerNames {
    /** Notices the first byte of a request, for the header timeout. */
    public static final String CLIENT_BYTES = "client-bytes";
    /** Refuses request heads the codec would repair (obs-fold, sloppy request lines); on raw bytes. */
    public static final String HEAD_SCANNER = "head-scanner";
    public static final String HTTP_CODEC = "http-codec";
    public static final String ACCESS_LOG = "access-log";
    public static final String CLIENT_TIMEOUTS = "client-timeouts";
    public static final String FRAMING_GUARD = "framing-guard";
    /** Decides each request's tier by its client's score; only with {@code balancing.policy: score}. */
    public static final String SCORING = "scoring";
    /** The response cache stage; added by the cache once it is built. */
    public static final String CACHE = "cache";
    public static final String PROXY = "proxy";

    private HandlerNames() {
    }
}
