package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping drains: in-flight exchanges finish, idle connections close, new ones are refused. */
class GracefulShutdownTest {

    @Test
    void stopLetsAnInFlightRequestFinishAndClosesIdleConnections() throws Exception {
        TestBackend.Responder slow = (ctx, req, b) -> ctx.executor().schedule(
                () -> b.reply(ctx, req, HttpResponseStatus.OK, "finished"), 500, TimeUnit.MILLISECONDS);
        try (TestBackend backend = TestBackend.start("node-1", slow);
             TestProxy proxy = TestProxy.builder().backend(backend).drainTimeout(Duration.ofSeconds(5)).start();
             RawHttp busy = new RawHttp(proxy.port());
             RawHttp idle = new RawHttp(proxy.port())) {
            int port = proxy.port();
            busy.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            Thread.sleep(100); // let the request reach the backend before stopping
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(proxy.server()::stop);

            RawHttp.Response r = busy.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("finished");
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(busy.closedByPeer()).isTrue();
            assertThat(idle.closedByPeer()).isTrue();
            stopped.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void drainTimeoutCutsWhatIsStillRunning() throws Exception {
        TestBackend.Responder never = (ctx, req, b) -> { };
        try (TestBackend backend = TestBackend.start("node-1", never);
             TestProxy proxy = TestProxy.builder().backend(backend).drainTimeout(Duration.ofMillis(300)).start();
             RawHttp busy = new RawHttp(proxy.port())) {
            busy.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            Thread.sleep(100);
            long start = System.nanoTime();
            proxy.server().stop();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(busy.closedByPeer()).isTrue();
        }
    }
}
