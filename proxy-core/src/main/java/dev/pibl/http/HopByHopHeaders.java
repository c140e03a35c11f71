package dev.pibl.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Removes the headers that describe one connection and must not cross the proxy (RFC 9110 §7.6.1):
 * {@code Connection} and every header it names, {@code Keep-Alive}, {@code TE}, {@code Trailer},
 * {@code Transfer-Encoding} (framing is redone per hop), {@code Upgrade} and every {@code Proxy-*}
 * header. Other headers keep their order. Called on event loops; stateless.
 */
public final class HopByHopHeaders {

    private static final AsciiString PROXY_PREFIX = AsciiString.cached("proxy-");
    private static final List<AsciiString> FIXED = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE);

    private HopByHopHeaders() {
    }

    /**
     * Strips the hop-by-hop headers from {@code headers} in place and says whether the message
     * lets its connection persist (RFC 9112 §9.3): for HTTP/1.1 unless {@code Connection} has
     * {@code close}, for HTTP/1.0 only with {@code keep-alive}. Reading both from one pass over
     * {@code Connection} saves the repeated lookups of separate checks on every request.
     */
    public static boolean strip(HttpHeaders headers, HttpVersion version) {
        List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
        boolean close = false;
        boolean keepAlive = false;
        for (int i = 0; i < connection.size(); i++) {
            int options = removeNamedIn(headers, connection.get(i));
            close |= (options & CLOSE) != 0;
            keepAlive |= (options & KEEP_ALIVE) != 0;
        }
        for (int i = 0; i < FIXED.size(); i++) {
            headers.remove(FIXED.get(i));
        }
        removeProxyHeaders(headers);
        return !close && (version.isKeepAliveDefault() || keepAlive);
    }

    private static final int CLOSE = 1;
    private static final int KEEP_ALIVE = 2;

    /** Removes the headers a Connection value names; returns which connection options it had. */
    private static int removeNamedIn(HttpHeaders headers, String connectionValue) {
        int options = 0;
        int start = 0;
        int length = connectionValue.length();
        while (start < length) {
            int comma = connectionValue.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            String token = connectionValue.substring(start, end).trim();
            if (token.equalsIgnoreCase("close")) {
                options |= CLOSE;
            } else if (token.equalsIgnoreCase("keep-alive")) {
                options |= KEEP_ALIVE;
            } else if (!token.isEmpty() && !isFraming(token)) {
                headers.remove(token);
            }
            start = end + 1;
        }
        return options;
    }

    /**
     * Content-Length and Host say how the message is framed and where it goes; a Connection header
     * naming them must not make the proxy drop them, or the body the proxy framed would reach the
     * backend as a second request (request smuggling).
     */
    private static boolean isFraming(String token) {
        return token.equalsIgnoreCase("content-length") || token.equalsIgnoreCase("host");
    }

    private static void removeProxyHeaders(HttpHeaders headers) {
        // Few requests carry Proxy-* headers: look at names only, and collect before removing
        // because header iterators do not support removal.
        List<String> found = null;
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            CharSequence name = it.next().getKey();
            if (name.length() > PROXY_PREFIX.length()
                    && AsciiString.regionMatches(name, true, 0, PROXY_PREFIX, 0, PROXY_PREFIX.length())) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(name.toString());
            }
        }
        if (found != null) {
            for (int i = 0; i < found.size(); i++) {
                headers.remove(found.get(i));
            }
        }
    }
}
