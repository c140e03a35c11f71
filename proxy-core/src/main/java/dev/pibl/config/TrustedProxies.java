package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers whose {@code X-Forwarded-*} and {@code Forwarded} headers PIBL believes: the
 * {@code server.trusted-proxies} list of IP addresses and CIDR blocks, parsed once.
 *
 * <p>Entries are literals only, parsed by hand: a host name is an error, never a DNS lookup (so
 * {@code --check} gives the same answer offline, and nothing here can block). IPv4 is four
 * decimal octets without leading zeros (so {@code 010.0.0.1} cannot be mistaken for octal);
 * IPv6 is RFC 4291 text with {@code ::} and an optional dotted IPv4 tail, without a zone.
 * Host bits below the prefix are ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}), as nginx
 * and HAProxy do.
 *
 * <p>IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) is the same host as {@code a.b.c.d}: mapped peers
 * and mapped entries of at least /96 are compared as IPv4, and an IPv6 block that contains the
 * whole mapped range ({@code ::/0}, {@code ::ffff:0:0/96}) also trusts every IPv4 peer.
 *
 * <p>Immutable and thread-safe; {@link #trusts} allocates only the address's byte array.
 */
public final class TrustedProxies {

    /** What a {@code server.trusted-proxies} entry must be, as configuration messages say it. */
    public static final String EXPECTED = "an IP address or CIDR block such as 10.0.0.0/8";

    private static final TrustedProxies NONE = new TrustedProxies(List.of(), new byte[0][], new int[0]);

    private final List<String> entries;
    /** 4 or 16 bytes each, host bits zero; parallel to {@link #prefixes}. */
    private final byte[][] networks;
    private final int[] prefixes;

    private TrustedProxies(List<String> entries, byte[][] networks, int[] prefixes) {
        this.entries = entries;
        this.networks = networks;
        this.prefixes = prefixes;
    }

    /** Trusts nobody: every client's forwarding headers are replaced. */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Parses {@code entries}.
     *
     * @throws IllegalArgumentException naming the first entry that is not an address or block
     */
    public static TrustedProxies parse(List<String> entries) {
        requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            return NONE;
        }
        List<byte[]> networks = new ArrayList<>(entries.size());
        List<Integer> prefixes = new ArrayList<>(entries.size());
        for (String entry : entries) {
            Block block = block(requireNonNull(entry, "entry"));
            if (block == null) {
                throw new IllegalArgumentException("trusted proxy: " + entry + " (expected: " + EXPECTED + ")");
            }
            networks.add(block.network());
            prefixes.add(block.prefix());
            if (block.network().length == 16 && block.prefix() < 96 && containsMappedRange(block)) {
                // IPv4 peers arrive as Inet4Address even on a dual-stack socket; the block covers them all.
                networks.add(new byte[4]);
                prefixes.add(0);
            }
        }
        int[] bits = new int[prefixes.size()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = prefixes.get(i);
        }
        return new TrustedProxies(List.copyOf(entries), networks.toArray(new byte[0][]), bits);
    }

    /** Whether {@code entry} is an IP address or CIDR block that {@link #parse} accepts. */
    public static boolean isValid(String entry) {
        return entry != null && block(entry) != null;
    }

    /**
     * {@code text} as an address, or {@code null} when it is not exactly an IPv4 or IPv6 literal
     * as the entries are written (no prefix, port, brackets, zone or surrounding space). Never
     * resolves a name: this is how addresses that clients wrote in forwarding headers are read.
     * IPv4-mapped IPv6 comes back as the IPv4 address.
     */
    public static InetAddress literal(String text) {
        requireNonNull(text, "text");
        byte[] bytes = text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text, 0, text.length());
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            // Only thrown for a length other than 4 or 16, which the parsers never return.
            throw new IllegalStateException(e);
        }
    }

    /** Whether the list is empty, so that no peer is trusted. */
    public boolean isEmpty() {
        return prefixes.length == 0;
    }

    /** Whether {@code address} is one of the listed addresses or inside one of the listed blocks. */
    public boolean trusts(InetAddress address) {
        requireNonNull(address, "address");
        if (prefixes.length == 0) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isMapped(bytes)) {
            bytes = new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
        }
        for (int i = 0; i < prefixes.length; i++) {
            if (networks[i].length == bytes.length && matches(networks[i], prefixes[i], bytes)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    private static boolean matches(byte[] network, int prefix, byte[] address) {
        int whole = prefix >>> 3;
        for (int i = 0; i < whole; i++) {
            if (network[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix & 7;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[whole] & mask) == (network[whole] & 0xFF);
    }

    private static boolean containsMappedRange(Block block) {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        return matches(block.network(), block.prefix(), mapped);
    }

    private static boolean isMapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }

    private record Block(byte[] network, int prefix) {
    }

    /** {@code entry} as a block with its host bits cleared, or {@code null} when it is not one. */
    private static Block block(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        byte[] bytes = address.indexOf(':') >= 0 ? ipv6(address) : ipv4(address, 0, address.length());
        if (bytes == null) {
            return null;
        }
        int bits = bytes.length * 8;
        int prefix = slash < 0 ? bits : number(entry, slash + 1, entry.length(), 10, 3);
        if (prefix < 0 || prefix > bits) {
            return null;
        }
        if (bytes.length == 16 && prefix >= 96 && isMapped(bytes)) {
            bytes = new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
            prefix -= 96;
        }
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return new Block(bytes, prefix);
    }

    /** Four decimal octets in {@code text[from, to)}, or {@code null}. */
    private static byte[] ipv4(String text, int from, int to) {
        byte[] bytes = new byte[4];
        int start = from;
        for (int i = 0; i < 4; i++) {
            int end = i < 3 ? text.indexOf('.', start) : to;
            if (end < 0 || end > to) {
                return null;
            }
            int octet = number(text, start, end, 10, 3);
            if (octet < 0 || octet > 255) {
                return null;
            }
            bytes[i] = (byte) octet;
            start = end + 1;
        }
        return bytes;
    }

    /** RFC 4291 section 2.2 text (no zone), or {@code null}. */
    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] words = new int[8];
        int head;
        int tail = 0;
        int[] tailWords = new int[8];
        if (gap < 0) {
            head = words(text, 0, text.length(), words, true);
            if (head != 8) {
                return null;
            }
        } else {
            head = words(text, 0, gap, words, false);
            tail = words(text, gap + 2, text.length(), tailWords, true);
            // "::" stands for at least one zero group.
            if (head < 0 || tail < 0 || head + tail > 7) {
                return null;
            }
        }
        System.arraycopy(tailWords, 0, words, 8 - tail, tail);
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (words[i] >>> 8);
            bytes[2 * i + 1] = (byte) words[i];
        }
        return bytes;
    }

    /**
     * The colon-separated groups of {@code text[from, to)} into {@code into}: how many 16-bit
     * words they make (an IPv4 tail, where {@code ipv4Tail} allows one, makes two), or -1 when one
     * is malformed. Empty text is none.
     */
    private static int words(String text, int from, int to, int[] into, boolean ipv4Tail) {
        if (from == to) {
            return 0;
        }
        int count = 0;
        int start = from;
        while (true) {
            int colon = text.indexOf(':', start);
            int end = colon < 0 || colon > to ? to : colon;
            if (ipv4Tail && end == to && text.lastIndexOf('.', to - 1) >= start) {
                // The last group may be dotted IPv4 (::ffff:10.0.0.1), taking the last two words.
                byte[] v4 = ipv4(text, start, to);
                if (v4 == null || count > into.length - 2) {
                    return -1;
                }
                into[count++] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                into[count++] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
                return count;
            }
            int word = number(text, start, end, 16, 4);
            if (word < 0 || count == into.length) {
                return -1;
            }
            into[count++] = word;
            if (end == to) {
                return count;
            }
            start = end + 1;
        }
    }

    /**
     * The number in {@code text[from, to)}: 1 to {@code maxDigits} digits of {@code radix}; in
     * decimal without a leading zero. -1 when it is not one.
     */
    private static int number(String text, int from, int to, int radix, int maxDigits) {
        int length = to - from;
        if (length < 1 || length > maxDigits || (radix == 10 && length > 1 && text.charAt(from) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(text.charAt(i), radix);
            // Character.digit also takes non-ASCII digits (Arabic-Indic, fullwidth): not here.
            if (digit < 0 || text.charAt(i) > 'f') {
                return -1;
            }
            value = value * radix + digit;
        }
        return value;
    }
}
