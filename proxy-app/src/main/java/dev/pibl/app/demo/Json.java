package dev.pibl.app.demo;

/** Minimal JSON string quoting: the demo bodies are a handful of fixed shapes, so a JSON library would be overhead. */
final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** Appends {@code s} as a quoted JSON string, escaping what RFC 8259 requires. */
    static StringBuilder quote(StringBuilder out, CharSequence s) {
        out.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    static String quote(CharSequence s) {
        return quote(new StringBuilder(s.length() + 2), s).toString();
    }
}
