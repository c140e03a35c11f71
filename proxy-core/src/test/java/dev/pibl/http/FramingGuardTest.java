package dev.pibl.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.LimitsConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which request heads the guard lets through and what it answers to the others. */
class FramingGuardTest {

    private static final LimitsConfig LIMITS = new LimitsConfig(64, 256, 5, 100);

    @org.junit.jupiter.api.Test
    void theRequestIdPiblAddsDoesNotCountAgainstTheHeaderLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest r) {
                    r.headers().set(RequestIds.HEADER, RequestIds.next()); // what the access log stage does
                }
                ctx.fireChannelRead(msg);
            }
        }, new FramingGuard(LIMITS));
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
                StandardCharsets.US_ASCII));
        HttpRequest passed = ch.readInbound();
        assertThat(passed).as("five client fields with a limit of five").isNotNull();
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "plain GET                   | GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                               | 0",
        "HTTP/1.0 without Host       | GET / HTTP/1.0\\r\\n\\r\\n                                            | 0",
        "body at the limit           | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 100\\r\\n\\r\\n       | 0",
        "100-continue                | PUT / HTTP/1.1\\r\\nHost: a\\r\\nExpect: 100-continue\\r\\nContent-Length: 1\\r\\n\\r\\n | 0",
        "HTTP/1.1 without Host       | GET / HTTP/1.1\\r\\n\\r\\n                                            | 400",
        "garbage request line        | HELLO\\r\\n\\r\\n                                                     | 400",
        "request line too long       | GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n | 414",
        "too many header fields      | GET / HTTP/1.1\\r\\nHost: a\\r\\nA: 1\\r\\nB: 2\\r\\nC: 3\\r\\nD: 4\\r\\nE: 5\\r\\n\\r\\n | 431",
        "declared body over limit    | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 101\\r\\n\\r\\n       | 413",
        "unknown expectation         | PUT / HTTP/1.1\\r\\nHost: a\\r\\nExpect: something\\r\\n\\r\\n              | 417",
        "chunked in any case         | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding:  Chunked \\r\\n\\r\\n | 0",
        "Content-Length and chunked  | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400",
        "two Content-Lengths         | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\n | 400",
        "chunked not last            | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked, identity\\r\\n\\r\\n | 400",
        "xchunked                    | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: xchunked\\r\\n\\r\\n | 400",
        "TE in HTTP/1.0              | POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400",
        "another coding before chunked| POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | 501",
        "chunked twice               | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400",
        "CONNECT                     | CONNECT a:443 HTTP/1.1\\r\\nHost: a:443\\r\\n\\r\\n | 501",
        "two Host headers            | GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n | 400",
    })
    void guardsTheRequestHead(String name, String raw, int expectedStatus) {
        EmbeddedChannel ch = new EmbeddedChannel(
                new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(LIMITS.maxRequestLine())
                        .setMaxHeaderSize(LIMITS.maxHeaderSize())),
                new FramingGuard(LIMITS));
        ch.writeInbound(Unpooled.copiedBuffer(raw.replace("\\r\\n", "\r\n"), StandardCharsets.US_ASCII));
        if (expectedStatus == 0) {
            HttpRequest passed = ch.readInbound();
            assertThat(passed).as(name).isNotNull();
            assertThat(ch.isOpen()).isTrue();
        } else {
            assertThat((Object) ch.readInbound()).as("nothing forwarded for " + name).isNull();
            io.netty.buffer.ByteBuf encoded = ch.readOutbound();
            String wire = encoded.toString(StandardCharsets.US_ASCII);
            encoded.release();
            assertThat(wire).as(name).startsWith("HTTP/1.1 " + expectedStatus + " ")
                    .containsIgnoringCase("connection: close");
            ch.runPendingTasks();
            assertThat(ch.isOpen()).as("closed after a rejection").isFalse();
        }
        ch.finishAndReleaseAll();
    }
}
