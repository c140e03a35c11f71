package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.config.CacheConfig;
import dev.pibl.config.LoggingConfig;
import dev.pibl.config.PiblConfig;
import dev.pibl.logging.AccessLog;
import dev.pibl.server.ProxyServer;
import dev.pibl.testing.Origin;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logging.format: json} through the application's Logback setup: the file gets one JSON
 * object per line, the same fields as the text line of the same exchange, numbers as numbers,
 * headers as objects with credentials redacted. Each run has a Logback context of its own.
 */
class AccessLogJsonFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A cache miss, a cache hit and a 400, with detail headers; the access-log file's lines. */
    private List<String> run(LoggingConfig.Format format) throws Exception {
        Path file = dir.resolve(format + "/access.log");
        LoggingConfig logging = new LoggingConfig(file, false, format, LoggingConfig.Detail.HEADERS);
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        LoggingSetup.configure(context, logging, null);
        try (Origin origin = Origin.start()) {
            origin.on("/page", 200, "hello", "Cache-Control", "max-age=60");
            PiblConfig config = TestProxy.builder().backend("origin", origin.port(), 1)
                    .cache(CacheConfig.defaults(dir.resolve(format + "/cache"))).config();
            ProxyServer server = ProxyServer.start(config,
                    AccessLog.toLogger(logging, context.getLogger(AccessLog.LOGGER_NAME)));
            try {
                try (RawHttp client = new RawHttp(server.port())) {
                    for (String expected : List.of("MISS", "HIT")) {
                        RawHttp.Response r = client.send("GET /page HTTP/1.1\r\nHost: t\r\n"
                                + "Cookie: sid=secret\r\n\r\n").read();
                        assertThat(r.header("X-Cache")).isEqualTo(expected);
                    }
                }
                try (RawHttp client = new RawHttp(server.port())) {
                    assertThat(client.send("GET /page HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").read().status())
                            .isEqualTo(400);
                }
            } finally {
                server.stop();
            }
        }
        context.stop(); // drains the async appender into the file
        return Files.readAllLines(file);
    }

    @Test
    void eachExchangeIsOneJsonObjectPerLine() throws Exception {
        List<String> lines = run(LoggingConfig.Format.JSON);

        assertThat(lines).hasSize(3);
        List<JsonNode> objects = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            objects.add(node);
        }
        // The miss and the hit share a connection, so their order is fixed; the 400 came on
        // another connection, whose event loop may hand its line over first.
        JsonNode miss = exchange(objects, 200, "MISS");
        assertThat(names(miss)).containsExactly("time", "request_id", "client", "method", "uri", "protocol", "status",
                "bytes_in", "bytes_out", "duration_ms", "backend", "upstream_ms", "cache", "request_headers",
                "response_headers");
        assertThat(miss.get("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(miss.get("status").isInt()).isTrue();
        assertThat(miss.get("bytes_out").isIntegralNumber()).isTrue();
        assertThat(miss.get("bytes_out").asLong()).isEqualTo(5);
        assertThat(miss.get("duration_ms").isNumber()).isTrue();
        assertThat(miss.get("upstream_ms").isNumber()).isTrue();
        assertThat(miss.get("backend").asText()).isEqualTo("origin");
        assertThat(miss.get("request_headers").get("cookie").asText()).isEqualTo("<redacted>");
        assertThat(miss.get("request_headers").get("host").asText()).isEqualTo("t");
        assertThat(miss.get("response_headers").get("x-cache").asText()).isEqualTo("MISS");

        JsonNode hit = exchange(objects, 200, "HIT");
        assertThat(hit.get("cache").asText()).isEqualTo("HIT");
        assertThat(hit.has("backend")).as("the cache answered: no backend").isFalse();

        JsonNode rejected = exchange(objects, 400, null);
        assertThat(rejected.get("status").asInt()).isEqualTo(400);
        assertThat(rejected.has("backend")).isFalse();
        assertThat(String.join("\n", lines)).doesNotContain("secret");
    }

    @Test
    void jsonAndTextCarryTheSameFields() throws Exception {
        List<String> text = run(LoggingConfig.Format.TEXT);
        List<String> json = run(LoggingConfig.Format.JSON);

        assertThat(json).hasSameSizeAs(text).hasSize(3);
        List<JsonNode> objects = new ArrayList<>();
        for (String line : json) {
            objects.add(JSON.readTree(line));
        }
        for (String line : text) {
            JsonNode o = line.contains(" cache=MISS ") ? exchange(objects, 200, "MISS")
                    : line.contains(" cache=HIT ") ? exchange(objects, 200, "HIT") : exchange(objects, 400, null);
            assertThat(line)
                    .contains(" " + o.get("client").asText() + " \"" + o.get("method").asText() + " "
                            + o.get("uri").asText() + " " + o.get("protocol").asText() + "\" " + o.get("status").asInt()
                            + " " + o.get("bytes_in").asLong() + " " + o.get("bytes_out").asLong() + " ")
                    .contains(" backend=" + (o.has("backend") ? o.get("backend").asText() : "-") + " ")
                    .contains(" upstream=" + (o.has("upstream_ms") ? "" : "-"))
                    .contains(" req_headers=\"").contains(" resp_headers=\"");
            if (!o.has("cache")) {
                assertThat(line).doesNotContain(" cache=");
            }
            for (String header : List.of("request_headers", "response_headers")) {
                Iterator<String> names = o.get(header).fieldNames();
                while (names.hasNext()) {
                    assertThat(line.toLowerCase()).contains(names.next() + ": ");
                }
            }
        }
    }

    /** The one exchange with {@code status} and the cache verdict {@code cache} (null: none). */
    private static JsonNode exchange(List<JsonNode> objects, int status, String cache) {
        List<JsonNode> found = objects.stream().filter(o -> o.get("status").asInt() == status
                && (cache == null ? !o.has("cache") : o.has("cache") && o.get("cache").asText().equals(cache))).toList();
        assertThat(found).as("status %d, cache %s", status, cache).hasSize(1);
        return found.get(0);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
