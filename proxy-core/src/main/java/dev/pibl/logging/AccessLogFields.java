package dev.pibl.logging;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One exchange as the JSON access log's fields, in the order they are written: the text line's
 * fields under their JSON names, numbers as numbers. A value that is unknown or does not apply
 * (no backend, no upstream time, no request line, no score) is left out rather than written as
 * {@code null}, the way the JSON encoder treats key-value pairs. Headers, with detail
 * {@code headers}, are objects keyed by the lower-cased field name; a field sent more than once
 * has its values joined with {@code ", "}. Stateless; any thread.
 */
final class AccessLogFields {

    private AccessLogFields() {
    }

    static Map<String, Object> of(AccessLogRecord r) {
        Map<String, Object> f = new LinkedHashMap<>(32);
        f.put("request_id", r.requestId);
        f.put("client", r.clientIp);
        putIfKnown(f, "method", r.method);
        putIfKnown(f, "uri", r.uri);
        putIfKnown(f, "protocol", r.protocol);
        f.put("status", r.status);
        f.put("bytes_in", r.bytesIn);
        f.put("bytes_out", r.bytesOut);
        f.put("duration_ms", millis(r.durationNanos));
        putIfKnown(f, "backend", r.backend);
        if (r.upstreamNanos >= 0) {
            f.put("upstream_ms", millis(r.upstreamNanos));
        }
        putIfKnown(f, "cache", r.cache);
        if (r.scoring != null && r.scoring.tier != null) { // no tier: the exchange ended before it was decided
            scoring(f, r.scoring, r.clientIp);
        }
        putIfKnown(f, "aborted", r.aborted);
        if (r.requestHeaders != null) {
            f.put("request_headers", headers(r.requestHeaders));
        }
        if (r.responseHeaders != null) {
            f.put("response_headers", headers(r.responseHeaders));
        }
        return f;
    }

    private static void scoring(Map<String, Object> f, ScoreNote n, String clientIp) {
        if (n.clientKey != null && !n.clientKey.equals(clientIp)) {
            f.put("client_key", n.clientKey);
        }
        putIfKnown(f, "score", thousandths(n.score));
        f.put("tier", n.tier);
        f.put("tier_fallback", n.fallback);
        putIfKnown(f, "model", n.model);
        if (n.hasShadow) {
            putIfKnown(f, "shadow_score", thousandths(n.shadow));
        }
    }

    private static void putIfKnown(Map<String, Object> f, String name, Object value) {
        if (value != null) {
            f.put(name, value);
        }
    }

    /** Milliseconds with exactly three decimals ({@code 1.500}), as the text line shows them. */
    private static BigDecimal millis(long nanos) {
        return BigDecimal.valueOf(nanos / 1000, 3);
    }

    /** A score with three decimals, or null when NaN. */
    private static BigDecimal thousandths(double score) {
        return Double.isNaN(score) ? null : BigDecimal.valueOf(Math.round(score * 1000), 3);
    }

    private static Map<String, String> headers(List<String> captured) {
        Map<String, String> headers = new LinkedHashMap<>(captured.size());
        for (int i = 0; i < captured.size(); i += 2) {
            headers.merge(captured.get(i).toLowerCase(Locale.ROOT), captured.get(i + 1), (a, b) -> a + ", " + b);
        }
        return headers;
    }
}
