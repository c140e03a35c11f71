package dev.pibl.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Tells a backend about the original exchange: {@code X-Forwarded-For}, {@code X-Forwarded-Proto},
 * {@code X-Forwarded-Host} (the Host the client asked for) and {@code Via} (RFC 9110 §7.6.3).
 *
 * <p>Whether what the peer already sent is believed depends on who the peer is, as with nginx's
 * {@code set_real_ip_from}. A trusted proxy's {@code X-Forwarded-For} is kept (every field, joined
 * in order) with the peer appended, and its {@code X-Forwarded-Proto}, {@code X-Forwarded-Host}
 * and {@code Forwarded} pass on. Anyone else could write anything there, so {@code X-Forwarded-For}
 * becomes the peer's address alone, the other two PIBL's own values, and {@code Forwarded}
 * (RFC 7239) is removed. Called on event loops.
 */
public final class ForwardedHeaders {

    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    public static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final String VIA_11 = "1.1 pibl";
    private static final String VIA_10 = "1.0 pibl";

    private ForwardedHeaders() {
    }

    /**
     * Sets the forwarding headers of a request about to go to a backend.
     *
     * @param clientIp      the address of the peer that connected to PIBL
     * @param peerTrusted   whether that peer is a trusted proxy, whose forwarding headers are kept
     * @param clientVersion the protocol version the client spoke, for Via
     */
    public static void apply(HttpHeaders headers, String clientIp, boolean peerTrusted, HttpVersion clientVersion) {
        String host = headers.get(HttpHeaderNames.HOST);
        if (peerTrusted) {
            headers.set(X_FORWARDED_FOR, appendTo(headers, X_FORWARDED_FOR, clientIp));
            if (!headers.contains(X_FORWARDED_PROTO)) {
                headers.set(X_FORWARDED_PROTO, HTTP);
            }
            if (host != null && !headers.contains(X_FORWARDED_HOST)) {
                headers.set(X_FORWARDED_HOST, host);
            }
        } else {
            headers.set(X_FORWARDED_FOR, clientIp);
            headers.set(X_FORWARDED_PROTO, HTTP);
            if (host != null) {
                headers.set(X_FORWARDED_HOST, host);
            } else {
                // HTTP/1.0 without Host: nothing of PIBL's own to say, and the client's may not pass.
                headers.remove(X_FORWARDED_HOST);
            }
            headers.remove(FORWARDED);
        }
        addVia(headers, clientVersion);
    }

    /** Appends PIBL to the Via list of a message it forwards. */
    public static void addVia(HttpHeaders headers, HttpVersion receivedVersion) {
        String mine = receivedVersion.minorVersion() == 0 ? VIA_10 : VIA_11;
        headers.set(HttpHeaderNames.VIA, appendTo(headers, HttpHeaderNames.VIA, mine));
    }

    /**
     * Every field of the list header {@code name}, in order, with {@code last} appended: one field
     * replaces them all, so none may be lost (a plain {@code get} would keep only the first).
     */
    private static String appendTo(HttpHeaders headers, AsciiString name, String last) {
        if (!headers.contains(name)) {
            return last;
        }
        // getAll, not valueStringIterator: Netty's DefaultHeaders iterates one name's values newest first.
        List<String> fields = headers.getAll(name);
        StringBuilder list = new StringBuilder(64);
        for (String field : fields) {
            String trimmed = field.trim();
            if (!trimmed.isEmpty()) {
                list.append(trimmed).append(", ");
            }
        }
        return list.append(last).toString();
    }
}
