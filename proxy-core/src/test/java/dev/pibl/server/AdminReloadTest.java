package dev.pibl.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.config.ConfigException;
import dev.pibl.config.PiblConfig;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code POST /admin/reload}: what an operator sees, and who is told. */
class AdminReloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aReloadThroughTheAdminApiAppliesTheFileAndSaysWhatChanged() throws Exception {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b");
                TestProxy proxy = TestProxy.builder().backend(a).admin("s3cret").start()) {
            AtomicReference<Object> file = new AtomicReference<>(TestProxy.builder().backend(a).backend(b)
                    .admin("s3cret").config());
            proxy.server().setConfigSource(() -> {
                Object next = file.get();
                if (next instanceof ConfigException e) {
                    throw e;
                }
                return (PiblConfig) next;
            });
            List<String> told = new ArrayList<>();
            proxy.server().addReloadListener(new ReloadListener() {
                @Override
                public void reloading() {
                    told.add("reloading");
                }

                @Override
                public void reloaded(ReloadResult result) {
                    told.add("reloaded " + result.applied());
                }
            });
            String admin = "http://127.0.0.1:" + proxy.server().adminAddress().getPort() + "/admin/reload";

            assertThat(post(admin, null).statusCode()).isEqualTo(401);
            HttpResponse<String> applied = post(admin, "s3cret");

            assertThat(applied.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(applied.body());
            assertThat(body.get("applied").asBoolean()).isTrue();
            assertThat(body.get("generation").asInt()).isEqualTo(2);
            assertThat(body.get("changed").toString()).contains("backends: added b");
            assertThat(proxy.get("/").body() + proxy.get("/").body()).isEqualTo("ab");

            file.set(new ConfigException(List.of("backends[0].url: ftp://x (expected: an http:// URL)")));
            HttpResponse<String> refused = post(admin, "s3cret");

            assertThat(refused.statusCode()).isEqualTo(422);
            JsonNode problems = JSON.readTree(refused.body());
            assertThat(problems.get("applied").asBoolean()).isFalse();
            assertThat(problems.get("generation").asInt()).isEqualTo(2);
            assertThat(problems.get("problems").get(0).asText()).startsWith("backends[0].url: ftp://x");
            assertThat(told).containsExactly("reloading", "reloaded true", "reloading", "reloaded false");

            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(admin))
                    .header("Authorization", "Bearer s3cret").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        }
    }

    @Test
    void withoutAConfigurationFileAReloadIsRefusedWithTheReason() throws Exception {
        try (TestBackend a = TestBackend.start("a");
                TestProxy proxy = TestProxy.builder().backend(a).admin("").start()) {
            String admin = "http://127.0.0.1:" + proxy.server().adminAddress().getPort() + "/admin/reload";

            HttpResponse<String> r = post(admin, null);

            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).contains("started without one");
            assertThat(proxy.server().generation()).isEqualTo(1);
        }
    }

    private HttpResponse<String> post(String url, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }
}
