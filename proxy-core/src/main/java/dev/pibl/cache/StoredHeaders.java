package dev.pibl.cache;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which response fields a stored entry keeps (RFC 9111 §3.1) and how a 304 updates them
 * (§3.2, §4.3.4). Immutable; pure functions: any thread.
 */
final class StoredHeaders {

    /** Hop-by-hop fields (RFC 9110 §7.6.1); every Proxy-* field is dropped as well, as the proxy does. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "te", "trailer",
            "transfer-encoding", "upgrade");

    /** Lower-case names of the targeted fields PIBL consumes. */
    private final Set<String> targeted;
    private final boolean storeSetCookie;

    StoredHeaders(Set<String> targeted, boolean storeSetCookie) {
        this.targeted = Set.copyOf(targeted);
        this.storeSetCookie = storeSetCookie;
    }

    /**
     * The fields of {@code response} worth storing, in order: without hop-by-hop fields (and
     * those Connection names), Age (recomputed on every hit), the targeted fields and, unless
     * configured, Set-Cookie. Content-Length stays even when Connection names it, as in
     * {@code HopByHopHeaders}.
     */
    List<Header> filter(HeaderView response) {
        Set<String> named = connectionNamed(response);
        List<Header> kept = new ArrayList<>();
        response.forEach((name, value) -> {
            if (keep(name.toLowerCase(Locale.ROOT), named)) {
                kept.add(new Header(name, value));
            }
        });
        return kept;
    }

    /**
     * {@code stored} updated with the fields of a 304 (RFC 9111 §4.3.4): each field the 304
     * carries replaces every stored line of that name, at the place of the first one; new fields
     * go last. Besides what {@link #filter} drops, the 304 cannot change Content-Length (the body
     * is the stored one) nor Vary (the entry's key was computed from it: the stored response
     * depends on it, §3.2).
     */
    List<Header> merge(List<Header> stored, HeaderView notModified) {
        Set<String> named = connectionNamed(notModified);
        Map<String, List<Header>> updates = new LinkedHashMap<>();
        notModified.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (keep(lower, named) && !lower.equals("content-length") && !lower.equals("vary")) {
                updates.computeIfAbsent(lower, k -> new ArrayList<>(1)).add(new Header(name, value));
            }
        });
        if (updates.isEmpty()) {
            return stored;
        }
        List<Header> merged = new ArrayList<>(stored.size() + updates.size());
        Set<String> placed = new HashSet<>();
        for (int i = 0; i < stored.size(); i++) {
            Header h = stored.get(i);
            String lower = h.name().toLowerCase(Locale.ROOT);
            List<Header> replacement = updates.get(lower);
            if (replacement == null) {
                merged.add(h);
            } else if (placed.add(lower)) {
                merged.addAll(replacement);
            }
        }
        updates.forEach((lower, lines) -> {
            if (!placed.contains(lower)) {
                merged.addAll(lines);
            }
        });
        return merged;
    }

    private boolean keep(String lower, Set<String> connectionNamed) {
        if (HOP_BY_HOP.contains(lower) || lower.startsWith("proxy-") || lower.equals("age")
                || targeted.contains(lower)) {
            return false;
        }
        if (lower.equals("set-cookie")) {
            return storeSetCookie;
        }
        return lower.equals("content-length") || !connectionNamed.contains(lower);
    }

    private static Set<String> connectionNamed(HeaderView headers) {
        List<String> connection = headers.getAll("Connection");
        if (connection.isEmpty()) {
            return Set.of();
        }
        Set<String> named = new HashSet<>();
        for (String value : connection) {
            for (String token : value.split(",")) {
                String t = token.strip();
                if (!t.isEmpty()) {
                    named.add(t.toLowerCase(Locale.ROOT));
                }
            }
        }
        return named;
    }
}
