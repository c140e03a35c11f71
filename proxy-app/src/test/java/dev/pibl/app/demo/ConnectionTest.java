package dev.pibl.app.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection management over raw sockets: keep-alive, pipelining order, HTTP/1.0, bad requests. */
class ConnectionTest {

    @RegisterExtension
    static final DemoNode node = new DemoNode();

    @Test
    void http11KeepsTheConnectionForManyRequests() {
        try (RawHttp http = node.connect()) {
            for (int i = 0; i < 20; i++) {
                RawHttp.Response response = http.send("GET /add?a=" + i + "&b=1 HTTP/1.1\r\nHost: t\r\n\r\n").read();

                assertThat(response.text()).contains("\"result\":" + (i + 1));
                assertThat(response.header("connection")).isNull();
            }
            assertThat(http.stillOpen()).isTrue();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstIsSlow() {
        try (RawHttp http = node.connect()) {
            http.send("GET /slow?ms=200 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "HEAD /static/1k.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /status/202 HTTP/1.1\r\nHost: t\r\n\r\n");

            assertThat(http.read().text()).isEqualTo("slow 200 ms from node-1\n");
            assertThat(http.read().text()).isEqualTo("Hello from node-1\n");
            assertThat(http.read(true).header("content-length")).isEqualTo("1024");
            assertThat(http.read().text()).isEqualTo("abc");
            assertThat(http.read().status()).isEqualTo(202);
        }
    }

    @Test
    void http10ClosesByDefault() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response response = http.send("GET / HTTP/1.0\r\n\r\n").read();

            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(response.text()).isEqualTo("Hello from node-1\n");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void http10KeepAliveIsHonouredAndAcknowledged() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response first = http.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            RawHttp.Response second = http.send("GET /status/200 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();

            assertThat(first.header("connection")).isEqualTo("keep-alive");
            assertThat(second.status()).isEqualTo(200);
        }
    }

    @Test
    void connectionCloseIsHonouredAfterTheResponse() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response response = http.send("GET /headers HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    + "GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void malformedRequestIs400AndCloses() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response response = http.send("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: twelve\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(response.header("x-backend")).isEqualTo("node-1");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void garbageAfterAGoodRequestGetsTheGoodAnswerThen400() {
        try (RawHttp http = node.connect()) {
            http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\nNOT HTTP AT ALL\r\n\r\n");

            assertThat(http.read().status()).isEqualTo(200);
            assertThat(http.read().status()).isEqualTo(400);
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void oversizedRequestLineIs414AndOversizedHeadersAre431() {
        try (RawHttp http = node.connect()) {
            assertThat(http.send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                    .isEqualTo(414);
        }
        try (RawHttp http = node.connect()) {
            assertThat(http.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n").read().status())
                    .isEqualTo(431);
        }
    }

    @Test
    void brokenChunkFramingClosesTheConnection() {
        try (RawHttp http = node.connect()) {
            http.send("POST /add?a=1&b=2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nZZ\r\n");

            assertThat(http.read().status()).isEqualTo(200);
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void unknownExpectationIs417() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response response = http.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\n"
                    + "Content-Length: 0\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(417);
        }
    }

    @Test
    void absoluteFormTargetsRouteByPath() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response response = http.send("GET http://example.test:1234/sub?a=3&b=1 HTTP/1.1\r\n"
                    + "Host: example.test:1234\r\n\r\n").read();

            assertThat(response.text()).contains("\"result\":2");
        }
    }
}
