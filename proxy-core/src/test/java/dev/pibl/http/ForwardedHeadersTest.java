package dev.pibl.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link ForwardedHeaders#apply} leaves in a request, from trusted and untrusted peers. */
class ForwardedHeadersTest {

    private static final String PEER = "192.0.2.10";

    /**
     * One row: the header fields a peer sent ({@code "Name: value"}), whether it is trusted, and
     * every value of each forwarding header afterwards (an empty list: the header is absent).
     */
    record Case(String name, List<String> sent, boolean trusted, List<String> xff, List<String> proto,
            List<String> host, List<String> forwarded) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Untrusted (the default): what the peer wrote is replaced or dropped.
                new Case("untrusted, nothing sent", List.of("Host: a.test"), false,
                        List.of(PEER), List.of("http"), List.of("a.test"), List.of()),
                new Case("untrusted, forged X-Forwarded-For replaced", List.of("Host: a.test", "X-Forwarded-For: 1.2.3.4"),
                        false, List.of(PEER), List.of("http"), List.of("a.test"), List.of()),
                new Case("untrusted, several X-Forwarded-For fields collapse to the peer",
                        List.of("Host: a.test", "X-Forwarded-For: 1.2.3.4", "x-forwarded-for: 5.6.7.8, 9.9.9.9",
                                "X-FORWARDED-FOR: 10.0.0.1"),
                        false, List.of(PEER), List.of("http"), List.of("a.test"), List.of()),
                new Case("untrusted, forged proto and host replaced",
                        List.of("Host: a.test", "X-Forwarded-Proto: https", "X-Forwarded-Host: bank.test"),
                        false, List.of(PEER), List.of("http"), List.of("a.test"), List.of()),
                new Case("untrusted, no Host: a forged X-Forwarded-Host is removed",
                        List.of("X-Forwarded-Host: bank.test"), false,
                        List.of(PEER), List.of("http"), List.of(), List.of()),
                new Case("untrusted, Forwarded removed",
                        List.of("Host: a.test", "Forwarded: for=1.2.3.4;proto=https", "Forwarded: for=5.6.7.8"), false,
                        List.of(PEER), List.of("http"), List.of("a.test"), List.of()),
                // Trusted: the chain is kept and extended.
                new Case("trusted, nothing sent", List.of("Host: a.test"), true,
                        List.of(PEER), List.of("http"), List.of("a.test"), List.of()),
                new Case("trusted, X-Forwarded-For extended", List.of("Host: a.test", "X-Forwarded-For: 1.2.3.4"), true,
                        List.of("1.2.3.4, " + PEER), List.of("http"), List.of("a.test"), List.of()),
                new Case("trusted, several fields joined in order",
                        List.of("X-Forwarded-For: 1.2.3.4", "Host: a.test", "X-Forwarded-For: 5.6.7.8, 10.0.0.1"), true,
                        List.of("1.2.3.4, 5.6.7.8, 10.0.0.1, " + PEER), List.of("http"), List.of("a.test"), List.of()),
                new Case("trusted, empty fields skipped",
                        List.of("Host: a.test", "X-Forwarded-For: ", "X-Forwarded-For: 1.2.3.4"), true,
                        List.of("1.2.3.4, " + PEER), List.of("http"), List.of("a.test"), List.of()),
                new Case("trusted, proto, host and Forwarded kept",
                        List.of("Host: a.test", "X-Forwarded-Proto: https", "X-Forwarded-Host: www.test",
                                "Forwarded: for=1.2.3.4;proto=https"), true,
                        List.of(PEER), List.of("https"), List.of("www.test"), List.of("for=1.2.3.4;proto=https")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void apply(Case c) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String field : c.sent()) {
            int colon = field.indexOf(':');
            headers.add(field.substring(0, colon), field.substring(colon + 1).trim());
        }

        ForwardedHeaders.apply(headers, PEER, c.trusted(), HttpVersion.HTTP_1_1);

        assertThat(headers.getAll("X-Forwarded-For")).as("X-Forwarded-For").isEqualTo(c.xff());
        assertThat(headers.getAll("X-Forwarded-Proto")).as("X-Forwarded-Proto").isEqualTo(c.proto());
        assertThat(headers.getAll("X-Forwarded-Host")).as("X-Forwarded-Host").isEqualTo(c.host());
        assertThat(headers.getAll("Forwarded")).as("Forwarded").isEqualTo(c.forwarded());
        assertThat(headers.getAll("Via")).as("Via").containsExactly("1.1 pibl");
    }

    @ParameterizedTest(name = "trusted={0}")
    @ValueSource(booleans = {false, true})
    void viaNamesTheClientsVersionAndExtendsAnExistingList(boolean trusted) {
        HttpHeaders headers = new DefaultHttpHeaders().add("Host", "a.test").add("Via", "1.1 cdn")
                .add("Via", "1.0 edge, 1.1 lb");

        ForwardedHeaders.apply(headers, PEER, trusted, HttpVersion.HTTP_1_0);

        // Via is not a trust matter: every hop is kept, in order, whoever the peer is.
        assertThat(headers.getAll("Via")).containsExactly("1.1 cdn, 1.0 edge, 1.1 lb, 1.0 pibl");
    }
}
