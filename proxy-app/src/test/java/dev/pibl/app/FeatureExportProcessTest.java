package dev.pibl.app;

import static dev.pibl.app.Processes.awaitListening;
import static dev.pibl.app.Processes.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code balancing.score.export-features} in the real application: scored vectors land in their
 * own file, one JSON object per line, and never among the access-log lines on stdout.
 */
class FeatureExportProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void scoredVectorsAreWrittenToTheirOwnFile() throws Exception {
        try (TestBackend backend = TestBackend.start("node-a")) {
            int port = freePort();
            Path features = dir.resolve("logs/features.jsonl");
            Path config = dir.resolve("pibl.yaml");
            Files.writeString(config, String.join("\n",
                    "server: { port: " + port + ", bind: 127.0.0.1, io-threads: 1 }",
                    "backends:",
                    "  - { name: node-a, url: \"" + backend.url() + "\" }",
                    "balancing:",
                    "  policy: score",
                    "  score:",
                    "    model: ../proxy-core/src/test/resources/models/handset.json",
                    "    export-features: " + features,
                    "    tiers: [ { name: all, pool: [node-a] } ]",
                    "logging: { file: " + dir.resolve("logs/access.log") + " }",
                    "cache: { enabled: false }",
                    "admin: { enabled: false }",
                    ""));
            Process pibl = Processes.pibl(dir.resolve("stdout"), "--config", config.toString());
            try {
                awaitListening(port, pibl);
                try (RawHttp client = new RawHttp(port)) {
                    for (int i = 0; i < 21; i++) {
                        assertThat(client.send("GET /" + i + " HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                                .isEqualTo(200);
                    }
                }
                // Scored on the 1st, 11th and 21st request: three lines.
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                        () -> Files.exists(features) && Files.readAllLines(features).size() >= 3);
            } finally {
                pibl.destroy();
                pibl.waitFor();
            }
            List<String> lines = Files.readAllLines(features);
            assertThat(lines).hasSize(3);
            JsonNode last = JSON.readTree(lines.get(2));
            assertThat(last.get("key").asText()).isEqualTo("127.0.0.1");
            assertThat(last.get("requests").asLong()).isEqualTo(21);
            assertThat(last.get("features").get("rate_1s").asDouble()).isPositive();
            assertThat(last.get("model").asText()).isEqualTo("behaviour-handset-1");
            assertThat(Files.readString(dir.resolve("stdout"))).doesNotContain("\"features\"");
        }
    }
}
