package dev.pibl.app;

import static dev.pibl.app.Processes.awaitListening;
import static dev.pibl.app.Processes.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.Origin;
import dev.pibl.testing.RawHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache survives kill -9: a PIBL process is killed while it is storing many responses; a new
 * process on the same cache directory, with no backend left, serves every entry it kept exactly as
 * it was stored and nothing else, never a torn or corrupt one.
 */
class CacheCrashTest {

    private static final int CLIENTS = 8;

    @TempDir
    Path dir;

    @Test
    void killedWhileWritingThenRestartedServesOnlyIntactEntries() throws Exception {
        Path cache = dir.resolve("cache");
        AtomicInteger requested = new AtomicInteger();
        int stored;
        try (Origin origin = Origin.start()) {
            origin.onPrefix("/k/", req -> Origin.reply(200, body(req.uri()), 0, "Cache-Control", "max-age=3600"));
            int port = freePort();
            Process pibl = start(config("first", port, freePort(), origin.port(), cache));
            try {
                awaitListening(port, pibl);
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                for (int c = 0; c < CLIENTS; c++) {
                    clients.submit(() -> {
                        while (!Thread.currentThread().isInterrupted()) {
                            int n = requested.getAndIncrement();
                            try (RawHttp http = new RawHttp(port)) {
                                http.send("GET /k/" + n + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").read();
                            } catch (IOException killed) {
                                return;
                            }
                        }
                    });
                }
                // Kill it in the middle of storing: once a few hundred responses went through.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (origin.backend().requests().size() < 400 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                pibl.destroyForcibly(); // SIGKILL: no drain, no flush
                pibl.waitFor(10, TimeUnit.SECONDS);
                clients.shutdownNow();
                clients.awaitTermination(10, TimeUnit.SECONDS);
            } finally {
                pibl.destroyForcibly();
            }
            stored = origin.backend().requests().size();
        }

        int port = freePort();
        int adminPort = freePort();
        Process again = start(config("second", port, adminPort, freePort(), cache));
        try {
            awaitListening(port, again);
            awaitIndexed(adminPort);
            int hits = 0;
            for (int n = 0; n < requested.get(); n++) {
                try (RawHttp http = new RawHttp(port)) {
                    RawHttp.Response r = http.send("GET /k/" + n + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                            .read();
                    if (r.status() == 200) {
                        assertThat(r.header("X-Cache")).as("/k/" + n).isEqualTo("HIT");
                        assertThat(r.body()).as("body of /k/" + n).isEqualTo(body("/k/" + n));
                        hits++;
                    } else {
                        // Not kept: the backend is gone (502), or already ejected as down (503).
                        assertThat(r.status()).as("/k/" + n).isIn(502, 503);
                    }
                }
            }
            System.out.printf("kill -9 after %d origin fetches: %d entries served intact after restart%n", stored, hits);
            assertThat(hits).as("entries that survived the crash").isGreaterThan(stored / 4);
        } finally {
            again.destroyForcibly();
        }
    }

    /** A body that tells its own key, so a misplaced or torn entry cannot pass for the right one. */
    private static byte[] body(String uri) {
        String line = "body of " + uri + "\n";
        return line.repeat(2048 / line.length() + 1).getBytes(StandardCharsets.UTF_8);
    }

    private Path config(String name, int port, int adminPort, int backendPort, Path cache) throws IOException {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, String.join("\n",
                "server: { port: " + port + ", bind: 127.0.0.1, io-threads: 2 }",
                "backends:",
                "  - { name: origin, url: \"http://127.0.0.1:" + backendPort + "\" }",
                "upstream: { max-tries: 1 }",
                "logging: { file: " + dir.resolve(name + "-access.log") + ", stdout: false }",
                "cache: { directory: " + cache + ", default-ttl: 0 }",
                "admin: { port: " + adminPort + " }",
                ""));
        return config;
    }

    private Process start(Path config) throws IOException {
        return Processes.pibl(dir.resolve(config.getFileName() + ".out"), "--config", config.toString());
    }

    private static void awaitIndexed(int adminPort) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String status = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                    + "/admin/cache")).build(), HttpResponse.BodyHandlers.ofString()).body();
            if (status.contains("\"diskIndexed\":true")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the disk index was not rebuilt within 30 s");
    }
}
