package dev.pibl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pibl.config.ServerConfig;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** server.max-connections: beyond it, a quick 503 (reject) or a wait in the backlog (pause). */
class ConnectionLimitTest {

    private static final String GET = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";

    @Test
    void beyondTheLimitAConnectionGetsA503AtOnceAndIsClosed() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend)
                     .maxClientConnections(2, ServerConfig.Overload.REJECT).start();
             RawHttp first = new RawHttp(proxy.port());
             RawHttp second = new RawHttp(proxy.port())) {
            assertThat(first.send(GET).read().status()).isEqualTo(200);
            assertThat(second.send(GET).read().status()).isEqualTo(200);
            try (RawHttp third = new RawHttp(proxy.port())) {
                RawHttp.Response r = third.read();
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("1");
                assertThat(r.bodyText()).isEqualTo("503 Service Unavailable: too many connections\n");
                assertThat(third.closedByPeer()).isTrue();
            }
            first.close();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (RawHttp again = new RawHttp(proxy.port())) {
                    return again.send(GET).read().status() == 200;
                }
            });
        }
    }

    @Test
    void pausedBeyondTheLimitANewClientWaitsUntilAConnectionCloses() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).ioThreads(1)
                     .maxClientConnections(2, ServerConfig.Overload.PAUSE).start();
             RawHttp first = new RawHttp(proxy.port());
             RawHttp second = new RawHttp(proxy.port())) {
            assertThat(first.send(GET).read().status()).isEqualTo(200);
            assertThat(second.send(GET).read().status()).isEqualTo(200);
            try (RawHttp waiting = new RawHttp(proxy.port())) { // the kernel completes the handshake
                waiting.socket().setSoTimeout(500);
                waiting.send(GET);
                assertThatThrownBy(waiting::read).isInstanceOf(SocketTimeoutException.class);
                first.close();
                waiting.socket().setSoTimeout(5000);
                assertThat(waiting.read().status()).as("accepted once a slot freed").isEqualTo(200);
            }
        }
    }
}
