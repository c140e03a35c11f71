package dev.pibl.cache;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cache keys: the URL key (RFC 9111 §2), variant keys from Vary (§4.1) and the keys an unsafe
 * request invalidates (§4.4). Backs the static methods of {@link CachePolicy}. Pure functions:
 * any thread.
 */
final class CacheKeys {

    /** Between the URL key and the Vary values: a URL key (a host and a request target) has no NUL. */
    static final char VARIANT = '\u0000';
    /** Between the values of two Vary-named fields. */
    static final char FIELD = '\u0001';
    /** Before a present field's value, so an absent field differs from an empty one. */
    private static final char PRESENT = '=';

    private CacheKeys() {
    }

    static String urlKey(String host, String target) {
        return normalHost(host, "http") + target;
    }

    static List<String> varyNames(HeaderView response) {
        List<String> lines = response.getAll("Vary");
        if (lines.isEmpty()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String line : lines) {
            for (String token : line.split(",")) {
                String name = token.strip();
                if (!name.isEmpty()) {
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        return List.copyOf(names);
    }

    static String variantKey(String urlKey, List<String> varyNames, HeaderView request) {
        if (varyNames.isEmpty()) {
            return urlKey;
        }
        StringBuilder key = new StringBuilder(urlKey.length() + 16 * varyNames.size()).append(urlKey).append(VARIANT);
        for (int i = 0; i < varyNames.size(); i++) {
            if (i > 0) {
                key.append(FIELD);
            }
            List<String> lines = request.getAll(varyNames.get(i));
            if (!lines.isEmpty()) {
                key.append(PRESENT);
                appendNormalised(key, lines);
            }
        }
        return key.toString();
    }

    /**
     * The field lines as one list value (RFC 9111 §4.1): lines combined, whitespace around
     * commas and at the ends removed, empty list elements dropped, commas inside quoted strings
     * left alone; elements joined with ", ". Control characters and the backslash are escaped so
     * that no value can forge the separators of another variant's key.
     */
    private static void appendNormalised(StringBuilder key, List<String> lines) {
        boolean first = true;
        for (String line : lines) {
            int n = line.length();
            int i = 0;
            while (i < n) {
                int end = elementEnd(line, i);
                int from = i;
                int to = end;
                while (from < to && isWhitespace(line.charAt(from))) {
                    from++;
                }
                while (to > from && isWhitespace(line.charAt(to - 1))) {
                    to--;
                }
                if (from < to) {
                    if (!first) {
                        key.append(", ");
                    }
                    first = false;
                    appendEscaped(key, line, from, to);
                }
                i = end + 1;
            }
        }
    }

    /** Index of the comma ending the element that starts at {@code i}, outside quoted strings, or the length. */
    private static int elementEnd(String s, int i) {
        boolean quoted = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                return i;
            }
        }
        return s.length();
    }

    private static void appendEscaped(StringBuilder key, String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                key.append('\\').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                key.append(c);
            }
        }
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    static List<String> invalidated(String host, int status, HeaderView response, String requestTarget) {
        if (status < 200 || status >= 400) {
            return List.of();
        }
        String own = urlKey(host, requestTarget);
        Set<String> keys = new LinkedHashSet<>();
        keys.add(own);
        String origin = normalHost(host, "http");
        addSameOrigin(keys, origin, requestTarget, response.get("Location"));
        addSameOrigin(keys, origin, requestTarget, response.get("Content-Location"));
        return List.copyOf(keys);
    }

    private static void addSameOrigin(Set<String> keys, String host, String requestTarget, String reference) {
        if (reference == null || reference.isBlank()) {
            return;
        }
        String ref = reference.strip();
        String target = resolve(host, requestTarget, ref);
        if (target != null) {
            keys.add(host + target);
        }
    }

    /** The origin-form target {@code ref} names when resolved against the request, or null for another host. */
    private static String resolve(String host, String requestTarget, String ref) {
        String basePath = requestTarget.startsWith("/") ? requestTarget : "/";
        if (ref.startsWith("?")) {
            // java.net.URI resolves "?q" per RFC 2396 (against the base's directory), not RFC 3986.
            int query = basePath.indexOf('?');
            return (query < 0 ? basePath : basePath.substring(0, query)) + stripFragment(ref);
        }
        try {
            URI base = new URI("http://" + (host.isEmpty() ? "invalid" : host) + stripFragment(basePath));
            URI resolved = base.resolve(new URI(ref)).normalize();
            String scheme = resolved.getScheme();
            if (scheme == null || resolved.getRawAuthority() == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || !normalHost(resolved.getRawAuthority(), scheme.toLowerCase(Locale.ROOT)).equals(host)) {
                return null;
            }
            String path = resolved.getRawPath() == null || resolved.getRawPath().isEmpty() ? "/" : resolved.getRawPath();
            return resolved.getRawQuery() == null ? path : path + "?" + resolved.getRawQuery();
        } catch (URISyntaxException | IllegalArgumentException e) {
            // A target java.net.URI rejects (it is stricter than HTTP): an absolute path still names this host.
            return ref.startsWith("/") && !ref.startsWith("//") ? stripFragment(ref) : null;
        }
    }

    private static String stripFragment(String s) {
        int hash = s.indexOf('#');
        return hash < 0 ? s : s.substring(0, hash);
    }

    /** Lower-case host[:port], without the scheme's default port. */
    private static String normalHost(String host, String scheme) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        String defaultPort = scheme.equals("https") ? ":443" : ":80";
        if (h.endsWith(defaultPort)) {
            return h.substring(0, h.length() - defaultPort.length());
        }
        if (h.endsWith(":")) {
            return h.substring(0, h.length() - 1);
        }
        return h;
    }
}
