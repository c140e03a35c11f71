package dev.pibl.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.testing.TestProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs from a test proxy's admin listener, with a bearer token when given one. Used from one thread. */
final class AdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    AdminClient(TestProxy proxy, String token) {
        this.base = "http://127.0.0.1:" + proxy.server().adminAddress().getPort();
        this.token = token;
    }

    AdminClient(TestProxy proxy) {
        this(proxy, null);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON body of a GET that must answer {@code status}. */
    JsonNode json(String path, int status) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != status) {
            throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body() + " (expected: " + status + ")");
        }
        return JSON.readTree(r.body());
    }

    /** {@code GET /metrics}, parsed; fails unless it answers 200 in Prometheus's text format. */
    PrometheusText metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/metrics");
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /metrics: " + r.statusCode() + " " + r.body());
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/plain; version=0.0.4")) {
            throw new AssertionError("GET /metrics: Content-Type " + type + " (expected: text/plain; version=0.0.4...)");
        }
        return PrometheusText.parse(r.body());
    }
}
