package dev.pibl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of {@code server.trusted-proxies} entries and the prefix match, edges first. */
class TrustedProxiesTest {

    @ParameterizedTest(name = "{0} trusts {1}: {2}")
    @CsvSource({
        // Exact addresses and /32, /128.
        "127.0.0.1,          127.0.0.1,       true",
        "127.0.0.1,          127.0.0.2,       false",
        "127.0.0.1/32,       127.0.0.1,       true",
        "127.0.0.1/32,       127.0.0.0,       false",
        "::1,                ::1,             true",
        "::1/128,            ::1,             true",
        "::1/128,            ::2,             false",
        // /8 boundaries.
        "10.0.0.0/8,         10.0.0.0,        true",
        "10.0.0.0/8,         10.255.255.255,  true",
        "10.0.0.0/8,         9.255.255.255,   false",
        "10.0.0.0/8,         11.0.0.0,        false",
        // Host bits below the prefix are ignored, as nginx does.
        "10.1.2.3/8,         10.200.0.1,      true",
        // Prefixes not on a byte boundary.
        "192.168.0.0/23,     192.168.1.255,   true",
        "192.168.0.0/23,     192.168.2.0,     false",
        "172.16.0.0/12,      172.31.255.255,  true",
        "172.16.0.0/12,      172.32.0.0,      false",
        "fd00::/7,           fc00::1,         true",
        "fd00::/7,           fe00::1,         false",
        "2001:db8::/32,      2001:db8:ffff::1, true",
        "2001:db8::/32,      2001:db9::1,     false",
        // /0 covers its whole family.
        "0.0.0.0/0,          203.0.113.7,     true",
        "0.0.0.0/0,          2001:db8::1,     false",
        "::/0,               2001:db8::1,     true",
        // IPv4-mapped IPv6: the same hosts as their IPv4 addresses, either way round.
        "::ffff:10.0.0.1,    10.0.0.1,        true",
        "::ffff:10.0.0.0/104, 10.9.9.9,       true",
        "::ffff:10.0.0.0/104, 11.0.0.0,       false",
        "::ffff:0:0/96,      198.51.100.1,    true",
        "::/0,               198.51.100.1,    true",
        "::/81,              198.51.100.1,    false",
        "10.0.0.1,           ::ffff:10.0.0.1, true",
        "10.0.0.0/8,         ::ffff:10.1.1.1, true",
        "::ffff:a00:1,       10.0.0.1,        true",
        // Full and compressed IPv6 spellings.
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1, true",
        "1:2:3:4:5:6:7::,    1:2:3:4:5:6:7:0, true",
        "::2:3:4:5:6:7:8,    0:2:3:4:5:6:7:8, true",
        "64:ff9b::192.0.2.1, 64:ff9b::c000:201, true",
    })
    void trusts(String entry, String peer, boolean expected) throws UnknownHostException {
        assertThat(TrustedProxies.parse(List.of(entry)).trusts(literal(peer))).isEqualTo(expected);
    }

    @Test
    void anyEntryOfSeveralIsEnough() throws UnknownHostException {
        TrustedProxies t = TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.1", "::1"));

        assertThat(t.isEmpty()).isFalse();
        assertThat(t.trusts(literal("192.168.1.1"))).isTrue();
        assertThat(t.trusts(literal("::1"))).isTrue();
        assertThat(t.trusts(literal("10.3.4.5"))).isTrue();
        assertThat(t.trusts(literal("192.168.1.2"))).isFalse();
        assertThat(t.toString()).isEqualTo("[10.0.0.0/8, 192.168.1.1, ::1]");
    }

    @Test
    void aPeerHeldAsMappedIpv6IsComparedAsIpv4() throws UnknownHostException {
        // InetAddress.getByName turns ::ffff:a.b.c.d into an Inet4Address; a socket layer might not.
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 0, 0, 1};
        InetAddress peer = Inet6Address.getByAddress(null, mapped, -1);

        assertThat(peer).isInstanceOf(Inet6Address.class);
        assertThat(TrustedProxies.parse(List.of("10.0.0.0/8")).trusts(peer)).isTrue();
        assertThat(TrustedProxies.parse(List.of("::ffff:10.0.0.1")).trusts(peer)).isTrue();
        assertThat(TrustedProxies.parse(List.of("11.0.0.0/8")).trusts(peer)).isFalse();
        assertThat(TrustedProxies.parse(List.of("2001:db8::/32")).trusts(peer)).isFalse();
    }

    @Test
    void noneTrustsNobody() throws UnknownHostException {
        assertThat(TrustedProxies.none().isEmpty()).isTrue();
        assertThat(TrustedProxies.parse(List.of())).isSameAs(TrustedProxies.none());
        assertThat(TrustedProxies.none().trusts(literal("127.0.0.1"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "localhost", "example.com", "10.0.0.0/33", "::/129", "10.0.0.0/-1",
        "10.0.0.0/", "/8", "10.0.0.0/8/8", "10.0.0.0/08", "10.0.0.0/+8", "256.0.0.1", "1.2.3", "1.2.3.4.5",
        "1.2.3.", ".1.2.3", "1..2.3", "010.0.0.1", "1.2.3.-4", "0x7f.0.0.1", "127.1", "2130706433", " 10.0.0.1",
        "10.0.0.1 ", "10.0.0.0 /8", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8::", ":1::", "1::2:", "12345::", "g::1", "fe80::1%eth0", "[::1]", "::1/",
        "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:256.0.0.1", "\u0661.0.0.1", "１.0.0.1"})
    void rejects(String entry) {
        assertThat(TrustedProxies.isValid(entry)).isFalse();
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("127.0.0.1", entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trusted proxy: " + entry + " (expected: an IP address or CIDR block such as 10.0.0.0/8)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "0.0.0.0/0", "::", "::/0", "::/128",
        "FE80::1", "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4", "0000:0000::0001"})
    void accepts(String entry) {
        assertThat(TrustedProxies.isValid(entry)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"203.0.113.7, 203.0.113.7", "2001:DB8::1, 2001:db8::1", "::ffff:10.0.0.1, 10.0.0.1", "::, ::"})
    void literalReadsAnAddress(String text, String expected) throws UnknownHostException {
        assertThat(TrustedProxies.literal(text)).isEqualTo(literal(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "unknown", "_hidden", "10.0.0.0/8", "::/0", "[::1]", "1.2.3.4:80",
        " 10.0.0.1", "fe80::1%eth0", "010.0.0.1", "256.0.0.1"})
    void literalIsNullForAnythingButAnAddress(String text) {
        assertThat(TrustedProxies.literal(text)).isNull();
    }

    /** Literals only: {@link InetAddress#getByName} does no lookup for them. */
    private static InetAddress literal(String text) throws UnknownHostException {
        return InetAddress.getByName(text);
    }
}
