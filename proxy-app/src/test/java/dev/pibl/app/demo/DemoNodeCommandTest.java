package dev.pibl.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code DemoNodeCommand} as the system tests run it in each container: a JVM of its own that says
 * where it listens, serves under its name, and stops on SIGTERM; a port it cannot bind is exit 1.
 */
class DemoNodeCommandTest {

    private static final Pattern LISTENING = Pattern.compile("demo-node edge-7 listening on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void servesUnderItsNameUntilTerminated() throws Exception {
        Process node = start("--name", "edge-7", "--port", "0", "--bind", "127.0.0.1");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher m = LISTENING.matcher(first == null ? "" : first);
            assertThat(m.matches()).as("first line: %s", first).isTrue();
            try (RawHttp http = new RawHttp(Integer.parseInt(m.group(1)))) {
                RawHttp.Response r = http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();
                assertThat(r.text()).isEqualTo("Hello from edge-7\n");
            }
            node.destroy(); // SIGTERM, as docker stop sends
            assertThat(node.waitFor(20, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        } finally {
            node.destroyForcibly();
        }
    }

    @Test
    void aPortItCannotBindIsExitOneWithTheReason() throws Exception {
        try (DemoBackendGroup taken = DemoBackend.startAll("127.0.0.1", 0, 1, 1)) {
            int port = taken.backends().get(0).port();
            Process node = start("--name", "edge-7", "--port", String.valueOf(port), "--bind", "127.0.0.1");
            try {
                assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(node.exitValue()).isEqualTo(1);
                assertThat(new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                        .contains("demo-node: demo backend edge-7 cannot listen on 127.0.0.1:" + port);
            } finally {
                node.destroyForcibly();
            }
        }
    }

    private static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), DemoNodeCommand.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }
}
