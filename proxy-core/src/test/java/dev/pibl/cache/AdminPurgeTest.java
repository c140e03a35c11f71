package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The purge endpoint of the admin listener: one URL or everything, behind the token when one is set. */
class AdminPurgeTest {

    private static final String TOKEN = "0123456789abcdef-token";
    private final HttpClient client = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void purgeOneUrlLeavesTheOthers() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> c, b -> b.admin(""))) {
            f.origin.on("/a", 200, "a", "Cache-Control", "max-age=60");
            f.origin.on("/b", 200, "b", "Cache-Control", "max-age=60");
            f.get("/a");
            f.get("/b");

            HttpResponse<String> r = admin(f, "DELETE", "/admin/cache?url="
                    + URLEncoder.encode("http://test/a", StandardCharsets.UTF_8), null);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"purged\":1");
            assertThat(f.get("/a").header("X-Cache")).isEqualTo("MISS");
            assertThat(f.get("/b").header("X-Cache")).isEqualTo("HIT");
        }
    }

    @Test
    void purgeByPathCoversEveryHostAndPurgeAllEmptiesTheCache() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> c, b -> b.admin(""))) {
            f.origin.on("/a", 200, "a", "Cache-Control", "max-age=60");
            f.origin.on("/b", 200, "b", "Cache-Control", "max-age=60");
            f.get("/a");
            f.get("/b");

            HttpResponse<String> byPath = admin(f, "DELETE", "/admin/cache?url=/a", null);
            assertThat(byPath.body()).contains("\"purged\":1");
            assertThat(f.get("/a").header("X-Cache")).isEqualTo("MISS");

            HttpResponse<String> typo = admin(f, "DELETE", "/admin/cache?uri=/b", null);
            assertThat(typo.statusCode()).isEqualTo(400);
            assertThat(typo.body()).contains("unknown parameter uri");
            assertThat(admin(f, "DELETE", "/admin/cache", null).statusCode()).isEqualTo(400);
            assertThat(f.get("/b").header("X-Cache")).isEqualTo("HIT");

            HttpResponse<String> all = admin(f, "DELETE", "/admin/cache?all=true", null);
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(f.get("/b").header("X-Cache")).isEqualTo("MISS");
        }
    }

    @Test
    void tokenIsRequiredWhenConfigured() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> c, b -> b.admin(TOKEN))) {
            f.origin.on("/a", 200, "a", "Cache-Control", "max-age=60");
            f.get("/a");

            HttpResponse<String> without = admin(f, "DELETE", "/admin/cache?all=true", null);
            HttpResponse<String> wrong = admin(f, "DELETE", "/admin/cache?all=true", "Bearer nope");
            HttpResponse<String> right = admin(f, "DELETE", "/admin/cache?all=true", "Bearer " + TOKEN);

            assertThat(without.statusCode()).isEqualTo(401);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(f.get("/a").header("X-Cache")).isEqualTo("MISS");
        }
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> c, b -> b.admin(""))) {
            assertThat(admin(f, "DELETE", "/admin/cache?url=ftp%3A%2F%2Fx%2Fa", null).body())
                    .contains("expected: an absolute http URL");
            assertThat(admin(f, "POST", "/admin/cache", null).statusCode()).isEqualTo(405);
            assertThat(admin(f, "GET", "/admin/nothing", null).statusCode()).isEqualTo(404);
            assertThat(admin(f, "GET", "/admin/cache", null).body()).contains("\"hits\":");
        }
    }

    private HttpResponse<String> admin(CacheFixture f, String method, String path, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + f.proxy.server().adminAddress().getPort() + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
