package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code server.trusted-proxies} over real sockets: what a backend sees of the forwarding headers
 * a client sent, from 127.0.0.1 as an untrusted client and as a trusted proxy.
 */
class ForwardedForEndToEndTest {

    private static final String FORGED = "GET /who HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n";

    @Test
    void untrustedClientsForgedChainIsReplacedByItsAddress() throws Exception {
        assertThat(forwardedFor(TestProxy.builder(), FORGED)).containsExactly("127.0.0.1");
    }

    @Test
    void trustedProxysChainIsKeptAndExtended() throws Exception {
        assertThat(forwardedFor(TestProxy.builder().trustedProxies("127.0.0.1"), FORGED))
                .containsExactly("1.2.3.4, 127.0.0.1");
    }

    @Test
    void aListThatDoesNotCoverThePeerTrustsNothing() throws Exception {
        assertThat(forwardedFor(TestProxy.builder().trustedProxies("10.0.0.0/8", "::1"), FORGED))
                .containsExactly("127.0.0.1");
    }

    @Test
    void spoofingWithSeveralFieldsFromAnUntrustedPeerCollapsesToThePeer() throws Exception {
        String spoof = "GET /who HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: 1.2.3.4\r\n"
                + "X-Forwarded-For: 10.0.0.1, 10.0.0.2\r\nx-forwarded-for: 127.0.0.1\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: bank.test\r\nForwarded: for=1.2.3.4;proto=https\r\n\r\n";
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send(spoof).read().status()).isEqualTo(200);

            TestBackend.Recorded seen = backend.requests().get(0);
            assertThat(values(seen, "X-Forwarded-For")).containsExactly("127.0.0.1");
            assertThat(values(seen, "X-Forwarded-Proto")).containsExactly("http");
            assertThat(values(seen, "X-Forwarded-Host")).containsExactly("app.test");
            assertThat(values(seen, "Forwarded")).isEmpty();
        }
    }

    @Test
    void trustedBlockKeepsEveryFieldInOrderAndTheOtherForwardingHeaders() throws Exception {
        String chain = "GET /who HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: 1.2.3.4\r\n"
                + "X-Forwarded-Proto: https\r\nX-Forwarded-For: 10.0.0.1\r\nForwarded: for=1.2.3.4;proto=https\r\n\r\n";
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).trustedProxies("127.0.0.0/8").start();
             RawHttp client = new RawHttp(proxy.port())) {
            // Two requests on one connection: trust is decided per connection and holds for each.
            client.send(chain).read();
            client.send(chain).read();

            for (TestBackend.Recorded seen : backend.requests()) {
                assertThat(values(seen, "X-Forwarded-For")).containsExactly("1.2.3.4, 10.0.0.1, 127.0.0.1");
                assertThat(values(seen, "X-Forwarded-Proto")).containsExactly("https");
                assertThat(values(seen, "X-Forwarded-Host")).containsExactly("app.test");
                assertThat(values(seen, "Forwarded")).containsExactly("for=1.2.3.4;proto=https");
            }
            assertThat(backend.requests()).hasSize(2);
        }
    }

    /** Every X-Forwarded-For field the backend received for {@code request}. */
    private static List<String> forwardedFor(TestProxy.Builder builder, String request) throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = builder.backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send(request).read().status()).isEqualTo(200);
            return values(backend.requests().get(0), "X-Forwarded-For");
        }
    }

    private static List<String> values(TestBackend.Recorded seen, String name) {
        return seen.headers().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }
}
