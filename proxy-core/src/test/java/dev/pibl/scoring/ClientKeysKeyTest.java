package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pibl.config.TrustedProxies;
import dev.pibl.scoring.ClientKeys.Header;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The key a client is tracked by (its address or network) and the RFC 5952 text of IPv6. */
class ClientKeysKeyTest {

    private static ClientKeys keys(int ipv4Prefix, int ipv6Prefix) {
        return new ClientKeys(TrustedProxies.none(), ipv4Prefix, ipv6Prefix, Header.X_FORWARDED_FOR);
    }

    @ParameterizedTest(name = "{0} /{1} /{2} -> {3}")
    @CsvSource({
        "203.0.113.7,              32, 64,  203.0.113.7",
        "203.0.113.7,              24, 64,  203.0.113.0/24",
        "203.0.113.7,              20, 64,  203.0.112.0/20",
        "203.0.113.7,              1,  64,  128.0.0.0/1",
        "::ffff:203.0.113.7,       32, 64,  203.0.113.7",
        "::ffff:203.0.113.7,       16, 128, 203.0.0.0/16",
        "2001:db8:1:2:3:4:5:6,     32, 64,  2001:db8:1:2::/64",
        "2001:db8:1:2:3:4:5:6,     32, 48,  2001:db8:1::/48",
        "2001:db8:1:2ff::1,        32, 56,  2001:db8:1:200::/56",
        "2001:db8::1,              32, 128, 2001:db8::1",
        "2001:db8:0:0:1::1,        32, 128, 2001:db8::1:0:0:1",
        "fe80::1,                  32, 1,   8000::/1",
    })
    void key(String address, int ipv4Prefix, int ipv6Prefix, String expected) {
        assertThat(keys(ipv4Prefix, ipv6Prefix).key(TrustedProxies.literal(address))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // Leading zeros go, hex is lower case.
        "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        // The longest run of zero groups is compressed...
        "2001:0:0:1:0:0:0:1,       2001:0:0:1::1",
        // ...the first one on a tie...
        "2001:db8:0:0:1:0:0:1,     2001:db8::1:0:0:1",
        // ...and a single zero group is not.
        "2001:db8:0:1:1:1:1:1,     2001:db8:0:1:1:1:1:1",
        "0:0:0:0:0:0:0:0,          ::",
        "0:0:0:0:0:0:0:1,          ::1",
        "1:0:0:0:0:0:0:0,          1::",
        "0:1:0:0:0:1:0:0,          0:1::1:0:0",
        "1:2:3:4:5:6:7:8,          1:2:3:4:5:6:7:8",
        "FE80::ABCD:0:0:12,        fe80::abcd:0:0:12",
        "::ffff:192.0.2.1,         192.0.2.1",
        "64:ff9b::192.0.2.1,       64:ff9b::c000:201",
        "192.0.2.1,                192.0.2.1",
    })
    void text(String literal, String expected) {
        assertThat(ClientKeys.text(TrustedProxies.literal(literal))).isEqualTo(expected);
    }

    @Test
    void aPeerHeldAsMappedIpv6IsIpv4() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 203, 0, 113, 7};
        InetAddress peer = Inet6Address.getByAddress(null, mapped, -1);

        assertThat(keys(24, 64).key(peer)).isEqualTo("203.0.113.0/24");
        assertThat(ClientKeys.text(peer)).isEqualTo("203.0.113.7");
    }

    @Test
    void prefixesAreChecked() {
        assertThatThrownBy(() -> keys(0, 64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ipv4Prefix: 0 (expected: 1..32)");
        assertThatThrownBy(() -> keys(33, 64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ipv4Prefix: 33 (expected: 1..32)");
        assertThatThrownBy(() -> keys(32, 129)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ipv6Prefix: 129 (expected: 1..128)");
    }
}
