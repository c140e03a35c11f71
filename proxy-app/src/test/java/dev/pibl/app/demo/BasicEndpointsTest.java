package dev.pibl.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The small endpoints: /, unknown paths, /status/N, /headers, and HEAD on them. */
class BasicEndpointsTest {

    @RegisterExtension
    static final DemoNode node = new DemoNode();

    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void rootNamesTheNodeWithTheUsualHeaders() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello from node-1\n");
        assertThat(response.headers().firstValue("X-Backend")).hasValue("node-1");
        assertThat(response.headers().firstValue("Server")).hasValue("pibl-demo");
        assertThat(response.headers().firstValue("Date")).get().asString().endsWith(" GMT");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(response.headers().firstValue("Content-Length")).hasValue("18");
    }

    @Test
    void headOnRootHasTheGetHeadersAndNoBody() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response get = http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();
            RawHttp.Response head = http.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            // A body sent after HEAD would be parsed as this response's status line and fail.
            RawHttp.Response after = http.send("GET /status/201 HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(get.header("content-length"));
            assertThat(head.header("content-type")).isEqualTo(get.header("content-type"));
            assertThat(head.header("x-backend")).isEqualTo("node-1");
            assertThat(after.status()).isEqualTo(201);
        }
    }

    @Test
    void unknownPathIs404WithAHint() throws Exception {
        HttpResponse<String> response = get("/no/such/thing");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).startsWith("not found; try /");
        assertThat(response.headers().firstValue("X-Backend")).hasValue("node-1");
    }

    @ParameterizedTest
    @CsvSource({"200,200 OK", "201,201 Created", "404,404 Not Found", "503,503 Service Unavailable",
            "599,599 Server Error (599)"})
    void statusAnswersWithThatStatusAndAShortBody(int code, String body) throws Exception {
        HttpResponse<String> response = get("/status/" + code);

        assertThat(response.statusCode()).isEqualTo(code);
        assertThat(response.body()).isEqualTo(body + "\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {204, 304})
    void statusWithoutContentHasNoBodyAndTheConnectionStaysUsable(int code) {
        try (RawHttp http = node.connect()) {
            RawHttp.Response response = http.send("GET /status/" + code + " HTTP/1.1\r\nHost: t\r\n\r\n").read();
            RawHttp.Response next = http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(code);
            assertThat(response.header("content-length")).isNull();
            assertThat(response.header("x-backend")).isEqualTo("node-1");
            assertThat(next.text()).isEqualTo("Hello from node-1\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"100", "101", "199", "600", "abc", "", "-200", "2000"})
    void statusOutOfRangeIs400(String code) throws Exception {
        HttpResponse<String> response = get("/status/" + code);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("status must be an integer from 200 to 599");
    }

    @Test
    void headersReportsTheRequestAsReceived() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(node.uri("/headers?x=1"))
                .header("X-Trace", "a")
                .header("X-Trace", "b")
                .header("X-Quote", "say \"hi\"")
                .build();

        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = new ObjectMapper().readTree(response.body());

        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json.get("method").asText()).isEqualTo("GET");
        assertThat(json.get("uri").asText()).isEqualTo("/headers?x=1");
        assertThat(json.get("version").asText()).isEqualTo("HTTP/1.1");
        assertThat(json.get("node").asText()).isEqualTo("node-1");
        JsonNode headers = json.get("headers");
        assertThat(headers.get("X-Trace")).hasSize(2);
        assertThat(headers.get("X-Trace").get(0).asText()).isEqualTo("a");
        assertThat(headers.get("X-Trace").get(1).asText()).isEqualTo("b");
        assertThat(headers.get("X-Quote").get(0).asText()).isEqualTo("say \"hi\"");
    }

    @Test
    void headersKeepsFirstSpellingAndArrivalOrder() {
        try (RawHttp http = node.connect()) {
            String body = http.send("POST /headers HTTP/1.1\r\nHost: t\r\nX-B: 1\r\nX-A: 2\r\nx-b: 3\r\n"
                    + "Content-Length: 4\r\n\r\nbody").read().text();

            assertThat(body).contains("\"method\":\"POST\"")
                    .contains("\"headers\":{\"Host\":[\"t\"],\"X-B\":[\"1\",\"3\"],\"X-A\":[\"2\"],"
                            + "\"Content-Length\":[\"4\"]}");
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(node.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
