package dev.pibl.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.balance.Backend;
import dev.pibl.balance.BackendHealth;
import dev.pibl.config.ConfigException;
import dev.pibl.config.ConfigLoader;
import dev.pibl.config.LoggingConfig;
import dev.pibl.config.PiblConfig;
import dev.pibl.logging.AccessLog;
import dev.pibl.server.ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * PIBL in the test JVM, configured from YAML as a user would write it, in front of the backend
 * hosts. In-process rather than in a container of its own, so that a scenario can read its
 * backends' health straight from the running server, collect its access log through a sink, and
 * have PARANOID leak detection cover PIBL's buffers on every failure path the faults provoke.
 * (A process restart with a kept cache is what proxy-app's CacheCrashTest covers.)
 *
 * <p>Started and stopped from the test thread; the access log is filled from PIBL's event loops.
 */
final class Pibl implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProxyServer server;
    private final List<String> accessLog;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One access-log line: what PIBL logged about one exchange. */
    record Exchange(Instant time, String client, String uri, int status, String backend, double durationMs,
            String cache, String tier) {
        static Exchange parse(String line) {
            try {
                JsonNode j = JSON.readTree(line);
                return new Exchange(Instant.parse(j.get("time").asText()), j.get("client").asText(),
                        j.get("uri").asText(), j.get("status").asInt(), text(j, "backend"),
                        j.get("duration_ms").asDouble(), text(j, "cache"), text(j, "tier"));
            } catch (IOException e) {
                throw new UncheckedIOException("not an access-log line in JSON: " + line, e);
            }
        }

        private static String text(JsonNode j, String field) {
            JsonNode v = j.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }
    }

    private Pibl(ProxyServer server, List<String> accessLog) {
        this.server = server;
        this.accessLog = accessLog;
    }

    static Pibl start(String yaml) throws ConfigException, InterruptedException {
        return start(yaml, Clock.systemUTC());
    }

    /** Starts PIBL from {@code yaml}; its cache reads {@code cacheClock}, which a test may move. */
    static Pibl start(String yaml, Clock cacheClock) throws ConfigException, InterruptedException {
        PiblConfig config = ConfigLoader.parse(yaml, "<system test>");
        if (config.logging().format() != LoggingConfig.Format.JSON) {
            throw new IllegalArgumentException("logging.format: " + config.logging().format()
                    + " (expected: json, which the scenarios read)");
        }
        List<String> lines = new CopyOnWriteArrayList<>();
        // The fields as the JSON encoder writes them, with the time it adds first (stamped here, in
        // the event-loop iteration where the exchange completed).
        AccessLog log = AccessLog.json(config.logging().detail(), event -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", Instant.now().toString());
            line.putAll(event);
            lines.add(JSON.valueToTree(line).toString());
        });
        return new Pibl(ProxyServer.start(config, log, cacheClock), lines);
    }

    int port() {
        return server.port();
    }

    /** Every exchange logged so far, oldest first. */
    List<Exchange> exchanges() {
        return accessLog.stream().map(Exchange::parse).toList();
    }

    /**
     * The logged exchanges that match {@code which}, once there are at least {@code count}: a line
     * reaches the log a loop iteration after its response reached the client.
     */
    List<Exchange> awaitExchanges(Predicate<Exchange> which, int count) {
        Awaitility.await(count + " access-log lines").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> exchanges().stream().filter(which).count() >= count);
        return exchanges().stream().filter(which).toList();
    }

    /** What PIBL's health registry says of {@code backend} now. */
    BackendHealth health(String backend) {
        for (Backend b : server.settings().balancer().backends()) {
            if (b.name().equals(backend)) {
                return server.settings().health().of(b);
            }
        }
        throw new IllegalArgumentException("backend: " + backend + " (expected: one of the configured backends)");
    }

    /** {@code GET} on the admin listener; its body. */
    String admin(String path) throws IOException, InterruptedException {
        InetSocketAddress a = server.adminAddress();
        if (a == null) {
            throw new IllegalStateException("admin.enabled is false in this scenario's config");
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " on the admin listener: " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** {@link #admin} parsed as JSON. */
    JsonNode adminJson(String path) throws IOException, InterruptedException {
        return JSON.readTree(admin(path));
    }

    @Override
    public void close() {
        server.stop();
    }
}
