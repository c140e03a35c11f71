package dev.pibl.app;

import static dev.pibl.app.Processes.awaitListening;
import static dev.pibl.app.Processes.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PIBL as users run it: a separate JVM started with {@code --config}, serving through the
 * backends, logging to stdout and the access-log file, and on SIGTERM finishing the request in
 * flight and exiting 0.
 */
class ProcessLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void servesLogsAndDrainsOnSigterm() throws Exception {
        TestBackend.Responder slowOnDemand = (ctx, req, b) -> ctx.executor().schedule(
                () -> b.reply(ctx, req, HttpResponseStatus.OK, b.name() + " " + req.uri()),
                req.uri().equals("/slow") ? 800 : 0, TimeUnit.MILLISECONDS);
        try (TestBackend a = TestBackend.start("node-a", slowOnDemand);
             TestBackend b = TestBackend.start("node-b", slowOnDemand)) {
            int port = freePort();
            Path log = dir.resolve("logs/access.log");
            Path config = dir.resolve("pibl.yaml");
            Files.writeString(config, String.join("\n",
                    "server: { port: " + port + ", bind: 127.0.0.1, io-threads: 1 }",
                    "backends:",
                    "  - { name: node-a, url: \"" + a.url() + "\" }",
                    "  - { name: node-b, url: \"" + b.url() + "\" }",
                    "logging: { file: " + log + " }",
                    "cache: { directory: " + dir.resolve("cache") + " }",
                    "admin: { port: 0 }",
                    ""));
            Process pibl = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "--config", config.toString())
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectError(dir.resolve("stderr").toFile())
                    .start();
            try {
                awaitListening(port, pibl);
                try (RawHttp client = new RawHttp(port)) {
                    assertThat(client.send("GET /one HTTP/1.1\r\nHost: t\r\n\r\n").read().bodyText()).isEqualTo("node-a /one");
                    assertThat(client.send("GET /two HTTP/1.1\r\nHost: t\r\n\r\n").read().bodyText()).isEqualTo("node-b /two");
                }
                try (RawHttp inFlight = new RawHttp(port)) {
                    inFlight.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
                    Thread.sleep(200);
                    pibl.destroy(); // SIGTERM
                    RawHttp.Response r = inFlight.read();
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
                }
                assertThat(pibl.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(pibl.exitValue()).as("exit code after SIGTERM").isZero();
            } finally {
                pibl.destroyForcibly();
            }
            List<String> fileLines = Files.readAllLines(log);
            assertThat(fileLines).hasSize(3);
            assertThat(fileLines.get(0)).contains("\"GET /one HTTP/1.1\" 200").contains("backend=node-a");
            assertThat(fileLines.get(2)).contains("\"GET /slow HTTP/1.1\" 200");
            assertThat(Files.readAllLines(dir.resolve("stdout"))).isEqualTo(fileLines);
            assertThat(Files.readString(dir.resolve("stderr"))).contains("PIBL listening on").contains("PIBL stopped");
        }
    }
}
