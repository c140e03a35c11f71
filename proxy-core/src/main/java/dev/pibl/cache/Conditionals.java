package dev.pibl.cache;

import java.util.List;

/**
 * Whether a client's conditional GET or HEAD is satisfied by a stored response, so the cache
 * answers 304 itself (RFC 9110 §13.2.2, RFC 9111 §4.3.2). Backs {@link CachePolicy#notModified}.
 * Pure functions: any thread.
 */
final class Conditionals {

    private Conditionals() {
    }

    static boolean notModified(HeaderView request, CacheEntry entry) {
        // A server evaluates preconditions only for a 2xx it would send (RFC 9110 §13.2.1).
        if (entry.status() < 200 || entry.status() > 299) {
            return false;
        }
        List<String> ifNoneMatch = request.getAll("If-None-Match");
        if (!ifNoneMatch.isEmpty()) {
            return anyMatches(ifNoneMatch, entry.etag());
        }
        String ifModifiedSince = request.get("If-Modified-Since");
        if (ifModifiedSince == null) {
            return false;
        }
        long since = HttpDates.parse(ifModifiedSince);
        if (since == HttpDates.INVALID) {
            return false;
        }
        return lastModified(entry) <= since;
    }

    /**
     * The stored response's modification time as RFC 9111 §4.3.2 has a cache judge it:
     * Last-Modified, else Date, else when it was received.
     */
    private static long lastModified(CacheEntry entry) {
        long lastModified = HttpDates.parse(entry.lastModified());
        if (lastModified != HttpDates.INVALID) {
            return lastModified;
        }
        long date = HttpDates.parse(HeaderView.of(entry.headers()).get("Date"));
        return date != HttpDates.INVALID ? date : entry.responseTime();
    }

    /** Weak comparison (RFC 9110 §8.8.3.2) of each listed entity-tag with the stored one; "*" matches any. */
    private static boolean anyMatches(List<String> lines, String etag) {
        String stored = etag == null ? null : opaque(etag.strip());
        for (String line : lines) {
            int n = line.length();
            int i = 0;
            while (i < n) {
                char c = line.charAt(i);
                if (c == ',' || c == ' ' || c == '\t') {
                    i++;
                    continue;
                }
                int end = tagEnd(line, i);
                String tag = line.substring(i, end).strip();
                if (tag.equals("*") || stored != null && opaque(tag).equals(stored)) {
                    return true;
                }
                i = end;
            }
        }
        return false;
    }

    /** End of the entity-tag starting at {@code i}: commas may appear inside its quotes. */
    private static int tagEnd(String s, int i) {
        int quote = s.indexOf('"', i);
        int comma = s.indexOf(',', i);
        if (quote >= 0 && (comma < 0 || quote < comma)) {
            int close = s.indexOf('"', quote + 1);
            if (close < 0) {
                return s.length();
            }
            comma = s.indexOf(',', close + 1);
        }
        return comma < 0 ? s.length() : comma;
    }

    /** The opaque tag without the weakness indicator: {@code W/"x"} and {@code "x"} compare equal. */
    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
