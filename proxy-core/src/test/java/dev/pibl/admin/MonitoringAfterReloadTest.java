package dev.pibl.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What /metrics and /admin/status show once a reload has added one backend and removed another. */
class MonitoringAfterReloadTest {

    @Test
    void metricsAndStatusFollowTheBackendsAReloadPutsInForce() throws Exception {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b");
                TestBackend c = TestBackend.start("c");
                TestProxy proxy = TestProxy.builder().backend(a).backend(b).admin("").start()) {
            AdminClient admin = new AdminClient(proxy);
            for (int i = 0; i < 4; i++) {
                proxy.get("/");
            }
            assertThat(admin.metrics().value("pibl_backend_available", "backend", "a")).isEqualTo(1);

            proxy.server().reload(TestProxy.builder().backend(b).backend(c).admin("").config());
            for (int i = 0; i < 4; i++) {
                proxy.get("/");
            }

            PrometheusText metrics = admin.metrics();
            assertThat(metrics.value("pibl_backend_available", "backend", "c")).isEqualTo(1);
            assertThat(metrics.has("pibl_backend_available", "backend", "a")).as("a left the configuration").isFalse();
            assertThat(metrics.value("pibl_requests_total", "backend", "c", "status", "2xx")).isEqualTo(2);
            assertThat(metrics.value("pibl_requests_total", "backend", "a", "status", "2xx"))
                    .as("what a served before it left is still counted").isEqualTo(2);
            JsonNode status = admin.json("/admin/status", 200);
            assertThat(status.get("generation").asInt()).isEqualTo(2);
            List<String> names = new ArrayList<>();
            status.get("backends").forEach(n -> names.add(n.get("name").asText()));
            assertThat(names).containsExactly("b", "c");
        }
    }
}
