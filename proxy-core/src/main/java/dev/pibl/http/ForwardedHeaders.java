package dev.pibl.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * Adds what a backend needs to know about the original exchange: {@code X-Forwarded-For} (the
 * client's address appended to any list already present, as nginx's
 * {@code $proxy_add_x_forwarded_for} does), {@code X-Forwarded-Proto}, {@code X-Forwarded-Host}
 * (the Host the client asked for) and {@code Via} (RFC 9110 §7.6.3). Called on event loops.
 */
public final class ForwardedHeaders {

    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final String VIA_11 = "1.1 pibl";
    private static final String VIA_10 = "1.0 pibl";

    private ForwardedHeaders() {
    }

    /**
     * Adds the forwarding headers to a request about to go to a backend.
     *
     * @param clientIp      the address of the peer that connected to PIBL
     * @param clientVersion the protocol version the client spoke, for Via
     */
    public static void apply(HttpHeaders headers, String clientIp, HttpVersion clientVersion) {
        String previous = headers.get(X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR, previous == null ? clientIp : previous + ", " + clientIp);
        headers.set(X_FORWARDED_PROTO, HTTP);
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        addVia(headers, clientVersion);
    }

    /** Appends PIBL to the Via list of a message it forwards. */
    public static void addVia(HttpHeaders headers, HttpVersion receivedVersion) {
        String mine = receivedVersion.minorVersion() == 0 ? VIA_10 : VIA_11;
        String previous = headers.get(HttpHeaderNames.VIA);
        headers.set(HttpHeaderNames.VIA, previous == null ? mine : previous + ", " + mine);
    }
}
