package dev.pibl.app.demo;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Looks up one query parameter by scanning the raw URI. The demo endpoints read at most two
 * parameters, so building QueryStringDecoder's map on every request would be wasted work.
 */
final class Query {

    private Query() {
    }

    /**
     * Returns the first value of {@code name} in the query that starts at {@code from} (the index
     * after '?'), percent-decoded, "" for a bare key, or null when absent or {@code from} is negative.
     */
    static String param(String uri, int from, String name) {
        if (from < 0) {
            return null;
        }
        int end = uri.length();
        int i = from;
        while (i < end) {
            int amp = uri.indexOf('&', i);
            if (amp < 0) {
                amp = end;
            }
            int eq = uri.indexOf('=', i);
            int keyEnd = eq < 0 || eq > amp ? amp : eq;
            if (keyEnd - i == name.length() && uri.regionMatches(i, name, 0, name.length())) {
                return keyEnd == amp ? "" : decode(uri.substring(keyEnd + 1, amp));
            }
            i = amp + 1;
        }
        return null;
    }

    private static String decode(String raw) {
        return raw.indexOf('%') < 0 && raw.indexOf('+') < 0 ? raw : QueryStringDecoder.decodeComponent(raw);
    }
}
