package dev.pibl.app.demo;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Picks the path and query parameters out of a request target by scanning it. The demo endpoints
 * read at most two parameters, so building QueryStringDecoder's map per request would be wasted work.
 */
final class Query {

    private Query() {
    }

    /** Origin-form starts at 0; absolute-form (what a forward proxy would send) starts after the authority. */
    static int pathStart(String uri) {
        if (uri.startsWith("/")) {
            return 0;
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return 0;
        }
        int end = scheme + 3;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        return end;
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

    /** Parses plain decimal digits in [min, max] without exceptions on bad input; -1 when it is not one. */
    static long bounded(String s, long min, long max) {
        // 18 digits cannot overflow a long, and every bound used here is far shorter.
        if (s == null || s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value >= min && value <= max ? value : -1;
    }

    private static String decode(String raw) {
        return raw.indexOf('%') < 0 && raw.indexOf('+') < 0 ? raw : QueryStringDecoder.decodeComponent(raw);
    }
}
