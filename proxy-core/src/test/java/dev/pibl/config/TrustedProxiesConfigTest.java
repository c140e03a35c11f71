package dev.pibl.config;

import static dev.pibl.config.Configs.ONE_BACKEND;
import static dev.pibl.config.Configs.parse;
import static dev.pibl.config.Configs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code server.trusted-proxies}: binding the list and every kind of bad entry, messages exact. */
class TrustedProxiesConfigTest {

    private static final String ENTRY_EXPECTED = "(expected: an IP address or CIDR block such as 10.0.0.0/8)";
    private static final String LIST_EXPECTED =
            "(expected: a list of IP addresses or CIDR blocks such as [10.0.0.0/8, \"::1\"])";

    @Test
    void defaultsToNobody() throws ConfigException {
        assertThat(parse(ONE_BACKEND).server().trustedProxies()).isEmpty();
        assertThat(parse(ONE_BACKEND + "server:\n  trusted-proxies: []\n").server().trustedProxies()).isEmpty();
    }

    @Test
    void flowListKeepsEntriesAsWritten() throws ConfigException {
        PiblConfig c = parse("server:\n  trusted-proxies: [127.0.0.1/32, \"10.0.0.0/8\", \"::1\"]\n" + ONE_BACKEND);

        assertThat(c.server().trustedProxies()).containsExactly("127.0.0.1/32", "10.0.0.0/8", "::1");
    }

    @Test
    void blockListTakesIpv6WithOrWithoutQuotes() throws ConfigException {
        PiblConfig c = parse("server:\n  trusted-proxies:\n    - 192.168.0.0/16\n    - ::1\n"
                + "    - \"fd00::/8\"\n    - ::ffff:10.0.0.1\n" + ONE_BACKEND);

        assertThat(c.server().trustedProxies()).containsExactly("192.168.0.0/16", "::1", "fd00::/8", "::ffff:10.0.0.1");
    }

    @Test
    void badEntryIsNamedByItsIndexAndLine() {
        assertThat(problems("server:\n  trusted-proxies: [127.0.0.1/32, \"::1\", 10.0.0.0/33]\n" + ONE_BACKEND))
                .containsExactly("pibl.yaml:2: server.trusted-proxies[2]: 10.0.0.0/33 " + ENTRY_EXPECTED);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "localhost            | localhost",
        "proxy.example.com    | proxy.example.com",
        "10.0.0.0/33          | 10.0.0.0/33",
        "\"::/129\"           | ::/129",
        "300.0.0.1            | 300.0.0.1",
        "010.0.0.1            | 010.0.0.1",
        "10.0.0.0/            | 10.0.0.0/",
        "\"fe80::1%eth0\"     | fe80::1%eth0",
        "\"[::1]\"            | [::1]",
        "\"1::2::3\"          | 1::2::3",
        "10                   | 10",
        "\"10\"               | \"10\"",
        "true                 | true",
        "\"\"                 | \"\"",
        "~                    | null",
        "[10.0.0.1]           | [10.0.0.1]",
        "{ip: 10.0.0.1}       | {ip: 10.0.0.1}",
    })
    void eachKindOfBadEntryIsReported(String written, String shown) {
        assertThat(problems(ONE_BACKEND + "server:\n  trusted-proxies:\n    - 127.0.0.1\n    - " + written + "\n"))
                .containsExactly("pibl.yaml:6: server.trusted-proxies[1]: " + shown + " " + ENTRY_EXPECTED);
    }

    @Test
    void everyBadEntryIsReportedInFileOrder() {
        assertThat(problems("server:\n  trusted-proxies:\n    - gateway\n    - 10.0.0.0/8\n    - 1.2.3.4/40\n"
                + ONE_BACKEND)).containsExactly(
                "pibl.yaml:3: server.trusted-proxies[0]: gateway " + ENTRY_EXPECTED,
                "pibl.yaml:5: server.trusted-proxies[2]: 1.2.3.4/40 " + ENTRY_EXPECTED);
    }

    @Test
    void somethingOtherThanAListIsReportedAsAWhole() {
        assertThat(problems("server:\n  trusted-proxies: 10.0.0.0/8\n" + ONE_BACKEND)).containsExactly(
                "pibl.yaml:2: server.trusted-proxies: 10.0.0.0/8 " + LIST_EXPECTED);
        assertThat(problems("server:\n  trusted-proxies:\n" + ONE_BACKEND)).containsExactly(
                "pibl.yaml:2: server.trusted-proxies: null " + LIST_EXPECTED);
        assertThat(problems("server:\n  trusted-proxies: {a: 1}\n" + ONE_BACKEND)).containsExactly(
                "pibl.yaml:2: server.trusted-proxies: {a: 1} " + LIST_EXPECTED);
    }

    @Test
    void aBoundListParsesIntoTheMatcher() throws ConfigException {
        List<String> entries = parse("server:\n  trusted-proxies: [10.0.0.0/8, \"::1\"]\n" + ONE_BACKEND)
                .server().trustedProxies();

        assertThat(TrustedProxies.parse(entries).toString()).isEqualTo("[10.0.0.0/8, ::1]");
    }
}
