package dev.pibl.app.simulate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The labels file: one JSON object a line per client, keyed as PIBL tracks it, read back as written. */
class SimulationLabelsTest {

    @TempDir
    Path dir;

    @Test
    void oneLinePerClientInPlanOrderWithKeyIpKindAndLabel() throws Exception {
        SimulationPlan plan = SimulationPlan.of(new SimulationSettings(3, Duration.ofSeconds(5), 100,
                Map.of(ClientKind.BROWSER, 2, ClientKind.FLOODER, 1), Map.of(), 1, false, null));
        Path file = dir.resolve("labels.jsonl");

        Labels.write(file, plan.labels());

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            ClientPlan client = plan.clients().get(i);
            String ip = "127.1.0." + (i + 1);
            assertThat(lines.get(i)).isEqualTo("{\"key\":\"" + ip + "\",\"ip\":\"" + ip + "\",\"kind\":\""
                    + client.kind().cliName() + "\",\"label\":\"" + client.kind().label() + "\"}");
        }
        assertThat(lines).filteredOn(l -> l.contains("\"kind\":\"flooder\"")).singleElement().asString()
                .endsWith("\"label\":\"abusive\"}");
        assertThat(lines).filteredOn(l -> l.contains("\"kind\":\"browser\"")).allMatch(l -> l.endsWith("\"label\":\"benign\"}"));
    }

    @Test
    void withForwardedForTheKeysAreTheForwardedAddresses() throws Exception {
        SimulationPlan plan = SimulationPlan.of(new SimulationSettings(3, Duration.ofSeconds(5), 100,
                Map.of(ClientKind.SCANNER, 2), Map.of(), 1, true, null));
        Path file = dir.resolve("labels.jsonl");

        Labels.write(file, plan.labels());

        assertThat(Files.readAllLines(file)).containsExactly(
                "{\"key\":\"10.1.0.1\",\"ip\":\"10.1.0.1\",\"kind\":\"scanner\",\"label\":\"abusive\"}",
                "{\"key\":\"10.1.0.2\",\"ip\":\"10.1.0.2\",\"kind\":\"scanner\",\"label\":\"abusive\"}");
    }

    @Test
    void readsBackWhatItWroteSkippingBlankLinesAndUnknownFields() throws Exception {
        Path file = dir.resolve("labels.jsonl");
        Files.writeString(file, "{\"key\":\"127.1.0.1\",\"ip\":\"127.1.0.1\",\"kind\":\"api\",\"label\":\"benign\"}\n\n"
                + "{\"key\":\"10.0.0.0/24\",\"ip\":\"10.0.0.9\",\"kind\":\"bot\",\"label\":\"abusive\",\"note\":\"x\"}\n");

        assertThat(Labels.read(file)).containsExactly(
                new Labels.Label("127.1.0.1", "127.1.0.1", "api", "benign"),
                new Labels.Label("10.0.0.0/24", "10.0.0.9", "bot", "abusive"));
    }

    @Test
    void aBadLineIsNamedByNumber() throws Exception {
        Path file = dir.resolve("labels.jsonl");
        Files.writeString(file, "{\"key\":\"a\",\"ip\":\"a\",\"kind\":\"api\",\"label\":\"benign\"}\n"
                + "{\"key\":\"b\",\"ip\":\"b\",\"kind\":\"api\",\"label\":\"good\"}\n");

        assertThatThrownBy(() -> Labels.read(file)).hasMessageContaining("labels.jsonl:2")
                .hasMessageContaining("benign or abusive");
        Files.writeString(file, "not json\n");
        assertThatThrownBy(() -> Labels.read(file)).hasMessageContaining("labels.jsonl:1");
    }
}
