package dev.pibl.app.simulate;

import dev.pibl.app.Cli;
import dev.pibl.app.demo.DemoBackend;
import dev.pibl.app.demo.DemoBackendGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pibl simulate} on the command line: a run, an evaluation alone, and the usage errors. */
class SimulateCommandTest {

    @TempDir
    Path dir;

    private final Cli cli = new Cli();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    @Test
    void runWritesTheLabelsAndPrintsWhatEachKindGot() throws Exception {
        Path labels = dir.resolve("labels.jsonl");
        try (DemoBackendGroup demo = DemoBackend.startAll("127.0.0.1", 0, 1, 1)) {
            int code = pibl("simulate", "--target", "127.0.0.1:" + demo.backends().get(0).port(), "--seed", "3",
                    "--duration", "1s", "--mix", "api=1,stuffer=1", "--time-scale", "0.25", "--labels", labels.toString());

            assertThat(code).as(err.toString()).isZero();
        }
        assertThat(Files.readAllLines(labels)).hasSize(2).anyMatch(l -> l.contains("\"kind\":\"stuffer\""));
        assertThat(err.toString()).contains("2 clients (api=1,stuffer=1) from 127.1.0.1 to 127.1.0.2");
        assertThat(out.toString()).startsWith("pibl simulate: ")
                .containsPattern("api      benign        1 +[0-9]+ +1 +0  200=[0-9]+\n")
                .containsPattern("stuffer  abusive       1 +[0-9]+ +[12] +0  401=[0-9]+\n");
    }

    @Test
    void evaluateAloneReadsTheLabelsAndTheLog() throws Exception {
        Path labels = dir.resolve("labels.jsonl");
        Path log = dir.resolve("access.log");
        Files.writeString(labels, "{\"key\":\"127.1.0.1\",\"ip\":\"127.1.0.1\",\"kind\":\"flooder\",\"label\":\"abusive\"}\n"
                + "{\"key\":\"127.1.0.2\",\"ip\":\"127.1.0.2\",\"kind\":\"browser\",\"label\":\"benign\"}\n");
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            lines.append(line("127.1.0.1", i <= 10 ? "trusted" : "abusive")).append(line("127.1.0.2", "trusted"));
        }
        Files.writeString(log, lines);

        int code = pibl("simulate", "--no-traffic", "--evaluate", "--labels", labels.toString(),
                "--access-log", log.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("flooder (abusive): 1 clients, 12 requests\n"
                        + "  tiers: trusted=0.833 abusive=0.167\n"
                        + "  first tier change: 1 of 1 clients, at request median 11, max 11\n")
                .endsWith("detection=1.000 false_positives=0.000\n");
    }

    @Test
    void optionsThatCannotWorkAreUsageErrors() throws Exception {
        assertThat(pibl("simulate", "--no-traffic")).isEqualTo(2);
        assertThat(err.toString()).contains("--no-traffic does nothing without --evaluate");
        assertThat(pibl("simulate", "--evaluate", "--no-traffic", "--labels", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("--evaluate needs --access-log FILE");
        assertThat(pibl("simulate", "--mix", "browser=1,robot=2")).isEqualTo(2);
        assertThat(err.toString()).contains("mix: \"robot\" (expected: one of browser, api, crawler");
        assertThat(pibl("simulate", "--duration", "1 minute")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid duration");
        assertThat(pibl("simulate", "--target", "192.0.2.1:8080", "--duration", "1s")).isEqualTo(2);
        assertThat(err.toString()).contains("expected: an IPv4 loopback address");
        assertThat(pibl("simulate", "--target", "localhost")).isEqualTo(2);
        assertThat(err.toString()).contains("expected: HOST:PORT");
    }

    @Test
    void anUnreadableLabelsFileFailsWithItsName() throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "");

        int code = pibl("simulate", "--no-traffic", "--evaluate", "--labels", dir.resolve("missing.jsonl").toString(),
                "--access-log", log.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("pibl simulate: " + dir.resolve("missing.jsonl") + ": no such file")
                .doesNotContain("Exception");
    }

    private int pibl(String... args) {
        return cli.run(args);
    }

    private static String line(String ip, String tier) {
        return "2026-11-22T17:03:12.201Z 9f3c0001 " + ip + " \"GET / HTTP/1.1\" 200 0 6 0.412ms backend=node-1"
                + " upstream=0.301ms score=0.5 tier=" + tier + " model=m\n";
    }
}
