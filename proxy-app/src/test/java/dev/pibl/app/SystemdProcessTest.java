package dev.pibl.app;

import static dev.pibl.app.NotifySocket.statusOnly;
import static dev.pibl.app.Processes.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
             TestBackend backend = TestBackend.start("node-a")) {
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

                long before = System.nanoTime() / 1000;
                assertThat(new ProcessBuilder("kill", "-HUP", "" + pibl.pid()).start().waitFor()).isZero();
                Map<String, String> reloading = systemd.next(m -> !statusOnly(m));
                assertThat(reloading).containsEntry("RELOADING", "1");
                // CLOCK_MONOTONIC is one clock for every process on the host: this one's reading brackets it.
                assertThat(Long.parseLong(reloading.get("MONOTONIC_USEC"))).isBetween(before, System.nanoTime() / 1000);
                Map<String, String> reloaded = systemd.next(m -> !statusOnly(m));
                assertThat(reloaded).containsKeys("READY", "STATUS").containsEntry("READY", "1");
                assertThat(reloaded.get("STATUS")).matches("reload (applied|refused).*; \\d+ client connections?, "
                        + "1/1 backends available, config generation \\d+.*");
                assertThat(pibl.isAlive()).as("alive after SIGHUP").isTrue();
                assertServes(port);

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
                    .containsPattern("configuration (applied|refused)");
        }
    }

    private static void assertServes(int port) throws Exception {
        try (RawHttp client = new RawHttp(port)) {
            assertThat(client.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
        }
    }
}
