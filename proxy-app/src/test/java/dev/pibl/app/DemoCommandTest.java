package dev.pibl.app;

import static dev.pibl.app.Processes.awaitListening;
import static dev.pibl.app.Processes.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's one command, {@code pibl demo}, as a real process: three nodes answer in turn. */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void demoStartsThreeBackendsAndBalancesOverThemInTurn() throws Exception {
        int first = threeFreePorts();
        int port = freePort();
        Path config = dir.resolve("pibl.yaml");
        Files.writeString(config, String.join("\n",
                "server: { port: " + port + ", bind: 127.0.0.1 }",
                "backends:",
                "  - { name: node-1, url: \"http://127.0.0.1:" + first + "\" }",
                "  - { name: node-2, url: \"http://127.0.0.1:" + (first + 1) + "\" }",
                "  - { name: node-3, url: \"http://127.0.0.1:" + (first + 2) + "\" }",
                "logging: { file: " + dir.resolve("access.log") + ", stdout: false }",
                "cache: { directory: " + dir.resolve("cache") + " }",
                "admin: { port: 0 }",
                ""));
        Process demo = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "demo", "--first-port", String.valueOf(first), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        try {
            awaitListening(port, demo);
            HttpClient http = HttpClient.newHttpClient();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                bodies.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().trim());
            }
            assertThat(bodies).containsExactly("Hello from node-1", "Hello from node-2", "Hello from node-3",
                    "Hello from node-1");
            // Dynamic answers are no-store (above, each from its node); static files are cached.
            List<String> xCache = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                xCache.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/static/1k.bin"))
                        .build(), HttpResponse.BodyHandlers.discarding()).headers().firstValue("X-Cache").orElse("-"));
            }
            assertThat(xCache).containsExactly("MISS", "HIT");
            demo.destroy();
            assertThat(demo.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.exitValue()).isZero();
        } finally {
            demo.destroyForcibly();
        }
    }

    /** The first of three consecutive ports that are free right now. */
    private static int threeFreePorts() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20000, 40000);
            try (ServerSocket a = new ServerSocket(base); ServerSocket b = new ServerSocket(base + 1);
                 ServerSocket c = new ServerSocket(base + 2)) {
                return base;
            } catch (IOException taken) {
                // try another base
            }
        }
        throw new IllegalStateException("no three consecutive free ports");
    }
}
