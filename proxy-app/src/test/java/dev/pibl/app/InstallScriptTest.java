package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.ConfigLoader;
import dev.pibl.config.PiblConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config/systemd/install.sh, run as packagers do with DESTDIR (never against this machine's /):
 * the files it lays out, the config it writes for the service, and that a second run upgrades the
 * jar and the unit but keeps the operator's config.
 */
class InstallScriptTest {

    private static final Path SCRIPT = Path.of("../config/systemd/install.sh");

    @TempDir
    Path dir;

    @Test
    void isValidBash() throws Exception {
        assertThat(run("bash", "-n", SCRIPT.toString())).isZero();
    }

    @Test
    void laysOutTheServiceAndKeepsTheOperatorsConfigOnUpgrade() throws Exception {
        Path root = dir.resolve("root");
        Path jar = dir.resolve("pibl.jar");
        Files.writeString(jar, "first build");
        assertThat(install(root, jar)).isZero();

        assertThat(root.resolve("opt/pibl/pibl.jar")).hasContent("first build");
        assertThat(root.resolve("etc/systemd/system/pibl.service")).hasSameTextualContentAs(Path.of("../config/systemd/pibl.service"));
        assertThat(root.resolve("etc/pibl/models/behaviour.json")).hasSameBinaryContentAs(Path.of("../config/models/behaviour.json"));
        for (String d : new String[] {"var/cache/pibl", "var/log/pibl", "var/lib/pibl"}) {
            assertThat(root.resolve(d)).isDirectory();
        }
        PiblConfig config = ConfigLoader.load(root.resolve("etc/pibl/pibl.yaml"));
        assertThat(config.cache().directory()).isEqualTo(Path.of("/var/cache/pibl"));
        assertThat(config.logging().file()).isEqualTo(Path.of("/var/log/pibl/access.log"));
        assertThat(config.logging().stdout()).as("access lines kept out of the journal").isFalse();
        // Switching to score balancing finds the installed model.
        PiblConfig scored = ConfigLoader.parse(Files.readString(root.resolve("etc/pibl/pibl.yaml"))
                .replace("policy: round-robin", "policy: score"), "pibl.yaml");
        assertThat(scored.balancing().score().scorer().model()).isEqualTo(Path.of("/etc/pibl/models/behaviour.json"));
        assertThat(config.backends()).isEqualTo(ConfigLoader.load(Path.of("../config/pibl.yaml")).backends());

        Files.writeString(root.resolve("etc/pibl/pibl.yaml"), "# the operator's\n");
        Files.writeString(jar, "second build");
        assertThat(install(root, jar)).isZero();
        assertThat(root.resolve("etc/pibl/pibl.yaml")).hasContent("# the operator's");
        assertThat(root.resolve("etc/pibl/pibl.yaml.dist")).exists();
        assertThat(root.resolve("opt/pibl/pibl.jar")).hasContent("second build");
        try (var files = Files.list(root.resolve("opt/pibl"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("pibl.jar");
        }
    }

    @Test
    void refusesWithoutAJar() throws Exception {
        Path out = dir.resolve("out");
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), dir.resolve("missing.jar").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("DESTDIR", dir.resolve("root").toString());
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).contains("no jar at").contains("mvn -B -DskipTests package");
        assertThat(dir.resolve("root")).doesNotExist();
    }

    private int install(Path root, Path jar) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("install.out").toFile()));
        builder.environment().put("DESTDIR", root.toString());
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
