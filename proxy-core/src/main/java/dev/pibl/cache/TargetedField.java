package dev.pibl.cache;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a targeted cache-control field such as {@code CDN-Cache-Control} (RFC 9213): a Structured
 * Fields Dictionary (RFC 8941 §3.2, parsed per §4.2) whose members are cache directives. Unlike
 * {@code Cache-Control}, a syntax error anywhere makes the whole field invalid, and a repeated key
 * keeps its last value. Pure functions: any thread.
 */
final class TargetedField {

    /** A member whose value is an inner list or byte sequence: no directive argument is valid. */
    private static final String UNUSABLE = "()";

    private final String s;
    private int i;

    private TargetedField(String s) {
        this.s = s;
    }

    /**
     * The directives of the field's lines, or null when it is absent, empty or not a valid
     * dictionary: then the cache must behave as if it were not there (RFC 9213 §2.1).
     */
    static CacheControl parse(List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        // RFC 8941 §4.2: field lines are combined with commas before parsing.
        Map<String, String> members = new TargetedField(String.join(",", lines)).dictionary();
        if (members == null || members.isEmpty()) {
            return null;
        }
        CacheControl.Builder b = new CacheControl.Builder();
        members.forEach((name, value) -> {
            if (value == null || value.charAt(0) != '?') {
                // Strings come marked with their opening quote so that "?0" stays a string.
                b.directive(name, value == null || value.charAt(0) != '"' ? value : value.substring(1));
            } else if (value.equals("?1")) {
                b.directive(name, null);
            }
        });
        return b.build();
    }

    /** Key to value: null for a bare key, "?1"/"?0" for Booleans, '"' and the content for Strings, else as written. */
    private Map<String, String> dictionary() {
        Map<String, String> members = new LinkedHashMap<>();
        skip(' ');
        if (i == s.length()) {
            return null;
        }
        while (true) {
            String key = key();
            if (key == null) {
                return null;
            }
            String value = null;
            if (peek() == '=') {
                i++;
                value = peek() == '(' ? innerList() : bareItem();
                if (value == null) {
                    return null;
                }
            }
            if (!parameters()) {
                return null;
            }
            members.put(key, value);
            skipWhitespace();
            if (i == s.length()) {
                return members;
            }
            if (s.charAt(i++) != ',') {
                return null;
            }
            skipWhitespace();
            if (i == s.length()) {
                return null;
            }
        }
    }

    private String key() {
        char c = peek();
        if (!(c >= 'a' && c <= 'z') && c != '*') {
            return null;
        }
        int start = i;
        while (i < s.length() && isKeyChar(s.charAt(i))) {
            i++;
        }
        return s.substring(start, i);
    }

    private static boolean isKeyChar(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '*';
    }

    /** An Integer, Decimal or Token as written, '"' and a String's content, "?1"/"?0"; null when invalid. */
    private String bareItem() {
        char c = peek();
        if (c == '-' || c >= '0' && c <= '9') {
            return number();
        }
        if (c == '"') {
            return string();
        }
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '*') {
            int start = i;
            while (i < s.length() && (isTchar(s.charAt(i)) || s.charAt(i) == ':' || s.charAt(i) == '/')) {
                i++;
            }
            return s.substring(start, i);
        }
        if (c == ':') {
            int end = s.indexOf(':', i + 1);
            if (end < 0) {
                return null;
            }
            for (int j = i + 1; j < end; j++) {
                char b = s.charAt(j);
                if (!(Character.isLetterOrDigit(b) && b < 128 || b == '+' || b == '/' || b == '=')) {
                    return null;
                }
            }
            i = end + 1;
            return UNUSABLE;
        }
        if (c == '?' && i + 1 < s.length() && (s.charAt(i + 1) == '0' || s.charAt(i + 1) == '1')) {
            i += 2;
            return s.substring(i - 2, i);
        }
        return null;
    }

    private String number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        int digits = 0;
        int dot = -1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '.' && dot < 0 && digits > 0 && digits <= 12) {
                dot = digits;
            } else if (c >= '0' && c <= '9') {
                digits++;
            } else {
                break;
            }
            i++;
        }
        int fraction = dot < 0 ? 0 : digits - dot;
        boolean valid = dot < 0 ? digits >= 1 && digits <= 15 : fraction >= 1 && fraction <= 3;
        return valid ? s.substring(start, i) : null;
    }

    private String string() {
        StringBuilder b = new StringBuilder().append('"');
        i++;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                if (i == s.length() || s.charAt(i) != '"' && s.charAt(i) != '\\') {
                    return null;
                }
                c = s.charAt(i++);
            } else if (c < 0x20 || c > 0x7e) {
                return null;
            }
            b.append(c);
        }
        return null;
    }

    private String innerList() {
        i++;
        while (true) {
            skip(' ');
            if (peek() == ')') {
                i++;
                return parameters() ? UNUSABLE : null;
            }
            if (bareItem() == null || !parameters()) {
                return null;
            }
            char c = peek();
            if (c != ' ' && c != ')') {
                return null;
            }
        }
    }

    private boolean parameters() {
        while (peek() == ';') {
            i++;
            skip(' ');
            if (key() == null) {
                return false;
            }
            if (peek() == '=') {
                i++;
                if (bareItem() == null) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isTchar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skip(char c) {
        while (peek() == c) {
            i++;
        }
    }

    private void skipWhitespace() {
        while (peek() == ' ' || peek() == '\t') {
            i++;
        }
    }
}
