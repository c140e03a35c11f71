package dev.pibl.app.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** /bytes streams any length with the right framing; /slow waits on the event loop's timer, not a thread. */
class BytesAndSlowTest {

    @RegisterExtension
    static final DemoNode node = new DemoNode();

    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void sixtyFourMebibytesArriveAsThePatternWithContentLength() throws Exception {
        long n = 64L << 20;
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(node.uri("/bytes?n=" + n)).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        PatternSink sink = new PatternSink();
        try (InputStream body = response.body()) {
            body.transferTo(sink);
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue(Long.toString(n));
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        sink.assertPatternOf(n);
    }

    @Test
    void chunkedVariantUsesTransferEncodingAndLeavesTheConnectionUsable() {
        try (RawHttp http = node.connect()) {
            PatternSink sink = new PatternSink();
            RawHttp.Response response = http.send("GET /bytes?n=3000001&chunked=1 HTTP/1.1\r\nHost: t\r\n\r\n")
                    .read(false, sink);
            RawHttp.Response next = http.send("GET /bytes?n=0 HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(response.header("content-length")).isNull();
            sink.assertPatternOf(3_000_001);
            assertThat(next.header("content-length")).isEqualTo("0");
            assertThat(next.body()).isEmpty();
        }
    }

    @Test
    void chunkedForHttp10EndsTheBodyByClosing() {
        try (RawHttp http = node.connect()) {
            PatternSink sink = new PatternSink();
            RawHttp.Response response = http.send("GET /bytes?n=100000&chunked=1 HTTP/1.0\r\n\r\n").read(false, sink);

            assertThat(response.header("transfer-encoding")).isNull();
            assertThat(response.header("connection")).isEqualTo("close");
            sink.assertPatternOf(100_000);
        }
    }

    @Test
    void headDeclaresTheLengthWithoutSendingIt() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response head = http.send("HEAD /bytes?n=8589934592 HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            RawHttp.Response next = http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(head.header("content-length")).isEqualTo("8589934592");
            assertThat(next.text()).isEqualTo("Hello from node-1\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "?n=", "?n=-1", "?n=8589934593", "?n=12abc", "?n=1&chunked=maybe"})
    void badLengthIs400(String query) throws Exception {
        HttpResponse<String> response = get("/bytes" + query);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("X-Backend")).hasValue("node-1");
    }

    @Test
    void slowAnswersAfterTheDelay() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get("/slow?ms=300");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.body()).isEqualTo("slow 300 ms from node-1\n");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aSlowRequestDoesNotHoldUpOtherConnectionsOnTheSameEventLoop() {
        // The node has a single event loop: a sleeping thread would stall the fast request too.
        try (RawHttp slow = node.connect(); RawHttp http = node.connect()) {
            slow.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: t\r\n\r\n");
            http.send("GET /slow?ms=0 HTTP/1.1\r\nHost: t\r\n\r\n").read();
            long start = System.nanoTime();
            RawHttp.Response fast = http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(fast.status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
            assertThat(slow.read().text()).isEqualTo("slow 1500 ms from node-1\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "?ms=-5", "?ms=60001", "?ms=soon"})
    void badDelayIs400(String query) throws Exception {
        assertThat(get("/slow" + query).statusCode()).isEqualTo(400);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(node.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
