package dev.pibl.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The dashboard's files as the admin handler serves them: types, validators, headers, and nothing else. */
class DashboardAssetsTest {

    private static final String TOKEN = "0123456789abcdef-token";
    private static final DashboardAssets ASSETS = DashboardAssets.load();
    private static final Executor NO_SLOW_WORK = r -> {
        throw new AssertionError("no dashboard request needs the slow executor");
    };

    private final EmbeddedChannel channel = new EmbeddedChannel(
            new AdminHandler(new AdminHandler.Routes(TOKEN, null, () -> null, null, NO_SLOW_WORK, null, ASSETS)));

    /** One answer's parts, copied so the response can be released at once. */
    private record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest
    @CsvSource({
        "/admin/, text/html; charset=utf-8, <script src=\"assets/dashboard.js\"",
        "/admin/assets/dashboard.js, text/javascript; charset=utf-8, fetch('status'",
        "/admin/assets/dashboard.css, text/css; charset=utf-8, prefers-color-scheme: dark",
        "/admin/assets/favicon.svg, image/svg+xml, <svg",
    })
    void eachFileHasItsTypeValidatorsAndSecurityHeaders(String path, String type, String content) {
        Answer a = send(HttpMethod.GET, path, Map.of());

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("content-type")).isEqualTo(type);
        assertThat(a.body()).contains(content);
        assertThat(a.header("content-length")).isEqualTo(String.valueOf(a.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(a.header("cache-control")).isEqualTo("no-cache");
        assertThat(a.header("etag")).matches("\"[0-9a-f]{24}\"");
        assertThat(a.header("content-security-policy")).startsWith("default-src 'self'");
        assertThat(a.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(a.header("referrer-policy")).isEqualTo("no-referrer");
        assertThat(a.header("x-frame-options")).isEqualTo("DENY");
    }

    @Test
    void everyFileThePageLoadsIsServed() {
        String page = send(HttpMethod.GET, "/admin/", Map.of()).body();
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page);
        List<String> references = new ArrayList<>();
        while (m.find()) {
            references.add(m.group(1));
        }

        assertThat(references).as("the page refers only to its own assets, never to another host")
                .isNotEmpty().allMatch(r -> r.startsWith("assets/"));
        for (String r : references) {
            assertThat(send(HttpMethod.GET, "/admin/" + r, Map.of()).status()).as(r).isEqualTo(200);
        }
    }

    @Test
    void aMatchingEtagGetsNotModifiedAndAnotherGetsTheFile() {
        String etag = send(HttpMethod.GET, "/admin/assets/dashboard.js", Map.of()).header("etag");

        Answer same = send(HttpMethod.GET, "/admin/assets/dashboard.js", Map.of("If-None-Match", etag));
        Answer weakInAList = send(HttpMethod.GET, "/admin/assets/dashboard.js",
                Map.of("If-None-Match", "\"old\", W/" + etag));
        Answer other = send(HttpMethod.GET, "/admin/assets/dashboard.js", Map.of("If-None-Match", "\"old\""));
        Answer otherFile = send(HttpMethod.GET, "/admin/assets/dashboard.css", Map.of("If-None-Match", etag));

        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.header("etag")).isEqualTo(etag);
        assertThat(same.header("cache-control")).isEqualTo("no-cache");
        assertThat(weakInAList.status()).isEqualTo(304);
        assertThat(other.status()).isEqualTo(200);
        assertThat(otherFile.status()).isEqualTo(200);
    }

    @Test
    void headSendsTheHeadersOfGetWithoutTheBody() {
        Answer get = send(HttpMethod.GET, "/admin/", Map.of());
        Answer head = send(HttpMethod.HEAD, "/admin/", Map.of());

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("content-length")).isEqualTo(get.header("content-length"));
        assertThat(head.header("etag")).isEqualTo(get.header("etag"));
    }

    @Test
    void adminWithoutTheSlashRedirectsToThePage() {
        Answer a = send(HttpMethod.GET, "/admin", Map.of());

        assertThat(a.status()).isEqualTo(301);
        assertThat(a.header("location")).isEqualTo("admin/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/assets/", "/admin/assets/nope.js", "/admin/assets/../index.html",
        "/admin/assets/%2e%2e/%2e%2e/etc/passwd", "/admin/assets/dashboard.js/", "/admin/assets/DASHBOARD.JS",
        "/admin/assets/dashboard/index.html"})
    void anyOtherAssetPathIsNotFound(String path) {
        Answer a = send(HttpMethod.GET, path, Map.of());

        assertThat(a.status()).isEqualTo(404);
        assertThat(a.header("content-type")).startsWith("text/plain");
        assertThat(a.header("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void onlyGetAndHeadAreAllowed() {
        Answer a = send(HttpMethod.POST, "/admin/", Map.of());

        assertThat(a.status()).isEqualTo(405);
        assertThat(a.header("allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void thePageIsServedWithoutTheTokenAndTheDataIsNot() {
        assertThat(send(HttpMethod.GET, "/admin/", Map.of()).status()).isEqualTo(200);
        assertThat(send(HttpMethod.GET, "/admin/health", Map.of()).status()).isEqualTo(401);
        assertThat(send(HttpMethod.GET, "/admin/health", Map.of("Authorization", "Bearer " + TOKEN)).status())
                .isEqualTo(200);
    }

    @Test
    void aMissingFileStopsTheListenerFromStarting() {
        assertThatThrownBy(() -> DashboardAssets.load(name -> name.equals("dashboard.js") ? null
                : new ByteArrayInputStream(new byte[] {'x'})))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dashboard file dashboard.js is missing");
    }

    @Test
    void anOversizedFileStopsTheListenerFromStarting() {
        assertThatThrownBy(() -> DashboardAssets.load(name -> new ByteArrayInputStream(new byte[600 * 1024])))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is larger than 524288 bytes");
    }

    private Answer send(HttpMethod method, String uri, Map<String, String> headers) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        headers.forEach(request.headers()::set);
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        try {
            Map<String, String> copied = new HashMap<>();
            response.headers().forEach(e -> copied.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
            return new Answer(response.status().code(), copied, response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }
}
