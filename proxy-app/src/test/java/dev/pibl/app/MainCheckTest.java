package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pibl --check}: exit 0 for a valid config, 1 with every problem named otherwise. */
class MainCheckTest {

    @TempDir
    Path dir;

    private final Cli cli = new Cli();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("pibl.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void aValidConfigPassesTheCheck() throws Exception {
        Path file = write("backends:\n  - url: \"http://127.0.0.1:9001\"\n");
        assertThat(run("--config", file.toString(), "--check")).isZero();
        assertThat(out.toString()).contains("configuration " + file + " is valid");
    }

    @Test
    void theShippedReferenceConfigPassesTheCheck() {
        assertThat(run("--config", "../config/pibl.yaml", "--check")).isZero();
    }

    @Test
    void everyProblemIsPrintedAndTheCheckFails() throws Exception {
        Path file = write("server:\n  port: 70000\n  prot: 1\nbackends:\n  - url: \"ftp://x\"\n");
        assertThat(run("--config", file.toString(), "--check")).isEqualTo(1);
        assertThat(err.toString())
                .contains("pibl.yaml:2: server.port: 70000 (expected: an integer from 1 to 65535)")
                .contains("pibl.yaml:3: server.prot: unknown key")
                .contains("pibl.yaml:5: backends[0].url: ftp://x (expected: http://host:port)")
                .contains("is invalid (3 problems)");
    }

    @Test
    void theReferenceConfigWithScorePolicyLoadsTheShippedModel() throws Exception {
        // As an operator switches it on: the model path is relative to the working directory.
        String reference = Files.readString(Path.of("../config/pibl.yaml"))
                .replace("policy: round-robin", "policy: score")
                .replace("model: config/models/behaviour.json", "model: ../config/models/behaviour.json");
        assertThat(run("--config", write(reference).toString(), "--check")).as(err.toString()).isZero();
    }

    @Test
    void aModelFileThatDoesNotLoadFailsTheCheck() throws Exception {
        Path model = dir.resolve("model.json");
        Files.writeString(model, "{\"format\": \"pibl-logistic/1\", \"version\": \"v\", \"features\": [\"rate_2s\"],"
                + " \"mean\": [0], \"scale\": [1], \"weights\": [1], \"bias\": 0}");
        Path file = write("backends:\n  - { name: a, url: \"http://127.0.0.1:9001\" }\n"
                + "balancing:\n  policy: score\n  score:\n    model: " + model + "\n"
                + "    tiers:\n      - { name: all, pool: [a] }\n");
        assertThat(run("--config", file.toString(), "--check")).isEqualTo(1);
        assertThat(err.toString())
                .contains("balancing.score.model: " + model + ": features[0]: \"rate_2s\" (expected: one of rate_1s,")
                .contains("is invalid (1 problem)");
    }

    @Test
    void overridesAreCheckedToo() throws Exception {
        Path file = write("backends:\n  - url: \"http://127.0.0.1:9001\"\n");
        assertThat(run("--config", file.toString(), "--port", "70000", "--ttl", "5x", "--check")).isEqualTo(1);
        assertThat(err.toString()).contains("--port: 70000").contains("--ttl: 5x");
    }

    @Test
    void aMissingFileIsReported() {
        assertThat(run("--config", dir.resolve("nope.yaml").toString(), "--check")).isEqualTo(1);
        assertThat(err.toString()).contains("nope.yaml");
    }

    @Test
    void helpListsTheOptionsAndTheDemo() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--config", "--port", "--ttl", "--check", "demo");
    }
}
