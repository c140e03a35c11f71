package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pibl.config.ConfigLoader;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * config/systemd/pibl.service as systemd reads it: {@code systemd-analyze verify} accepts it without
 * a warning, and it keeps the promises docs/operations.md makes about it.
 */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("../config/systemd/pibl.service");

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutWarnings() throws Exception {
        Optional<Path> analyze = onPath("systemd-analyze");
        assumeTrue(analyze.isPresent(), "systemd-analyze is not installed (Debian package systemd; .ci/run installs it)");
        // verify checks that ExecStart's program exists: the unit names Debian's java.
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")),
                "no /usr/bin/java here (Debian's openjdk-17-jre-headless), which the unit's ExecStart names");
        Process verify = new ProcessBuilder(analyze.get().toString(), "verify", UNIT.toAbsolutePath().normalize().toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(verify.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as("systemd-analyze verify exit code; stderr:%n%s", stderr).isZero();
        // Unknown or misspelt keys are only warnings (exit 0), naming the file: there must be none.
        assertThat(stderr.lines().filter(l -> l.contains("pibl.service"))).isEmpty();
    }

    @Test
    void stopsAfterTheDrainAndReloadsWithSighup() throws Exception {
        List<String> lines = Files.readAllLines(UNIT);
        assertThat(lines).contains("Type=notify", "NotifyAccess=main", "ExecReload=/bin/kill -HUP $MAINPID");
        Duration drain = ConfigLoader.load(Path.of("../config/pibl.yaml")).timeouts().drain();
        Duration stop = Duration.ofSeconds(Long.parseLong(value(lines, "TimeoutStopSec").replace("s", "")));
        // After the drain: cutting what is left (5 s at most), the event loops (10 s), cache writes (10 s).
        assertThat(stop).as("TimeoutStopSec against timeouts.drain").isGreaterThan(drain.plusSeconds(25));
        // The notify socket is a unix socket; the JIT needs writable executable memory.
        assertThat(value(lines, "RestrictAddressFamilies").split(" ")).contains("AF_UNIX", "AF_INET", "AF_INET6");
        assertThat(lines).noneMatch(l -> l.startsWith("MemoryDenyWriteExecute"));
        assertThat(value(lines, "CapabilityBoundingSet")).isEmpty();
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(key + " is not set"));
    }

    private static Optional<Path> onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }
}
