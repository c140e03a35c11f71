package dev.pibl.app.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** /static/: sizes and types, validators that agree across nodes, and conditional requests. */
class StaticFilesTest {

    @RegisterExtension
    static final DemoNode node = new DemoNode();

    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ParameterizedTest
    @CsvSource({
            "1k.bin,1024,application/octet-stream",
            "100k.bin,102400,application/octet-stream",
            "1m.bin,1048576,application/octet-stream",
            "index.html,-1,text/html; charset=utf-8",
            "style.css,-1,text/css; charset=utf-8"})
    void servesEachFileWithCacheHeaders(String file, int size, String type) throws Exception {
        HttpResponse<byte[]> response = get("/static/" + file, Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        if (size >= 0) {
            assertThat(response.body()).hasSize(size);
        }
        assertThat(response.headers().firstValue("Content-Length")).hasValue(String.valueOf(response.body().length));
        assertThat(response.headers().firstValue("Content-Type")).hasValue(type);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=60");
        assertThat(response.headers().firstValue("Last-Modified")).hasValue("Wed, 01 Jan 2025 00:00:00 GMT");
        assertThat(response.headers().firstValue("ETag")).get().asString().matches("\"[0-9a-f]{32}\"");
    }

    @Test
    void everyNodeGeneratesTheSameBytesAndETags() {
        DemoContent one = new DemoContent("node-1");
        DemoContent two = new DemoContent("node-2");
        try {
            for (String name : new String[] {"index.html", "style.css", "1k.bin", "100k.bin", "1m.bin"}) {
                assertThat(one.staticFile(name).etag().toString()).isEqualTo(two.staticFile(name).etag().toString());
                assertThat(one.staticFile(name).content()).isEqualTo(two.staticFile(name).content());
            }
        } finally {
            one.release();
            two.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"%s", "W/%s", "\"other\", %s", "\"a\",%s ,\"b\"", "*"})
    void matchingIfNoneMatchIs304WithValidatorsAndNoBody(String pattern) throws Exception {
        String etag = get("/static/1k.bin", Map.of()).headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> response = get("/static/1k.bin", Map.of("If-None-Match", pattern.formatted(etag)));

        assertThat(response.statusCode()).isEqualTo(304);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("ETag")).hasValue(etag);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=60");
        assertThat(response.headers().firstValue("X-Backend")).hasValue("node-1");
    }

    @Test
    void otherETagGetsTheFileEvenIfModifiedSinceWouldMatch() throws Exception {
        // RFC 9110: If-None-Match, when present, decides alone.
        HttpResponse<byte[]> response = get("/static/1k.bin", Map.of("If-None-Match", "\"nope\"",
                "If-Modified-Since", "Wed, 01 Jan 2025 00:00:00 GMT"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(1024);
    }

    @ParameterizedTest
    @CsvSource({
            "'Wed, 01 Jan 2025 00:00:00 GMT',304",
            "'Thu, 02 Jan 2025 00:00:00 GMT',304",
            "'Tue, 31 Dec 2024 23:59:59 GMT',200",
            "'not a date',200"})
    void ifModifiedSinceComparesWithTheFixedDate(String since, int expected) throws Exception {
        assertThat(get("/static/style.css", Map.of("If-Modified-Since", since)).statusCode()).isEqualTo(expected);
    }

    @Test
    void headHasTheGetHeadersAndNoBody() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response head = http.send("HEAD /static/100k.bin HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            RawHttp.Response next = http.send("GET /static/1k.bin HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(head.header("content-length")).isEqualTo("102400");
            assertThat(head.header("etag")).isNotNull();
            assertThat(next.body()).hasSize(1024);
        }
    }

    @Test
    void unknownFileIs404AndPostIs405() throws Exception {
        assertThat(get("/static/missing.txt", Map.of()).statusCode()).isEqualTo(404);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(node.uri("/static/1k.bin"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    private static HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.uri(path));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
