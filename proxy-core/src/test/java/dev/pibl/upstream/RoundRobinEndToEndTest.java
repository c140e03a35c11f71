package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Round-robin over real sockets: order, weights, and the access log naming each backend. */
class RoundRobinEndToEndTest {

    @Test
    void consecutiveRequestsGoToEachBackendInTurn() throws Exception {
        try (TestBackend a = TestBackend.start("node-1");
             TestBackend b = TestBackend.start("node-2");
             TestBackend c = TestBackend.start("node-3");
             TestProxy proxy = TestProxy.builder().backend(a).backend(b).backend(c).start()) {
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = proxy.get("/");
                assertThat(r.statusCode()).isEqualTo(200);
                bodies.add(r.body());
            }
            assertThat(bodies).containsExactly("node-1", "node-2", "node-3", "node-1", "node-2", "node-3");
            assertThat(proxy.awaitAccessLog(6)).hasSize(6);
            assertThat(proxy.awaitAccessLog(6).get(0)).contains("\"GET / HTTP/1.1\" 200").contains("backend=node-1");
        }
    }

    @Test
    void weightsGiveExactSharesOverFullCycles() throws Exception {
        try (TestBackend a = TestBackend.start("heavy");
             TestBackend b = TestBackend.start("light");
             TestProxy proxy = TestProxy.builder().backend("heavy", a.port(), 3).backend("light", b.port(), 1)
                     .start()) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                counts.merge(proxy.get("/").body(), 1, Integer::sum);
            }
            assertThat(counts).containsEntry("heavy", 30).containsEntry("light", 10);
        }
    }
}
