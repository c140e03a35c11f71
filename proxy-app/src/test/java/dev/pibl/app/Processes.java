package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starting PIBL as users do, in a JVM of its own, and waiting for it: for the process tests. */
final class Processes {

    private Processes() {
    }

    /** {@code java -cp <test classpath> dev.pibl.app.Main args...}, output to {@code out}. */
    static Process pibl(Path out, String... args) throws IOException {
        return piblBuilder(out, args).start();
    }

    /** What {@link #pibl} starts, for a test that changes the environment first. */
    static ProcessBuilder piblBuilder(Path out, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Returns once {@code port} accepts connections; fails if the process exits or 30 s pass. */
    static void awaitListening(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("PIBL exited early").isTrue();
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("PIBL did not listen on " + port + " within 30 s");
    }
}
