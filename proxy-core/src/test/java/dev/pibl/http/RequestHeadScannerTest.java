package dev.pibl.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@link RequestHeadScanner} lets through and what it refuses, each input fed in two reads
 * split at every offset (in heap and direct buffers, which it reads differently) and once a byte
 * per read. What passes must come out byte for byte; a
 * refused head must be replaced by one failed request carrying the reason, after exactly the bytes
 * before it, with nothing after it.
 */
class RequestHeadScannerTest {

    private static final String GET = "GET /g HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String CHUNKED_HEAD = "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String FOLDED = "GET /f HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n folded\r\n\r\n";

    static Stream<Arguments> passes() {
        return Stream.of(
                a("plain GET", GET),
                a("HEAD, OPTIONS * and an absolute-form target", "HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\nGET http://a.example/x HTTP/1.1\r\nHost: b\r\n\r\n"),
                a("empty lines before a request line", "\r\n\r\n" + GET + "\r\n" + GET),
                a("HTTP/1.0, extension and lowercase methods", "PURGE /p HTTP/1.0\r\n\r\nget /l HTTP/1.1\r\nHost: t\r\n\r\n"),
                a("obs-text and tabs inside values", "GET /\u00e9 HTTP/1.1\r\nHost: t\r\nX-A: caf\u00e9\tau lait\r\nX-B:\r\n\r\n"),
                a("a CL body that holds CRLF SP and a whole folded head", post("x\r\n y\r\n\tz\r\n" + FOLDED) + GET),
                a("CL in any case, with OWS and leading zeros", "POST /p HTTP/1.1\r\nHost: t\r\ncontent-LENGTH: \t 007 \r\n\r\n"
                        + "\r\n \r\n a" + GET),
                a("CL 0 and then a request", "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n" + GET),
                a("Expect: 100-continue with its body", "PUT /u HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                        + "Content-Length: 3\r\n\r\n\r\n " + GET),
                a("chunked with extensions and trailers", CHUNKED_HEAD + "5;name=value\r\n\r\n \r\n\r\n"
                        + "A ; q=\"a b\"\r\n \t\r\n\r\n:\r\n \r\n" + "0;last\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n" + GET),
                a("chunked with upper-case hex, leading zeros and no trailer", CHUNKED_HEAD + "00b\r\n\r\n folded!!\r\n"
                        + "0\r\n\r\n" + GET),
                a("Transfer-Encoding chunked in odd but accepted spellings", "POST /c HTTP/1.1\r\nHost: t\r\n"
                        + "Transfer-Encoding: , \t Chunked ,\r\n\r\n1\r\n \r\n0\r\n\r\n" + GET),
                a("the 8-byte body the decoder gives a GET with both WebSocket keys", "GET /ws HTTP/1.1\r\nHost: t\r\n"
                        + "Sec-WebSocket-Key1: a\r\nsec-websocket-key2: b\r\n\r\n  \r\n \t" + GET),
                a("a head longer than the copy the scanner reads direct buffers through", "GET /c HTTP/1.1\r\nHost: t\r\n"
                        + "Cookie: " + "c".repeat(3000) + "\r\nContent-Length: 2\r\n\r\n\r\n" + GET),
                a("bare LF line ends (the decoder refuses them itself)", "GET /lf HTTP/1.1\nHost: t\n\n"
                        + "POST /p HTTP/1.1\nContent-Length: 2\n\n\n " + GET),
                // Framing the decoder or the guard refuses: the scanner stops looking, whatever follows.
                a("CL with TE", "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n" + FOLDED),
                a("two CL fields", "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc" + FOLDED),
                a("CL not a number", "POST / HTTP/1.1\r\nContent-Length: 3a\r\n\r\nabc" + FOLDED),
                a("TE gzip, chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + FOLDED),
                a("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + FOLDED),
                a("chunk size not hex", CHUNKED_HEAD + "zz\r\n" + FOLDED),
                a("chunk data longer than its size", CHUNKED_HEAD + "1\r\nab\r\n0\r\n\r\n" + FOLDED));
    }

    static Stream<Arguments> refused() {
        String clPost = "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\n\r\n\r\n folded";
        return Stream.of(
                r("obs-fold with a space", "", FOLDED, " folded", "obsolete line folding in header block"),
                r("obs-fold with a tab", "", "GET / HTTP/1.1\r\nX-A: 1\r\n\tfolded\r\nHost: t\r\n\r\n", "\tfolded",
                        "obsolete line folding in header block"),
                r("obs-fold after bare LF", "", "GET / HTTP/1.1\nX-A: 1\n folded\n\n", " folded",
                        "obsolete line folding in header block"),
                r("a line of one space", "", "GET / HTTP/1.1\r\nHost: t\r\n \r\n\r\n", " \r\n\r\n",
                        "obsolete line folding in header block"),
                r("obs-fold in the second request", GET, FOLDED, " folded", "obsolete line folding in header block"),
                r("obs-fold after forty pipelined requests", GET.repeat(40), FOLDED, " folded",
                        "obsolete line folding in header block"),
                r("obs-fold after a long field", "", "GET /c HTTP/1.1\r\nHost: t\r\nCookie: " + "c".repeat(3000)
                        + "\r\n folded\r\n\r\n", " folded", "obsolete line folding in header block"),
                r("obs-fold after CL, chunked and 100-continue requests", clPost + CHUNKED_HEAD
                        + "3;x=\"y z\"\r\n\r\n \r\n0\r\nX-T: 1\r\n\r\n" + "PUT /u HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                        + "Content-Length: 2\r\n\r\n\t " + "\r\n" + GET, FOLDED, " folded", "obsolete line folding in header block"),
                r("whitespace before the first field", "", "GET / HTTP/1.1\r\n Host: t\r\n\r\n", " Host",
                        "whitespace at the start of the first header line"),
                r("double space before the target", GET, "GET  / HTTP/1.1\r\nHost: t\r\n\r\n", " / HTTP",
                        "request line parts not separated by single spaces"),
                r("double space before the version", "", "GET /  HTTP/1.1\r\nHost: t\r\n\r\n", " HTTP",
                        "request line parts not separated by single spaces"),
                r("tab after the method", "", "GET\t/ HTTP/1.1\r\nHost: t\r\n\r\n", "\t",
                        "request line parts not separated by single spaces"),
                r("tab before the version", "", "GET /\tHTTP/1.1\r\nHost: t\r\n\r\n", "\t",
                        "request line parts not separated by single spaces"),
                r("space before the method", GET, " GET / HTTP/1.1\r\nHost: t\r\n\r\n", " GET",
                        "request line parts not separated by single spaces"),
                r("lowercase protocol name", "", "GET / http/1.1\r\nHost: t\r\n\r\n", "http",
                        "HTTP version in the request line not of the form HTTP/x.y"),
                r("two-digit minor version", "", "GET / HTTP/1.10\r\nHost: t\r\n\r\n", "0\r\n",
                        "HTTP version in the request line not of the form HTTP/x.y"),
                r("a token after the version", "", "GET / HTTP/1.1 x\r\nHost: t\r\n\r\n", " x",
                        "HTTP version in the request line not of the form HTTP/x.y"),
                r("missing version", "", "GET /\r\nHost: t\r\n\r\n", "\r\nHost", "request line without an HTTP version"),
                r("missing version after a space", "", "GET / \r\nHost: t\r\n\r\n", "\r\nHost",
                        "request line without an HTTP version"),
                r("method alone", "", "HELLO\r\n\r\n", "\r\n", "request line without an HTTP version"),
                r("NUL in the target", "", "GET /a\0b HTTP/1.1\r\nHost: t\r\n\r\n", "\0", "invalid character in the request target"),
                r("@ in the method", "", "G@T / HTTP/1.1\r\nHost: t\r\n\r\n", "@", "invalid method in the request line"),
                r("a TLS record", "", "\u0016\u0003\u0001\u0000\u002f", "\u0016", "invalid method in the request line"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passes")
    void passesByteForByteWhereverTheReadsSplit(String name, String input) {
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= bytes.length; split += stride(bytes)) {
            Result r = feed(bytes, split, bytes.length, split % 2 == 1);
            assertThat(r.failures()).as("split at %d", split).isEmpty();
            assertThat(r.forwarded()).as("split at %d", split).isEqualTo(input);
        }
        for (boolean direct : new boolean[] {false, true}) {
            Result oneByOne = feed(bytes, 1, 1, direct);
            assertThat(oneByOne.forwarded()).isEqualTo(input);
            assertThat(oneByOne.failures()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesTheHeadWhereverTheReadsSplit(String name, String before, String bad, String at, String detail) {
        String input = before + bad;
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        int offending = before.length() + bad.indexOf(at);
        for (int split = 0; split <= bytes.length; split += stride(bytes)) {
            Result r = feed(bytes, split, bytes.length, split % 2 == 1);
            // Nothing of the head is held back if an earlier read ended inside it: the decoder
            // cannot complete a head whose offending line it has not seen.
            int sent = offending < split ? before.length() : Math.max(before.length(), split);
            assertThat(r.forwarded()).as("split at %d", split).isEqualTo(input.substring(0, sent));
            assertThat(r.failures()).as("split at %d", split).containsExactly(detail);
        }
        for (boolean direct : new boolean[] {false, true}) {
            Result oneByOne = feed(bytes, 1, 1, direct);
            assertThat(oneByOne.forwarded()).isEqualTo(input.substring(0, offending));
            assertThat(oneByOne.failures()).containsExactly(detail);
        }
    }

    @Test
    void largeBodiesPassUnscannedInTheBuffersTheyCameIn() {
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) "\r\n ".charAt(i % 3);
        }
        int blocks = 256;
        String length = Integer.toString(blocks * block.length);
        String chunkSize = Integer.toHexString(blocks * block.length);
        for (String[] framing : new String[][] {
            {"Content-Length: " + length, "", ""}, {"Transfer-Encoding: chunked", chunkSize + "\r\n", "\r\n0\r\n\r\n"}}) {
            EmbeddedChannel ch = new EmbeddedChannel(new RequestHeadScanner());
            passesAsIs(ch, Unpooled.copiedBuffer("POST /big HTTP/1.1\r\nHost: t\r\n" + framing[0] + "\r\n\r\n" + framing[1],
                    StandardCharsets.ISO_8859_1));
            for (int i = 0; i < blocks; i++) {
                passesAsIs(ch, Unpooled.wrappedBuffer(block));
            }
            passesAsIs(ch, Unpooled.copiedBuffer(framing[2] + GET, StandardCharsets.ISO_8859_1));
            ch.writeInbound(Unpooled.copiedBuffer(FOLDED, StandardCharsets.ISO_8859_1));
            HttpRequest failed = ch.readInbound();
            assertThat(failed.decoderResult().cause()).hasMessage("obsolete line folding in header block");
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void theCodecDecodesTheRequestsBeforeARefusalAndItsHeadQueueStaysInStep() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestHeadScanner(), new HttpServerCodec());
        ch.writeInbound(Unpooled.copiedBuffer("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + FOLDED, StandardCharsets.ISO_8859_1));
        HttpRequest head = ch.readInbound();
        assertThat(head.method()).isEqualTo(HttpMethod.HEAD);
        assertThat(head.decoderResult().isSuccess()).isTrue();
        assertThat((Object) ch.readInbound()).isInstanceOf(LastHttpContent.class);
        HttpRequest failed = ch.readInbound();
        assertThat(failed.decoderResult().cause()).hasMessage("obsolete line folding in header block");
        assertThat((Object) ch.readInbound()).isNull();

        // The answer to HEAD has no body; the 400 after it must keep its body.
        HttpResponse headAnswer = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        headAnswer.headers().set(HttpHeaderNames.CONTENT_LENGTH, 7);
        ch.writeOutbound(headAnswer, LastHttpContent.EMPTY_LAST_CONTENT,
                ErrorResponses.build(ch.alloc(), ProxyError.MALFORMED_REQUEST, "obs-fold", "id-1", true));
        StringBuilder wire = new StringBuilder();
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            wire.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        assertThat(wire.toString()).startsWith("HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\nHTTP/1.1 400 Bad Request\r\n")
                .endsWith("\r\n\r\n400 Bad Request: obs-fold\nrequest-id: id-1\n");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    private static void passesAsIs(EmbeddedChannel ch, ByteBuf buf) {
        ch.writeInbound(buf);
        assertThat((Object) ch.readInbound()).isSameAs(buf);
        buf.release();
    }

    /** Every offset, but in inputs longer than a few heads every 7th (odd and even, so heap and direct) is enough. */
    private static int stride(byte[] bytes) {
        return bytes.length > 1024 ? 7 : 1;
    }

    /** What came out of a scanner: the bytes it passed on, and the reasons of the failures it sent. */
    record Result(String forwarded, List<String> failures) {
    }

    /**
     * Feeds {@code bytes} (first {@code first}, then pieces of {@code rest}) in heap or direct
     * buffers (the scanner reads those two differently), then a valid request that must vanish
     * after a refusal, and checks every input buffer was released or passed on.
     */
    private static Result feed(byte[] bytes, int first, int rest, boolean direct) {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestHeadScanner());
        StringBuilder forwarded = new StringBuilder();
        List<String> failures = new ArrayList<>();
        List<ByteBuf> written = new ArrayList<>();
        int from = 0;
        int piece = first;
        while (from < bytes.length) {
            int n = Math.min(piece, bytes.length - from);
            if (n > 0) {
                ByteBuf buf = direct ? Unpooled.directBuffer(n).writeBytes(bytes, from, n)
                        : Unpooled.copiedBuffer(bytes, from, n);
                written.add(buf);
                ch.writeInbound(buf);
                from += n;
            }
            piece = rest;
        }
        ByteBuf after = Unpooled.copiedBuffer(GET, StandardCharsets.ISO_8859_1);
        written.add(after);
        ch.writeInbound(after);
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            assertThat(failures).as("anything after a refusal").isEmpty();
            if (msg instanceof ByteBuf buf) {
                forwarded.append(buf.toString(StandardCharsets.ISO_8859_1));
                buf.release();
            } else {
                HttpRequest failed = (HttpRequest) msg;
                assertThat(failed.decoderResult().isFailure()).isTrue();
                failures.add(failed.decoderResult().cause().getMessage());
            }
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
        assertThat(written).as("input buffers released").allSatisfy(b -> assertThat(b.refCnt()).isZero());
        String out = forwarded.toString();
        if (failures.isEmpty()) {
            assertThat(out).endsWith(GET);
            out = out.substring(0, out.length() - GET.length());
        }
        return new Result(out, failures);
    }

    private static String post(String body) {
        return "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static Arguments a(String name, String input) {
        return Arguments.of(name, input);
    }

    private static Arguments r(String name, String before, String bad, String at, String detail) {
        return Arguments.of(name, before, bad, at, detail);
    }
}
