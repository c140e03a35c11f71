package dev.pibl.app.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The fields of one PIBL access-log line that an evaluation needs: who the client was and which
 * tier its request went to. Reads the text format (and the JSON one too). Stateless; any thread.
 *
 * @param client   the client key: {@code key=} when present, else the client-ip field
 * @param tier     the tier name, or null when the line has none (round-robin, or the exchange
 *                 ended before its tier was decided)
 * @param fallback the tier was the fallback, because the client had no usable score
 */
record AccessLogLine(String client, String tier, boolean fallback) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The line's fields, or null when it is not an access-log line. */
    static AccessLogLine parse(String line) {
        if (line.startsWith("{")) {
            return json(line);
        }
        // <time> <request-id> <client-ip> "<request line>" ...: the request line is the only quoted field before the rest.
        int s1 = line.indexOf(' ');
        int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
        int s3 = s2 < 0 ? -1 : line.indexOf(' ', s2 + 1);
        if (s3 < 0 || s3 + 1 >= line.length() || line.charAt(s3 + 1) != '"') {
            return null;
        }
        String clientIp = line.substring(s2 + 1, s3);
        int i = skipQuoted(line, s3 + 1);
        String key = null;
        String tier = null;
        // name=value fields; a value may be quoted (req_headers="..."), and what is inside must not be read as fields.
        while (i < line.length()) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '=') {
                i++;
            }
            if (i >= line.length() || line.charAt(i) != '=') {
                continue; // a bare token: status, sizes, duration
            }
            String name = line.substring(start, i);
            i++;
            if (i < line.length() && line.charAt(i) == '"') {
                i = skipQuoted(line, i);
                continue;
            }
            int valueStart = i;
            while (i < line.length() && line.charAt(i) != ' ') {
                i++;
            }
            if (name.equals("key")) {
                key = line.substring(valueStart, i);
            } else if (name.equals("tier")) {
                tier = line.substring(valueStart, i);
            }
        }
        boolean fallback = tier != null && tier.endsWith("(fallback)");
        if (fallback) {
            tier = tier.substring(0, tier.length() - "(fallback)".length());
        }
        return new AccessLogLine(key != null ? key : clientIp, tier, fallback);
    }

    /** The index after the quoted string that starts at {@code open}, backslash escapes skipped. */
    private static int skipQuoted(String line, int open) {
        int i = open + 1;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        return i;
    }

    private static AccessLogLine json(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode client = node.hasNonNull("client_key") ? node.get("client_key") : node.get("client");
            if (client == null || !client.isTextual()) {
                return null;
            }
            JsonNode tier = node.get("tier");
            return new AccessLogLine(client.asText(), tier != null && tier.isTextual() ? tier.asText() : null,
                    node.path("tier_fallback").asBoolean(false));
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
