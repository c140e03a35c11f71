package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.TrustedProxies;
import dev.pibl.scoring.ClientKeys.Header;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client behind trusted proxies, walking X-Forwarded-For or Forwarded from the right: what
 * the proxies appended is believed, what the client wrote is not. Trusted here: 10.0.0.0/8 and
 * 2001:db8:ffff::/48. Fields are separated by {@code |} in the tables.
 */
class ClientKeysAddressTest {

    private static final TrustedProxies TRUSTED = TrustedProxies.parse(List.of("10.0.0.0/8", "2001:db8:ffff::/48"));
    private static final ClientKeys XFF = new ClientKeys(TRUSTED, 32, 64, Header.X_FORWARDED_FOR);
    private static final ClientKeys FORWARDED = new ClientKeys(TRUSTED, 32, 64, Header.FORWARDED);
    private static final InetAddress PROXY = address("10.0.0.1");

    private static InetAddress address(String literal) {
        return TrustedProxies.literal(literal);
    }

    private static String client(ClientKeys keys, InetAddress peer, String fields) {
        return ClientKeys.text(keys.clientAddress(peer, List.of(fields.split("\\|", -1))));
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiterString = " => ", value = {
        "203.0.113.7 => 203.0.113.7",
        "203.0.113.7, 10.0.0.2 => 203.0.113.7",
        // The client wrote the left part itself; the first trusted proxy appended its address.
        "6.6.6.6, 203.0.113.7 => 203.0.113.7",
        "10.0.0.9, 203.0.113.7 => 203.0.113.7",
        "6.6.6.6|203.0.113.7, 10.0.0.3 => 203.0.113.7",
        "203.0.113.7|10.0.0.3 => 203.0.113.7",
        // Only proxies: the left-most is the client.
        "10.0.0.5, 10.0.0.4 => 10.0.0.5",
        // Not an address: the hop that reported it is the client.
        "203.0.113.7, unknown, 10.0.0.4 => 10.0.0.4",
        "203.0.113.7, example.com => 10.0.0.1",
        "_hidden => 10.0.0.1",
        "010.0.0.1, 10.0.0.4 => 10.0.0.4",
        "203.0.113.7:99999, 10.0.0.4 => 10.0.0.4",
        "[203.0.113.7] => 10.0.0.1",
        // Ports, brackets, quotes, spaces and empty elements.
        "203.0.113.7:5678 => 203.0.113.7",
        "6.6.6.6,\t 203.0.113.7 ,, 10.0.0.2\t, => 203.0.113.7",
        "[2001:db8::1]:443 => 2001:db8::1",
        "\"[2001:db8::1]\" => 2001:db8::1",
        "2001:DB8::1, 2001:db8:ffff::7 => 2001:db8::1",
        "::ffff:203.0.113.7 => 203.0.113.7",
    })
    void xForwardedFor(String fields, String expected) {
        assertThat(client(XFF, PROXY, fields)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiterString = " => ", value = {
        "for=192.0.2.60;proto=http;by=203.0.113.43 => 192.0.2.60",
        "for=\"[2001:db8:cafe::17]:4711\" => 2001:db8:cafe::17",
        "For=\"192.0.2.60:_abc\", for=10.0.0.2 => 192.0.2.60",
        "for=192.0.2.43, for=198.51.100.17 => 198.51.100.17",
        "for=192.0.2.43|FOR=10.0.0.7 => 192.0.2.43",
        "for=_gazonk, for=10.0.0.2 => 10.0.0.2",
        "for=unknown => 10.0.0.1",
        "proto=https => 10.0.0.1",
        "for=192.0.2.1;for=192.0.2.2 => 10.0.0.1",
        // A comma inside a quoted value does not split the element.
        "for=192.0.2.60;by=\"a,b\", for=10.0.0.2 => 192.0.2.60",
        // A client's stray quote cannot swallow what the proxy appended after it.
        "for=\"6.6.6.6, for=192.0.2.60 => 192.0.2.60",
        // An X-Forwarded-For style entry is not a Forwarded element.
        "192.0.2.60 => 10.0.0.1",
    })
    void forwarded(String fields, String expected) {
        assertThat(client(FORWARDED, PROXY, fields)).isEqualTo(expected);
    }

    @Test
    void anUntrustedPeersHeaderIsIgnored() {
        InetAddress peer = address("198.51.100.1");

        assertThat(XFF.clientAddress(peer, List.of("203.0.113.7"))).isSameAs(peer);
        assertThat(FORWARDED.clientAddress(peer, List.of("for=203.0.113.7"))).isSameAs(peer);
        assertThat(XFF.clientAddress(PROXY, List.of())).isSameAs(PROXY);
    }

    @Test
    void withNoTrustedProxiesTheHeaderIsNeverRead() {
        ClientKeys keys = new ClientKeys(TrustedProxies.none(), 32, 64, Header.X_FORWARDED_FOR);

        assertThat(keys.usesHeader()).isFalse();
        assertThat(XFF.usesHeader()).isTrue();
        assertThat(keys.clientAddress(PROXY, List.of("203.0.113.7"))).isSameAs(PROXY);
        assertThat(FORWARDED.header()).isEqualTo(Header.FORWARDED);
    }

    @Test
    void atMost32EntriesAreExamined() {
        List<String> entries = new ArrayList<>();
        entries.add("203.0.113.7");
        for (int i = 1; i <= 40; i++) {
            entries.add("10.0.0." + i);
        }
        String header = String.join(", ", entries);

        // The 32nd from the right is 10.0.0.9: the walk stops there without reaching the client.
        assertThat(client(XFF, PROXY, header)).isEqualTo("10.0.0.9");
        assertThat(client(XFF, PROXY, String.join(", ", entries.subList(0, 32)))).isEqualTo("203.0.113.7");
    }
}
