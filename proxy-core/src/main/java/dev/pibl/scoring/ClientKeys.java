package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import dev.pibl.config.TrustedProxies;
import java.net.InetAddress;
import java.util.List;

/**
 * Who a client is: its address, believing the forwarding header only as far as trusted proxies
 * wrote it, and the key its behaviour is tracked by.
 *
 * <p><b>Address.</b> A peer that is not a trusted proxy is the client, whatever it sent. Behind a
 * trusted peer the configured header ({@code X-Forwarded-For}, or the {@code for=} parameters of
 * RFC 7239 {@code Forwarded}) is read from right to left across all its fields, as nginx's
 * {@code real_ip_recursive} does: each trusted address vouches for the entry to its left, and the
 * first untrusted one is the client. What a client writes itself sits to the left of what its
 * first trusted proxy appended, so prepending fake entries changes nothing. An entry that is not
 * an address ({@code unknown}, an obfuscated {@code _hidden}, a host name, garbage) cannot vouch
 * for anything: the walk stops and the last address that could be checked, the hop that reported
 * it, is the client. When every entry is trusted the left-most is. At most {@value #MAX_ENTRIES}
 * entries are examined (when all of them are trusted, the last one examined is the client), so a
 * long header costs no more than a scan of its text. Ports ({@code 1.2.3.4:5678}, {@code [2001:db8::1]:443}), brackets, quotes and
 * surrounding spaces are accepted. Addresses are literals parsed by hand: nothing here resolves a
 * name.
 *
 * <p><b>Key.</b> An IPv4 client is tracked by its address, or its network when the IPv4 prefix is
 * shorter than 32 ({@code 203.0.113.0/24}); an IPv6 client by its network at the IPv6 prefix,
 * written in RFC 5952 text ({@code 2001:db8:1:2::/64}), since one host commonly holds a whole /64.
 * IPv4-mapped IPv6 is IPv4.
 *
 * <p>Immutable and thread-safe; called on event loops.
 */
public final class ClientKeys {

    /** The header that names the client behind trusted proxies. */
    public enum Header {
        /** {@code X-Forwarded-For}: a comma-separated list of addresses. */
        X_FORWARDED_FOR,
        /** RFC 7239 {@code Forwarded}: the {@code for=} parameter of each element. */
        FORWARDED
    }

    static final int MAX_ENTRIES = 32;

    private final TrustedProxies trusted;
    private final int ipv4Prefix;
    private final int ipv6Prefix;
    private final Header header;

    /**
     * @param trusted    the proxies whose header is believed; none means the header is never read
     * @param ipv4Prefix bits of an IPv4 address that make the key, 1 to 32
     * @param ipv6Prefix bits of an IPv6 address that make the key, 1 to 128
     */
    public ClientKeys(TrustedProxies trusted, int ipv4Prefix, int ipv6Prefix, Header header) {
        this.trusted = requireNonNull(trusted, "trusted");
        this.header = requireNonNull(header, "header");
        if (ipv4Prefix < 1 || ipv4Prefix > 32) {
            throw new IllegalArgumentException("ipv4Prefix: " + ipv4Prefix + " (expected: 1..32)");
        }
        if (ipv6Prefix < 1 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("ipv6Prefix: " + ipv6Prefix + " (expected: 1..128)");
        }
        this.ipv4Prefix = ipv4Prefix;
        this.ipv6Prefix = ipv6Prefix;
    }

    /** Whether the header is read at all: only when some proxy is trusted. */
    public boolean usesHeader() {
        return !trusted.isEmpty();
    }

    public Header header() {
        return header;
    }

    /**
     * The client behind {@code peer}.
     *
     * @param headerFields every field of the configured header, in the order received; empty when
     *                     there is none
     */
    public InetAddress clientAddress(InetAddress peer, List<String> headerFields) {
        requireNonNull(peer, "peer");
        requireNonNull(headerFields, "headerFields");
        if (headerFields.isEmpty() || trusted.isEmpty() || !trusted.trusts(peer)) {
            return peer;
        }
        InetAddress verified = peer;
        int examined = 0;
        boolean quotes = header == Header.FORWARDED;
        for (int f = headerFields.size() - 1; f >= 0; f--) {
            String field = requireNonNull(headerFields.get(f), "header field");
            int end = field.length();
            while (end > 0) {
                int start = entryStart(field, end, quotes);
                int s = start;
                int e = end;
                end = start - 1;
                while (s < e && isSpace(field.charAt(s))) {
                    s++;
                }
                while (e > s && isSpace(field.charAt(e - 1))) {
                    e--;
                }
                if (s == e) {
                    // An empty list element (RFC 9110 section 5.6.1): nothing to check.
                    continue;
                }
                if (examined++ == MAX_ENTRIES) {
                    return verified;
                }
                InetAddress address = entry(field, s, e);
                if (address == null) {
                    return verified;
                }
                if (!trusted.trusts(address)) {
                    return address;
                }
                verified = address;
            }
        }
        return verified;
    }

    /** The key {@code client} is tracked by. */
    public String key(InetAddress client) {
        requireNonNull(client, "client");
        byte[] bytes = bytes(client);
        int bits = bytes.length * 8;
        int prefix = bytes.length == 4 ? ipv4Prefix : ipv6Prefix;
        for (int bit = prefix; bit < bits; bit++) {
            bytes[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        String text = format(bytes);
        return prefix == bits ? text : text + '/' + prefix;
    }

    /** {@code address} as text: dotted IPv4 (IPv4-mapped IPv6 included) or RFC 5952 IPv6. */
    public static String text(InetAddress address) {
        requireNonNull(address, "address");
        return format(bytes(address));
    }

    /**
     * Where the entry of {@code field} that ends at {@code end} starts: after the comma before it,
     * or at 0. Read from the right because the right is what trusted proxies wrote: a client's
     * stray quote on the left cannot swallow the entries they appended. With {@code quotes}
     * (Forwarded) a comma inside a quoted string does not count.
     */
    private static int entryStart(String field, int end, boolean quotes) {
        boolean quoted = false;
        for (int i = end - 1; i >= 0; i--) {
            char c = field.charAt(i);
            if (c == '"' && quotes) {
                quoted = !quoted || isEscaped(field, i);
            } else if (c == ',' && !quoted) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Whether the quote at {@code quote}, inside a quoted string, is a quoted-pair: an odd run of backslashes before it. */
    private static boolean isEscaped(String field, int quote) {
        int backslashes = 0;
        for (int i = quote - 1; i >= 0 && field.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return (backslashes & 1) == 1;
    }

    /** The address entry {@code field[start, end)} names, or {@code null} when it names none. */
    private InetAddress entry(String field, int start, int end) {
        String node = header == Header.FORWARDED ? forwardedFor(field, start, end) : unquote(field.substring(start, end));
        return node == null ? null : node(node);
    }

    /** The unquoted value of the one {@code for} parameter of a Forwarded element, or {@code null}. */
    private static String forwardedFor(String field, int start, int end) {
        String value = null;
        int pair = start;
        boolean quoted = false;
        for (int i = start; i <= end; i++) {
            char c = i < end ? field.charAt(i) : ';';
            if (quoted && i < end) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == ';') {
                String parameter = field.substring(pair, i).strip();
                int equals = parameter.indexOf('=');
                if (equals > 0 && parameter.substring(0, equals).strip().equalsIgnoreCase("for")) {
                    if (value != null) {
                        // RFC 7239 section 4: a parameter occurs once per element; which one would be the client?
                        return null;
                    }
                    value = unquote(parameter.substring(equals + 1).strip());
                    if (value == null) {
                        return null;
                    }
                }
                pair = i + 1;
            }
        }
        return value;
    }

    private static String unquote(String value) {
        if (value.isEmpty() || value.charAt(0) != '"') {
            return value;
        }
        if (value.length() < 2 || value.charAt(value.length() - 1) != '"') {
            return null;
        }
        String inner = value.substring(1, value.length() - 1);
        // No address or port needs escaping: a quoted-pair means it is neither.
        return inner.indexOf('\\') >= 0 || inner.indexOf('"') >= 0 ? null : inner;
    }

    /** {@code 1.2.3.4}, {@code 1.2.3.4:80}, {@code 2001:db8::1} or {@code [2001:db8::1]:443} as an address. */
    static InetAddress node(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.charAt(0) == '[') {
            int close = text.indexOf(']');
            if (close < 0 || !isPortOrNothing(text, close + 1)) {
                return null;
            }
            String inner = text.substring(1, close);
            // Brackets hold IPv6 only (RFC 3986 IP-literal).
            return inner.indexOf(':') < 0 ? null : TrustedProxies.literal(inner);
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && text.indexOf(':', colon + 1) < 0) {
            return isPortOrNothing(text, colon) ? TrustedProxies.literal(text.substring(0, colon)) : null;
        }
        // Two colons or more: bare IPv6, which cannot carry a port without brackets.
        return TrustedProxies.literal(text);
    }

    /** Whether {@code text} ends at {@code from} or continues with {@code :port} (digits, or RFC 7239's {@code _obfport}). */
    private static boolean isPortOrNothing(String text, int from) {
        int length = text.length();
        if (from == length) {
            return true;
        }
        if (text.charAt(from) != ':' || from + 1 == length) {
            return false;
        }
        if (text.charAt(from + 1) == '_') {
            for (int i = from + 2; i < length; i++) {
                char c = text.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                    return false;
                }
            }
            return from + 2 < length;
        }
        if (length - from - 1 > 5) {
            return false;
        }
        int port = 0;
        for (int i = from + 1; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + c - '0';
        }
        return port <= 65535;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** The address's bytes, IPv4-mapped IPv6 as its 4 IPv4 bytes. */
    private static byte[] bytes(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        if (bytes[10] != (byte) 0xFF || bytes[11] != (byte) 0xFF) {
            return bytes;
        }
        return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }

    private static String format(byte[] bytes) {
        if (bytes.length == 4) {
            return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (bytes[2 * i] & 0xFF) << 8 | bytes[2 * i + 1] & 0xFF;
        }
        // RFC 5952 section 4.2: the longest run of two or more zero groups becomes "::", the first on a tie.
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                text.append("::");
                i += runLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(words[i]));
        }
        return text.toString();
    }
}
