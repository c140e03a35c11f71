package dev.pibl.app.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoints simulated clients use: /page/*, /api/*, /robots.txt and POST /login. */
class SiteEndpointsTest {

    @RegisterExtension
    static final DemoNode node = new DemoNode();

    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void pageIsSmallHtmlNamingItsPathAndItsAssets() throws Exception {
        HttpResponse<String> response = get("/page/products/42?ref=home");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.headers().firstValue("X-Backend")).hasValue("node-1");
        assertThat(response.body()).startsWith("<!doctype html>")
                .contains("<h1>/page/products/42</h1>", "/static/style.css", "/static/1k.bin");
        assertThat(response.body().length()).isLessThan(1024);
    }

    @Test
    void pagePathIsEscapedInTheHtml() {
        try (RawHttp http = node.connect()) {
            String body = http.send("GET /page/<b>&\"x\" HTTP/1.1\r\nHost: t\r\n\r\n").read().text();

            assertThat(body).contains("<h1>/page/&lt;b&gt;&amp;&quot;x&quot;</h1>").doesNotContain("<b>");
        }
    }

    @Test
    void apiIsSmallJsonNamingItsPath() throws Exception {
        HttpResponse<String> response = get("/api/orders/7?fields=id");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"path\":\"/api/orders/7\",\"items\":[1,2,3],\"node\":\"node-1\"}");
    }

    @Test
    void robotsTxtIsText() throws Exception {
        HttpResponse<String> response = get("/robots.txt");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(response.body()).startsWith("User-agent: *\n").contains("Disallow: /admin/");
    }

    @Test
    void loginAlwaysRefusesAndTheConnectionStaysUsable() {
        try (RawHttp http = node.connect()) {
            String form = "username=alice&password=hunter2";
            RawHttp.Response first = http.send("POST /login HTTP/1.1\r\nHost: t\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                    + "\r\n\r\n" + form).read();
            RawHttp.Response second = http.send("POST /login HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nuser=\r\n0\r\n\r\n").read();
            RawHttp.Response after = http.send("GET /robots.txt HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(first.status()).isEqualTo(401);
            assertThat(first.header("content-type")).isEqualTo("application/json");
            assertThat(first.text()).isEqualTo("{\"error\":\"invalid credentials\"}");
            assertThat(second.status()).isEqualTo(401);
            assertThat(after.status()).isEqualTo(200);
        }
    }

    @Test
    void loginWithGetIs405AllowingPost() throws Exception {
        HttpResponse<String> response = get("/login");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/page/x", "/api/x", "/robots.txt"})
    void siteReadsRefusePostWith405(String path) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(node.uri(path))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/page", "/api", "/wp-login.php", "/.env", "/admin/1f3a", "/robots.txt.bak"})
    void otherPathsStay404(String path) throws Exception {
        assertThat(get(path).statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(node.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
