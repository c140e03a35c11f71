package dev.pibl.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.pibl.testing.RecordingBackend;
import dev.pibl.testing.RecordingBackend.Received;
import dev.pibl.testing.RecordingBackend.Request;
import dev.pibl.testing.TestProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exact hostile bytes against PIBL in front of a backend that records the raw bytes it gets
 * (RFC 9112 §2-7, RFC 9110 §5, §7). Each case says what the client must see (a status, or the
 * connection closing) and what may reach the backend. One proxy and one backend serve the whole
 * table; every case uses a fresh client connection, and is followed by a sentinel request on
 * another fresh connection, which proves PIBL still serves and marks the end of what the case
 * could have sent to the backend.
 *
 * <p>Two levels of "nothing forwarded". A request rejected on its head, or whose malformed chunk
 * arrives in the same write as its head, must send the backend no byte at all. A request whose
 * body goes wrong later (over the limit while streaming, stalled, cut short) may already have had
 * its head streamed to the backend, because PIBL does not buffer bodies (DESIGN.md); for those
 * the rule is that the backend never receives a complete request and that the backend connection
 * holding the partial one is closed, never reused: a reused one would let the next request's bytes
 * complete it (smuggling). That last rule is checked after every case.
 *
 * <p>A case may pipeline valid requests ahead of the hostile one: those must be answered 200 and
 * reach the backend whole, and not one byte of the hostile request may follow them.
 */
class HostileInputTest {

    private static final String SENTINEL = "GET /__sentinel HTTP/1.1\r\nHost: sentinel\r\n\r\n";
    private static final int MAX_BODY = 4096;
    private static final Duration CLIENT_BODY_TIMEOUT = Duration.ofSeconds(1);

    private static RecordingBackend backend;
    private static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = new RecordingBackend();
        // One try: a case must show exactly what one attempt sends. Short client timeouts, so the
        // stalled and non-HTTP cases end well within the client's read timeout.
        proxy = TestProxy.builder().backend("recorder", backend.port(), 1).maxTries(1).maxBody(MAX_BODY)
                .clientHeaderTimeout(Duration.ofSeconds(2)).clientBodyTimeout(CLIENT_BODY_TIMEOUT).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"cases", "repairedByTheCodec"})
    void hostileInput(Case c) throws Exception {
        run(c);
    }

    // ------------------------------------------------------------------------------------------ the tables

    static Stream<Case> cases() {
        String chunkedPost = "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        String chunkedBody = "5\r\nhello\r\n0\r\n\r\n";
        return Stream.of(
                // Message framing (RFC 9112 §6): only a single final "chunked" or one Content-Length.
                c("CL differing in two fields", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                        rejected(400)),
                c("CL differing in one list", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 6\r\n\r\nhello!", rejected(400)),
                c("CL and TE together", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunkedBody, rejected(400)),
                c("TE and CL together", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                        + chunkedBody, rejected(400)),
                c("CL and TE, CL in a different case", "POST / HTTP/1.1\r\nHost: t\r\ncontent-LENGTH: 5\r\n"
                        + "transfer-encoding: chunked\r\n\r\n" + chunkedBody, rejected(400)),
                // RFC 9110 §8.6 lets a recipient either reject "5, 5" or take it as 5.
                c("CL repeated with one value", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
                        anyOf(rejected(400), forwarded(r -> assertBody(r, "Content-Length: 5\r\n", "hello")))),
                c("CL negative", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", rejected(400)),
                c("CL not a number", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5a\r\n\r\nhello", rejected(400)),
                c("CL with a plus sign", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nhello", rejected(400)),
                c("CL past 2^63", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999\r\n\r\nhello",
                        rejected(400, 413)),
                c("CL over the body limit", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n",
                        rejected(413)),
                c("TE xchunked", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        rejected(400, 501)),
                c("TE chunkedx", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunkedx\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        rejected(400, 501)),
                c("TE chunked, identity", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                        + chunkedBody, rejected(400, 501)),
                c("TE chunked twice", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunkedBody, rejected(400)),
                c("TE chunked, chunked", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
                        + chunkedBody, rejected(400)),
                c("TE empty", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: \r\n\r\n" + chunkedBody, rejected(400)),
                c("TE with a vertical tab", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: \u000bchunked\r\n\r\n"
                        + chunkedBody, rejected(400)),
                // RFC 9112 §6.1: TE in HTTP/1.0 means faulty framing.
                c("TE in an HTTP/1.0 request", "POST / HTTP/1.0\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunkedBody, rejected(400)),
                c("TE with space before the colon",
                        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", rejected(400)),
                // Transfer coding names are case-insensitive (RFC 9112 §7), OWS around a value is allowed.
                c("TE Chunked", "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        forwarded(r -> assertChunked(r, "hello"))),
                c("TE CHUNKED", "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        forwarded(r -> assertChunked(r, "hello"))),
                c("TE with OWS around the value",
                        "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: \t chunked \t\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        forwarded(r -> assertChunked(r, "hello"))),
                c("TE chunked body with an extension",
                        chunkedPost + "5;name=value\r\nhello\r\n6;quoted=\"a b\"\r\n world\r\n0\r\n\r\n",
                        forwarded(r -> assertChunked(r, "hello world"))),
                c("TE chunked body with a trailer", chunkedPost + "5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n",
                        forwarded(r -> assertChunked(r, "hello"))),
                c("TE chunked and Connection naming it", "POST /c HTTP/1.1\r\nHost: t\r\nConnection: Transfer-Encoding\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", forwarded(r -> assertChunked(r, "hello"))),
                // Chunked bodies: the bad chunk arrives with the head, so nothing at all may go ahead.
                c("chunk size zz", chunkedPost + "zz\r\nhello\r\n0\r\n\r\n", rejected(400)),
                c("chunk size -1", chunkedPost + "-1\r\nhello\r\n0\r\n\r\n", rejected(400)),
                c("chunk size past 2^64", chunkedPost + "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n", rejected(400, 413)),
                c("chunk size 0x5", chunkedPost + "0x5\r\nhello\r\n0\r\n\r\n", rejected(400)),
                c("chunk size empty", chunkedPost + "\r\nhello\r\n0\r\n\r\n", rejected(400)),
                c("chunk over the body limit", chunkedPost + "1001\r\n" + "x".repeat(0x1001) + "\r\n0\r\n\r\n", cutShort(413)),
                c("chunk data longer than its size", chunkedPost + "3\r\nhello\r\n0\r\n\r\n", rejected(400)),
                c("chunk extension name not a token", chunkedPost + "5;a@b\r\nhello\r\n0\r\n\r\n", rejected(400)),
                c("chunk extension with a NUL", chunkedPost + "5;\0\r\nhello\r\n0\r\n\r\n", rejected(400)),
                c("chunk extension with a bare LF", chunkedPost + "5;a\nhello\r\n0\r\n\r\n", rejected(400)),
                // Header field syntax (RFC 9112 §5, RFC 9110 §5.5).
                c("space between name and colon", "GET / HTTP/1.1\r\nHost : t\r\n\r\n", rejected(400)),
                c("tab between name and colon", "GET / HTTP/1.1\r\nHost: t\r\nX-A\t: 1\r\n\r\n", rejected(400)),
                c("space inside a name", "GET / HTTP/1.1\r\nHost: t\r\nHo st: x\r\n\r\n", rejected(400)),
                c("NUL in a name", "GET / HTTP/1.1\r\nHost\0: t\r\n\r\n", rejected(400)),
                c("parentheses in a name", "GET / HTTP/1.1\r\nHost: t\r\nX-A(b): 1\r\n\r\n", rejected(400)),
                c("empty name", "GET / HTTP/1.1\r\nHost: t\r\n: 1\r\n\r\n", rejected(400)),
                c("non-ASCII name", "GET / HTTP/1.1\r\nHost: t\r\nX-\u00c4: 1\r\n\r\n", rejected(400)),
                c("NUL in a value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n", rejected(400)),
                c("bare CR in a value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", rejected(400)),
                c("bare LF in a value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\nb\r\n\r\n", rejected(400)),
                // RFC 9112 §2.2: whitespace between the start line and the first field: reject, or ignore those lines.
                c("whitespace line before the first field", "GET / HTTP/1.1\r\n X-A: 1\r\nHost: t\r\n\r\n", rejected(400)),
                c("control character in a value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\u0001b\r\n\r\n", rejected(400)),
                c("obs-text in a value passes byte for byte", "GET /o HTTP/1.1\r\nHost: t\r\nX-A: caf\u00e9\r\n\r\n",
                        forwarded(r -> assertThat(r.head()).contains("\r\nX-A: caf\u00e9\r\n"))),
                // Host (RFC 9110 §7.2, RFC 9112 §3.2).
                c("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", rejected(400)),
                c("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", rejected(400)),
                c("HTTP/1.0 without Host", "GET /ten HTTP/1.0\r\n\r\n", forwarded(r -> {
                    assertThat(r.requestLine()).isEqualTo("GET /ten HTTP/1.1");
                    assertThat(fields(r, "Host")).singleElement().isEqualTo("127.0.0.1:" + backend.port());
                })),
                c("HTTP/1.0 with Host", "GET /ten HTTP/1.0\r\nHost: t\r\n\r\n", forwarded(r -> {
                    assertThat(r.requestLine()).isEqualTo("GET /ten HTTP/1.1");
                    assertThat(fields(r, "Host")).containsExactly("t");
                    assertThat(fields(r, "Via")).containsExactly("1.0 pibl");
                })),
                // Request line (RFC 9112 §3).
                c("method with a space", "GE T / HTTP/1.1\r\nHost: t\r\n\r\n", rejected(400)),
                c("method with an @", "G@T / HTTP/1.1\r\nHost: t\r\n\r\n", rejected(400)),
                c("method with a NUL", "G\0T / HTTP/1.1\r\nHost: t\r\n\r\n", rejected(400)),
                c("lowercase method passes as is", "get /m HTTP/1.1\r\nHost: t\r\n\r\n",
                        forwarded(r -> assertThat(r.requestLine()).isEqualTo("get /m HTTP/1.1"))),
                c("extension method passes as is", "PURGE /m HTTP/1.1\r\nHost: t\r\n\r\n",
                        forwarded(r -> assertThat(r.requestLine()).isEqualTo("PURGE /m HTTP/1.1"))),
                c("extra token after the version", "GET / HTTP/1.1 extra\r\nHost: t\r\n\r\n", rejected(400)),
                c("no version", "GET /\r\nHost: t\r\n\r\n", rejected(400)),
                c("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", rejected(501)),
                // Netty reads 8 undeclared body bytes after such a GET: they must never reach a backend.
                c("hixie-76 WebSocket keys smuggle 8 bytes", "GET /ws HTTP/1.1\r\nHost: t\r\nSec-WebSocket-Key1: 1\r\n"
                        + "Sec-WebSocket-Key2: 2\r\n\r\nGET /x?a", rejected(400)),
                c("unknown expectation", "POST / HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\nhello",
                        rejected(417)),
                c("OPTIONS * passes as is", "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n",
                        forwarded(r -> assertThat(r.requestLine()).isEqualTo("OPTIONS * HTTP/1.1"))),
                // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
                c("empty line before the request line", "\r\nGET /e HTTP/1.1\r\nHost: t\r\n\r\n",
                        forwarded(r -> assertThat(r.requestLine()).isEqualTo("GET /e HTTP/1.1"))),
                // RFC 9112 §2.2: a recipient MAY take a bare LF as a line end; then it forwards CRLF.
                c("bare LF line ends", "GET /lf HTTP/1.1\nHost: t\n\n",
                        anyOf(rejected(400), forwarded(r -> assertThat(r.requestLine()).isEqualTo("GET /lf HTTP/1.1")))),
                // Limits.
                c("request line over the limit", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", rejected(414)),
                c("header block over the limit", "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(17_000) + "\r\n\r\n",
                        rejected(431)),
                c("101 header fields", "GET / HTTP/1.1\r\nHost: t\r\n" + manyFields(100) + "\r\n", rejected(431)),
                c("100 header fields", "GET /100 HTTP/1.1\r\nHost: t\r\n" + manyFields(99) + "\r\n",
                        forwarded(r -> assertThat(fields(r, "X-F-98")).containsExactly("v"))),
                // Bodies cut short: the backend must not get a complete request, nor keep the partial one open.
                c("CL body short, then the client half-closes",
                        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc", true, cutShortOrClosed(400)),
                c("CL body short, then the client stalls", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc",
                        cutShort(408)),
                c("chunked body stops mid-chunk, then the client stalls", chunkedPost + "a\r\nabc", cutShort(408)),
                c("chunked body without its last chunk, then the client half-closes", chunkedPost + "3\r\nabc\r\n", true,
                        cutShortOrClosed(400)),
                // What a valid request looks like at the backend: one framing, no hop-by-hop fields.
                c("GET reaches the backend exactly", "GET /x?q=1 HTTP/1.1\r\nHost: t\r\nAccept: */*\r\n\r\n",
                        forwarded(r -> assertThat(masked(r.raw())).isEqualTo("GET /x?q=1 HTTP/1.1\r\nHost: t\r\nAccept: */*\r\n"
                                + "x-request-id: *\r\nx-forwarded-for: 127.0.0.1\r\nx-forwarded-proto: http\r\n"
                                + "x-forwarded-host: t\r\nvia: 1.1 pibl\r\n\r\n"))),
                c("POST with CL reaches the backend exactly", "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
                        forwarded(r -> assertThat(masked(r.raw())).isEqualTo("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                                + "x-request-id: *\r\nx-forwarded-for: 127.0.0.1\r\nx-forwarded-proto: http\r\n"
                                + "x-forwarded-host: t\r\nvia: 1.1 pibl\r\n\r\nhello"))),
                c("POST chunked reaches the backend chunked", chunkedPost + "5\r\nhello\r\n0\r\n\r\n",
                        forwarded(r -> assertChunked(r, "hello"))),
                c("hop-by-hop fields are removed", "GET /h HTTP/1.1\r\nHost: t\r\nConnection: keep-alive, X-Secret\r\n"
                        + "X-Secret: s\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nTrailer: X-T\r\nUpgrade: websocket\r\n"
                        + "Proxy-Authorization: Basic abc\r\nProxy-Foo: 1\r\nX-Kept: k\r\n\r\n",
                        forwarded(r -> {
                            assertThat(fields(r, "X-Secret")).isEmpty();
                            assertThat(fields(r, "X-Kept")).containsExactly("k");
                        })),
                c("Connection naming Content-Length keeps it", "POST /p HTTP/1.1\r\nHost: t\r\nConnection: Content-Length\r\n"
                        + "Content-Length: 5\r\n\r\nhello", forwarded(r -> assertBody(r, "Content-Length: 5\r\n", "hello"))),
                // No trusted proxies configured: what the client claims is replaced, not extended.
                c("X-Forwarded-For from an untrusted client is replaced by the client",
                        "GET / HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n",
                        forwarded(r -> assertThat(fields(r, "X-Forwarded-For")).containsExactly("127.0.0.1"))),
                // Not HTTP/1 at all: an answer or a close, quickly, and nothing forwarded.
                c("SSH banner", "SSH-2.0-OpenSSH_9.6\r\n\r\n", rejectedOrClosed(400)),
                c("binary garbage", "\u0000\u0001\u0002\u00ff\u00fe\r\n\r\n", rejectedOrClosed(400)),
                c("TLS ClientHello", tlsClientHello(), rejectedOrClosed(400, 408)),
                // RFC 9112 §6.1: a coding PIBL does not handle gets 501; it re-frames bodies per hop.
                c("TE identity, chunked", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity, chunked\r\n\r\n"
                        + chunkedBody, rejected(400, 501)),
                c("TE gzip, chunked", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                        + chunkedBody, rejected(501)),
                // A line folded onto Host turns the Host value invalid: 400, and the chunked body never
                // becomes a second request.
                c("TE as a line folded onto Host", "POST / HTTP/1.1\r\nHost: t\r\n Transfer-Encoding: chunked\r\n\r\n"
                        + chunkedBody, rejected(400)),
                c("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", rejected(400)),
                c("Host with userinfo", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", rejected(400)),
                c("target without a leading slash", "GET x HTTP/1.1\r\nHost: t\r\n\r\n", rejected(400)),
                c("asterisk target for GET", "GET * HTTP/1.1\r\nHost: t\r\n\r\n", rejected(400)),
                c("NUL in the target", "GET /a\0b HTTP/1.1\r\nHost: t\r\n\r\n", rejected(400)),
                c("HTTP/2.0 on an HTTP/1 connection", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", rejected(505)),
                c("HTTP/9.9", "GET / HTTP/9.9\r\nHost: t\r\n\r\n", rejected(505)),
                c("HTTP/2 connection preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", rejectedOrClosed(400, 505)),
                // RFC 9112 §3.2.2: absolute-form goes to an origin in origin-form, with the target's authority as Host.
                c("absolute-form target", "GET http://example.com/x?q=1 HTTP/1.1\r\nHost: other\r\n\r\n", forwarded(r -> {
                    assertThat(r.requestLine()).isEqualTo("GET /x?q=1 HTTP/1.1");
                    assertThat(fields(r, "Host")).containsExactly("example.com");
                })),
                c("absolute-form target without a path", "GET HTTP://example.com:8080 HTTP/1.1\r\nHost: other\r\n\r\n",
                        forwarded(r -> {
                            assertThat(r.requestLine()).isEqualTo("GET / HTTP/1.1");
                            assertThat(fields(r, "Host")).containsExactly("example.com:8080");
                        })));
    }

    /**
     * What the codec would repair and PIBL refuses instead (RequestHeadScanner, before the codec):
     * obs-fold, which RFC 9112 §5.2 lets a server either refuse or replace by spaces (the issue asks
     * for refusal, as nginx does), and request lines that are not exactly {@code method SP target SP
     * HTTP/x.y} (§3). Several follow valid requests on the same connection, which must go through.
     */
    static Stream<Case> repairedByTheCodec() {
        String folded = "GET /f HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  folded\r\n\r\n";
        String bodyLikeAFold = "x\r\n folded\r\n\r\n";
        String postLikeAFold = "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: " + bodyLikeAFold.length() + "\r\n\r\n"
                + bodyLikeAFold;
        String obsFold = "obsolete line folding in header block";
        return Stream.of(
                c("obs-fold with a space", "GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  folded\r\n\r\n", rejectedBecause(obsFold)),
                c("obs-fold with a tab", "GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n\tfolded\r\n\r\n", rejectedBecause(obsFold)),
                c("obs-fold onto Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length:\r\n 5\r\n\r\nhello",
                        rejectedBecause(obsFold)),
                c("obs-fold after bare LF", "GET / HTTP/1.1\nHost: t\nX-A: 1\n folded\n\n", rejected(400)),
                c("double space before the target", "GET  / HTTP/1.1\r\nHost: t\r\n\r\n",
                        rejectedBecause("request line parts not separated by single spaces")),
                c("double space before the version", "GET /  HTTP/1.1\r\nHost: t\r\n\r\n",
                        rejectedBecause("request line parts not separated by single spaces")),
                c("tab between method and target", "GET\t/ HTTP/1.1\r\nHost: t\r\n\r\n",
                        rejectedBecause("request line parts not separated by single spaces")),
                c("space before the method", "\r\n GET / HTTP/1.1\r\nHost: t\r\n\r\n",
                        rejectedBecause("request line parts not separated by single spaces")),
                // RFC 9112 §2.3: HTTP-name is case-sensitive "HTTP"; the decoder upper-cases it.
                c("lowercase protocol name", "GET / http/1.1\r\nHost: t\r\n\r\n",
                        rejectedBecause("HTTP version in the request line not of the form HTTP/x.y")),
                c("two-digit minor version", "GET / HTTP/1.10\r\nHost: t\r\n\r\n", rejected(400)),
                c("a body holding CRLF SP is not a fold", postLikeAFold,
                        forwarded(r -> assertBody(r, "Content-Length: " + bodyLikeAFold.length() + "\r\n", bodyLikeAFold))),
                pipelined("obs-fold after a pipelined GET", "GET /first HTTP/1.1\r\nHost: t\r\n\r\n" + folded,
                        afterForwarded(List.of("GET /first HTTP/1.1"), obsFold)),
                pipelined("obs-fold after a POST whose body looks folded", postLikeAFold + folded,
                        afterForwarded(List.of("POST /p HTTP/1.1"), obsFold)),
                pipelined("obs-fold after a chunked POST with a trailer and a HEAD", "POST /c HTTP/1.1\r\nHost: t\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3;x=y\r\n\r\n \r\n0\r\nX-T: 1\r\n\r\n"
                        + "HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + folded,
                        afterForwarded(List.of("POST /c HTTP/1.1", "HEAD /h HTTP/1.1"), obsFold)),
                pipelined("double space after a pipelined GET", "GET /first HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "GET  /second HTTP/1.1\r\nHost: t\r\n\r\n",
                        afterForwarded(List.of("GET /first HTTP/1.1"), "request line parts not separated by single spaces")));
    }

    // ------------------------------------------------------------------------------------------ one case

    /**
     * A case: exact bytes to send, whether to half-close after them, the request lines of the
     * requests pipelined ahead of the one under test (their answers come first), and what must follow.
     */
    record Case(String name, byte[] bytes, boolean halfClose, List<String> ahead, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * What happened: the statuses of the answers to requests pipelined ahead, the status PIBL
     * answered the case with (null: it closed without one), and what the backend got.
     */
    record Outcome(List<Integer> ahead, Integer status, boolean closedAfter, String response, Received backend) {
    }

    @FunctionalInterface
    interface Expect {
        void check(Outcome o);
    }

    private static void run(Case c) throws Exception {
        Outcome o = exchange(c);
        try {
            c.expect().check(o);
        } catch (AssertionError e) {
            fail(c.name() + ": PIBL answered " + (o.ahead().isEmpty() ? "" : o.ahead() + " then ")
                    + (o.status() == null ? "nothing" : o.status())
                    + (o.closedAfter() ? " and closed" : " and kept the connection") + "; the backend got "
                    + o.backend().requests().size() + " complete request(s) and these bytes:\n"
                    + printable(String.join("\n---\n", o.backend().raw())) + "\n" + e.getMessage(), e);
        }
    }

    private static Outcome exchange(Case c) throws Exception {
        List<Integer> ahead = new ArrayList<>();
        Integer status;
        boolean closedAfter;
        String response;
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(5000);
            try {
                s.getOutputStream().write(c.bytes());
                s.getOutputStream().flush();
                if (c.halfClose()) {
                    s.shutdownOutput();
                }
            } catch (SocketException e) {
                // PIBL closed while the bytes were going out; what it answered is still readable, or not.
            }
            InputStream in = s.getInputStream();
            for (String requestLine : c.ahead()) {
                String earlier = readResponse(in, requestLine.startsWith("HEAD "));
                ahead.add(earlier == null ? null : Integer.valueOf(earlier.substring(9, 12)));
            }
            response = readResponse(in, false);
            status = response == null ? null : Integer.valueOf(response.substring(9, 12));
            // An error answer must end the connection; a 2xx one leaves it open for the next request.
            closedAfter = response == null || (status >= 400 && endOfStream(in));
        }
        // The sentinel is answered only once PIBL's earlier work is done; its own bytes are then removed.
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(SENTINEL.getBytes(StandardCharsets.ISO_8859_1));
            String answer = readResponse(s.getInputStream(), false);
            assertThat(answer).as("PIBL still answers the sentinel after " + c.name()).startsWith("HTTP/1.1 200 ");
        }
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> !backend.openMidRequest());
        Received got = backend.drain();
        List<Request> requests = got.requests().stream()
                .filter(r -> !r.requestLine().startsWith("GET /__sentinel ")).toList();
        Request sentinel = got.requests().stream().filter(r -> r.requestLine().startsWith("GET /__sentinel "))
                .findFirst().orElseThrow(() -> new AssertionError("the sentinel did not reach the backend"));
        List<String> raw = got.raw().stream().map(b -> b.replace(sentinel.raw(), "")).filter(b -> !b.isEmpty()).toList();
        return new Outcome(ahead, status, closedAfter, response, new Received(requests, raw));
    }

    /**
     * One response (head and a Content-Length body, none to HEAD), or null if the connection ended
     * before a byte of one.
     */
    private static String readResponse(InputStream in, boolean toHead) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer and no close within 5 s: PIBL hangs on this input", e);
        } catch (SocketException e) {
            // reset: the same as a close for what the client can tell
        }
        if (head.size() == 0) {
            return null;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        assertThat(text).as("a status line").matches("(?s)HTTP/1\\.1 [1-5]\\d\\d [^\r\n]*\r\n.*\r\n\r\n");
        int length = 0;
        for (String line : toHead ? new String[0] : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static boolean endOfStream(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    // ------------------------------------------------------------------------------------------ expectations

    /** Answered with one of {@code statuses}, connection closed, and not one byte reached the backend. */
    static Expect rejected(int... statuses) {
        return o -> {
            assertThat(o.status()).as("status").isNotNull().isIn(boxed(statuses));
            assertThat(o.closedAfter()).as("PIBL closed the connection after its answer").isTrue();
            assertThat(o.backend().raw()).as("bytes that reached the backend").isEmpty();
        };
    }

    /** {@link #rejected} with 400, and the answer's body names what was wrong. */
    static Expect rejectedBecause(String detail) {
        return o -> {
            rejected(400).check(o);
            assertThat(o.response()).as("answer").contains("\r\n\r\n400 Bad Request: " + detail + "\n");
        };
    }

    /**
     * The requests pipelined ahead answered 200 and forwarded whole, in order, with the request
     * lines {@code ahead}; then 400 naming {@code detail}, a close, and no byte of the refused
     * request at the backend.
     */
    static AheadThenAnswer afterForwarded(List<String> ahead, String detail) {
        return new AheadThenAnswer(ahead, o -> {
            assertThat(o.ahead()).as("answers to the requests ahead").hasSize(ahead.size()).containsOnly(200);
            assertThat(o.status()).as("status").isEqualTo(400);
            assertThat(o.response()).as("answer").contains("\r\n\r\n400 Bad Request: " + detail + "\n");
            assertThat(o.closedAfter()).as("PIBL closed the connection after its answer").isTrue();
            assertThat(o.backend().requests()).extracting(Request::requestLine).containsExactlyElementsOf(ahead);
            int whole = o.backend().requests().stream().mapToInt(r -> r.raw().length()).sum();
            assertThat(String.join("", o.backend().raw())).as("bytes that reached the backend").hasSize(whole);
        });
    }

    /** An expectation for a pipelined case, with the request lines of the requests ahead. */
    record AheadThenAnswer(List<String> ahead, Expect expect) implements Expect {
        @Override
        public void check(Outcome o) {
            expect.check(o);
        }
    }

    /** Like {@link #rejected} but closing without an answer is fine too (input that is not HTTP/1 at all). */
    static Expect rejectedOrClosed(int... statuses) {
        return o -> {
            if (o.status() != null) {
                assertThat(o.status()).as("status").isIn(boxed(statuses));
            }
            assertThat(o.closedAfter()).as("PIBL closed the connection").isTrue();
            assertThat(o.backend().raw()).as("bytes that reached the backend").isEmpty();
        };
    }

    /**
     * Answered with one of {@code statuses} and closed; the backend may have got the head of the
     * request (bodies stream) but never a complete request, and the connection it got a part on
     * was closed (checked before the outcome is built).
     */
    static Expect cutShort(int... statuses) {
        return o -> {
            assertThat(o.status()).as("status").isNotNull().isIn(boxed(statuses));
            assertThat(o.closedAfter()).as("PIBL closed the connection after its answer").isTrue();
            assertThat(o.backend().requests()).as("complete requests that reached the backend").isEmpty();
        };
    }

    /** {@link #cutShort}, but the client closed first, so PIBL may have had nobody to answer. */
    static Expect cutShortOrClosed(int... statuses) {
        return o -> {
            if (o.status() != null) {
                assertThat(o.status()).as("status").isIn(boxed(statuses));
            }
            assertThat(o.closedAfter()).as("PIBL closed the connection").isTrue();
            assertThat(o.backend().requests()).as("complete requests that reached the backend").isEmpty();
        };
    }

    /**
     * Answered 200 and exactly one request reached the backend, normalised: HTTP/1.1, one Host, at
     * most one framing, no hop-by-hop fields, X-Forwarded-For ending with the client; then
     * {@code more} checks the rest.
     */
    static Expect forwarded(Consumer<Request> more) {
        return o -> {
            assertThat(o.status()).as("status").isEqualTo(200);
            assertThat(o.backend().requests()).as("complete requests that reached the backend").hasSize(1);
            assertThat(o.backend().raw()).as("bytes that reached the backend")
                    .containsExactly(o.backend().requests().get(0).raw());
            Request r = o.backend().requests().get(0);
            assertThat(r.requestLine()).endsWith(" HTTP/1.1");
            assertThat(fields(r, "Host")).hasSize(1);
            int framings = fields(r, "Content-Length").size() + fields(r, "Transfer-Encoding").size();
            assertThat(framings).as("Content-Length and Transfer-Encoding fields").isLessThanOrEqualTo(1);
            for (String hop : List.of("Connection", "Keep-Alive", "TE", "Trailer", "Upgrade", "Proxy-Authorization",
                    "Proxy-Foo", "Expect")) {
                assertThat(fields(r, hop)).as(hop).isEmpty();
            }
            assertThat(fields(r, "X-Forwarded-For")).singleElement().asString().endsWith("127.0.0.1");
            more.accept(r);
        };
    }

    /** Passes if any of {@code options} does. */
    static Expect anyOf(Expect... options) {
        return o -> {
            List<String> failures = new ArrayList<>();
            for (Expect e : options) {
                try {
                    e.check(o);
                    return;
                } catch (AssertionError failure) {
                    failures.add(failure.getMessage());
                }
            }
            throw new AssertionError("none of the acceptable outcomes: " + failures);
        };
    }

    static void assertChunked(Request r, String body) {
        assertThat(fields(r, "Transfer-Encoding")).containsExactly("chunked");
        assertThat(fields(r, "Content-Length")).isEmpty();
        assertThat(r.body()).isEqualTo(body);
    }

    static void assertBody(Request r, String lengthField, String body) {
        assertThat(r.head()).contains("\r\n" + lengthField);
        assertThat(fields(r, "Content-Length")).hasSize(1);
        assertThat(r.rawBody()).isEqualTo(body);
    }

    /** The values of the fields named {@code name} (any case), in order. */
    static List<String> fields(Request r, String name) {
        return Arrays.stream(r.head().split("\r\n")).skip(1).filter(l -> l.indexOf(':') > 0)
                .filter(l -> l.substring(0, l.indexOf(':')).equalsIgnoreCase(name))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).toList();
    }

    static String masked(String raw) {
        return raw.replaceAll("x-request-id: [0-9a-f]+", "x-request-id: *");
    }

    // ------------------------------------------------------------------------------------------ inputs

    static Case c(String name, String request, Expect expect) {
        return c(name, request, false, expect);
    }

    static Case c(String name, String request, boolean halfClose, Expect expect) {
        return new Case(name, request.getBytes(StandardCharsets.ISO_8859_1), halfClose, List.of(), expect);
    }

    /** A case whose bytes hold {@code ahead.size()} valid requests before the one under test. */
    static Case pipelined(String name, String requests, AheadThenAnswer expect) {
        return new Case(name, requests.getBytes(StandardCharsets.ISO_8859_1), false, expect.ahead(), expect);
    }

    private static String manyFields(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("X-F-").append(i).append(": v\r\n");
        }
        return b.toString();
    }

    /** A minimal TLS 1.2 ClientHello record: 0x16 0x03 0x01, no byte of it a line feed. */
    private static String tlsClientHello() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03});
        for (int i = 0; i < 32; i++) {
            b.write(0x11);
        }
        b.writeBytes(new byte[] {0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00, 0x00, 0x00});
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Raw bytes for a failure message: line ends kept, other control and non-ASCII bytes as \\xNN. */
    private static String printable(String raw) {
        StringBuilder b = new StringBuilder();
        for (char ch : raw.toCharArray()) {
            if (ch == '\r' || ch >= 0x20 && ch < 0x7f) {
                b.append(ch == '\r' ? "\\r" : String.valueOf(ch));
            } else if (ch == '\n') {
                b.append("\\n\n");
            } else {
                b.append(String.format("\\x%02x", (int) ch));
            }
        }
        return b.toString();
    }

    private static Integer[] boxed(int[] statuses) {
        return Arrays.stream(statuses).boxed().toArray(Integer[]::new);
    }
}
