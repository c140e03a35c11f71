package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unsafe requests invalidate (RFC 9111 §4.4); Vary keys variants (§4.1). */
class CacheInvalidationTest {

    @TempDir
    Path dir;

    @Test
    void successfulPostInvalidatesTheUriAndItsLocation() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/item", 200, "item v1", "Cache-Control", "max-age=60");
            f.origin.on("/list", 200, "list v1", "Cache-Control", "max-age=60");
            f.get("/item");
            f.get("/list");
            f.origin.on("/item", 200, "item v2", "Cache-Control", "max-age=60");
            f.origin.on("/list", 200, "list v2", "Cache-Control", "max-age=60");

            f.origin.on("/item-post", 201, "created", "Location", "/list");
            // POST to /item: answered by the route of /item; POST to /item-post names /list in Location.
            RawHttp.Response post = f.request("POST", "/item", "Content-Length", "0");
            f.request("POST", "/item-post", "Content-Length", "0");

            assertThat(post.status()).isEqualTo(200);
            assertThat(f.get("/item").bodyText()).isEqualTo("item v2");
            assertThat(f.get("/list").bodyText()).isEqualTo("list v2");
        }
    }

    @Test
    void failedDeleteInvalidatesNothing() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/keep", 200, "kept", "Cache-Control", "max-age=60");
            f.get("/keep");
            f.origin.on("/keep", 404, "no");

            f.request("DELETE", "/keep");

            assertThat(f.get("/keep").header("X-Cache")).isEqualTo("HIT");
        }
    }

    @Test
    void varyKeepsOneVariantPerRequestValue() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/v", req -> dev.pibl.testing.Origin.reply(200,
                    "lang=" + req.headers().get("Accept-Language"), "Cache-Control", "max-age=60",
                    "Vary", "Accept-Language"));

            RawHttp.Response en = f.get("/v", "Accept-Language", "en");
            RawHttp.Response fr = f.get("/v", "Accept-Language", "fr");
            RawHttp.Response enAgain = f.get("/v", "Accept-Language", "en");
            RawHttp.Response frAgain = f.get("/v", "Accept-Language", "fr");

            assertThat(en.bodyText()).isEqualTo("lang=en");
            assertThat(fr.header("X-Cache")).isEqualTo("MISS");
            assertThat(enAgain.bodyText()).isEqualTo("lang=en");
            assertThat(enAgain.header("X-Cache")).isEqualTo("HIT");
            assertThat(frAgain.bodyText()).isEqualTo("lang=fr");
            assertThat(frAgain.header("X-Cache")).isEqualTo("HIT");
            assertThat(f.origin.hits("/v")).isEqualTo(2);
        }
    }

    @Test
    void postInvalidatesEveryVariant() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/v", 200, "v", "Cache-Control", "max-age=60", "Vary", "Accept-Language");
            f.get("/v", "Accept-Language", "en");
            f.get("/v", "Accept-Language", "fr");

            f.request("POST", "/v", "Content-Length", "0");

            assertThat(f.get("/v", "Accept-Language", "en").header("X-Cache")).isEqualTo("MISS");
            assertThat(f.get("/v", "Accept-Language", "fr").header("X-Cache")).isEqualTo("MISS");
        }
    }
}
