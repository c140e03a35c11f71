package dev.pibl.app;

import static dev.pibl.app.NotifySocket.statusOnly;
import static dev.pibl.app.Processes.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PIBL as a {@code Type=notify} service sees it: a separate JVM with {@code $NOTIFY_SOCKET}
 * pointing at a socket standing in for systemd. READY once it listens, a SIGHUP that reloads
 * (RELOADING, then READY saying how it went) without stopping it, and SIGTERM: STOPPING, exit 0.
 */
class SystemdProcessTest {

    @TempDir
    Path dir;

    @Test
    void notifiesReadyReloadsOnSighupAndStops() throws Exception {
        try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify").toString());
             TestBackend backend = TestBackend.start("node-a");
             TestBackend added = TestBackend.start("node-b")) {
            int port = freePort();
            Path config = dir.resolve("pibl.yaml");
            Files.writeString(config, String.join("\n",
                    "server: { port: " + port + ", bind: 127.0.0.1, io-threads: 1 }",
                    "backends:",
                    "  - { name: node-a, url: \"" + backend.url() + "\" }",
                    "logging: { file: " + dir.resolve("access.log") + ", stdout: false }",
                    "cache: { directory: " + dir.resolve("cache") + " }",
                    "admin: { port: 0 }",
                    ""));
            Path out = dir.resolve("out");
            ProcessBuilder builder = Processes.piblBuilder(out, "--config", config.toString());
            builder.environment().put("NOTIFY_SOCKET", systemd.address());
            Process pibl = builder.start();
            try {
                Map<String, String> ready = systemd.next();
                assertThat(ready).containsEntry("READY", "1").containsEntry("MAINPID", "" + pibl.pid());
                assertThat(ready.get("STATUS")).isEqualTo("listening on 127.0.0.1:" + port
                        + "; 0 client connections, 1/1 backends available, config generation 1");
                // READY means listening: no waiting for the port from here on.
                assertServes(port);

                // The operator adds a backend to the file, then asks for a reload.
                Files.writeString(config, Files.readString(config).replace("backends:\n",
                        "backends:\n  - { name: node-b, url: \"" + added.url() + "\" }\n"));
                long before = System.nanoTime() / 1000;
                assertThat(new ProcessBuilder("kill", "-HUP", "" + pibl.pid()).start().waitFor()).isZero();
                Map<String, String> reloading = systemd.next(m -> !statusOnly(m));
                assertThat(reloading).containsEntry("RELOADING", "1");
                // CLOCK_MONOTONIC is one clock for every process on the host: this one's reading brackets it.
                assertThat(Long.parseLong(reloading.get("MONOTONIC_USEC"))).isBetween(before, System.nanoTime() / 1000);
                Map<String, String> reloaded = systemd.next(m -> !statusOnly(m));
                assertThat(reloaded).containsKeys("READY", "STATUS").containsEntry("READY", "1");
                assertThat(reloaded.get("STATUS")).matches("reload applied: generation 2, changed backends: added "
                        + "node-b .*; \\d+ client connections?, 2/2 backends available, config generation 2");
                assertThat(pibl.isAlive()).as("alive after SIGHUP").isTrue();
                assertThat(List.of(servedBy(port), servedBy(port))).containsExactlyInAnyOrder("node-a", "node-b");

                // A broken file is refused and the running configuration kept.
                Files.writeString(config, Files.readString(config).replace("io-threads: 1", "io-threads: -1"));
                assertThat(new ProcessBuilder("kill", "-HUP", "" + pibl.pid()).start().waitFor()).isZero();
                assertThat(systemd.next(m -> !statusOnly(m))).containsEntry("RELOADING", "1");
                assertThat(systemd.next(m -> !statusOnly(m)).get("STATUS"))
                        .startsWith("reload refused, generation 2 stays in force: ").contains("server.io-threads");
                assertThat(List.of(servedBy(port), servedBy(port))).containsExactlyInAnyOrder("node-a", "node-b");

                pibl.destroy(); // SIGTERM
                Map<String, String> stopping = systemd.next(m -> !statusOnly(m));
                assertThat(stopping).containsEntry("STOPPING", "1");
                assertThat(stopping.get("STATUS")).startsWith("draining: ");
                assertThat(pibl.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(pibl.exitValue()).as("exit code after SIGTERM").isZero();
            } finally {
                pibl.destroyForcibly();
            }
            assertThat(Files.readString(out)).contains("reloading the configuration")
                    .contains("configuration applied: generation 2").contains("configuration refused");
        }
    }

    /** Which backend answers a fresh request (a path never asked before, so the cache cannot answer). */
    private static String servedBy(int port) throws Exception {
        try (RawHttp client = new RawHttp(port)) {
            return client.send("GET /fresh/" + FRESH.incrementAndGet() + " HTTP/1.1\r\nHost: t\r\n\r\n").read()
                    .bodyText();
        }
    }

    private static final AtomicInteger FRESH = new AtomicInteger();

    private static void assertServes(int port) throws Exception {
        try (RawHttp client = new RawHttp(port)) {
            assertThat(client.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
        }
    }
}
