package dev.pibl.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.HealthConfigs;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The one-line status systemd shows ({@code systemctl status}): live client connections and the
 * backends that take traffic, over real sockets.
 */
class StatusLineTest {

    @Test
    void countsClientConnectionsAndAvailableBackends() throws Exception {
        try (TestBackend bad = TestBackend.start("bad", (ctx, req, b) ->
                     b.reply(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "oops"));
             TestBackend good = TestBackend.start("good");
             TestProxy proxy = TestProxy.builder().backend(bad).backend(good)
                     .health(HealthConfigs.passive(1, Duration.ofMinutes(1), 50, false)).start()) {
            assertThat(proxy.server().statusLine())
                    .isEqualTo("0 client connections, 2/2 backends available, config generation 1");
            try (RawHttp client = new RawHttp(proxy.port())) {
                assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(500);
                // One 5xx ejects "bad" for a minute; asking how many are available must not end it.
                for (int i = 0; i < 3; i++) {
                    assertThat(proxy.server().statusLine())
                            .isEqualTo("1 client connection, 1/2 backends available, config generation 1");
                }
                assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
                assertThat(bad.requests()).hasSize(1);
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(proxy.server().statusLine())
                    .isEqualTo("0 client connections, 1/2 backends available, config generation 1"));
        }
    }
}
