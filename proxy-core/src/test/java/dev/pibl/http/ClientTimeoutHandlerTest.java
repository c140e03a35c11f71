package dev.pibl.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Idle and slow-header timeouts, driven by the embedded loop's clock; nothing sleeps. */
class ClientTimeoutHandlerTest {

    private static EmbeddedChannel channel() {
        ClientTimeoutHandler timeouts = new ClientTimeoutHandler(Duration.ofSeconds(60), Duration.ofSeconds(10));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(timeouts.byteWatcher(), new HttpServerCodec(), timeouts);
        return ch;
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void anIdleConnectionClosesSilentlyAfterTheIdleTimeout() {
        EmbeddedChannel ch = channel();
        ch.advanceTimeBy(59, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readOutbound()).as("no response to a connection that sent nothing").isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void aHalfSentHeadGets408AfterTheHeaderTimeout() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("GET / HTTP/1.1\r\nHost: a\r\n"));
        assert408AndClosedAfterTheHeaderTimeout(ch);
    }

    @Test
    void aRequestInFlightIsNotTimedOutByTheClientTimers() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        HttpRequest request = ch.readInbound();
        ReferenceCountUtil.release(ch.readInbound()); // the empty last content
        ch.advanceTimeBy(120, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        // The response ends the exchange: the idle clock starts again from there.
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ReferenceCountUtil.release(ch.readOutbound());
        ch.advanceTimeBy(61, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(request.uri()).isEqualTo("/");
        ch.finishAndReleaseAll();
    }

    @Test
    void theNextRequestsFirstByteSwitchesToTheHeaderTimeout() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        ch.readInbound();
        ReferenceCountUtil.release(ch.readInbound());
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ReferenceCountUtil.release(ch.readOutbound());
        ch.advanceTimeBy(30, TimeUnit.SECONDS);
        ch.writeInbound(bytes("GET /next HTTP/1.1\r\n"));
        assert408AndClosedAfterTheHeaderTimeout(ch);
    }

    private static void assert408AndClosedAfterTheHeaderTimeout(EmbeddedChannel ch) {
        ch.advanceTimeBy(11, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ByteBuf out = ch.readOutbound();
        assertThat(out.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 408 ");
        out.release();
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }
}
