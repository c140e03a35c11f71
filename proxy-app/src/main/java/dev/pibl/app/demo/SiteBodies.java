package dev.pibl.app.demo;

import java.nio.charset.StandardCharsets;

/**
 * The bodies of the endpoints that make a demo node look like a small web site to simulated
 * clients: a page per path under /page/, a JSON answer per path under /api/, robots.txt and the
 * failed login. Small on purpose, so a simulation measures request rates, not bandwidth.
 * Stateless; called on event loops.
 */
final class SiteBodies {

    /** Allows everything but /admin/, so a polite crawler has something to obey and a scanner something to ignore. */
    static final byte[] ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nAllow: /\n".getBytes(StandardCharsets.US_ASCII);

    static final String LOGIN_FAILED = "{\"error\":\"invalid credentials\"}";

    private SiteBodies() {
    }

    /** A page naming its path and node, with the stylesheet and an image a browser would then load. */
    static String page(String path, String node) {
        StringBuilder html = new StringBuilder(320 + 2 * path.length());
        html.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
        escapeHtml(html, path);
        html.append("</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n</head>\n<body>\n<h1>");
        escapeHtml(html, path);
        html.append("</h1>\n<p>A demo page from ");
        escapeHtml(html, node);
        html.append(".</p>\n<img src=\"/static/1k.bin\" alt=\"\">\n<p><a href=\"/page/\">more pages</a></p>\n</body>\n</html>\n");
        return html.toString();
    }

    /** A small JSON object naming the path and node, the shape of a typical read API answer. */
    static String api(String path, String nodeJson) {
        StringBuilder json = new StringBuilder(64 + path.length());
        json.append("{\"path\":");
        Json.quote(json, path);
        return json.append(",\"items\":[1,2,3],\"node\":").append(nodeJson).append('}').toString();
    }

    private static void escapeHtml(StringBuilder out, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
    }
}
